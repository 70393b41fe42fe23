"""Support policies with their eligibility rules, enterprise profiles (each value with its source), and
the matches found between them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.ids import mask
from onewindow.core.uploads import validate_document_upload

from . import eligibility


class HowObtained(models.TextChoices):
    APPLY = "apply", _("Apply with a case")
    EXEMPT = "exempt", _("Exempt from application: confirm only")


# The library's topics (a policy's `topic`, what enterprises subscribe to).
TOPICS = {
    "innovation": _("Innovation and technology"),
    "manufacturing": _("Manufacturing"),
    "employment": _("Jobs and hiring"),
    "tax": _("Tax relief"),
    "finance": _("Loans and finance"),
    "trade": _("Foreign trade"),
    "consumption": _("Consumer services"),
    "social": _("Social services"),
}


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Policy(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=200)
    source_url = models.URLField(_("source document (link)"), blank=True)
    topic = models.CharField(_("topic"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until (application deadline)"), null=True, blank=True)
    benefit = models.TextField(_("benefit"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    how = models.CharField(_("how it is obtained"), max_length=8, choices=HowObtained.choices)
    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = models.JSONField(_("eligibility rule"))
    status = models.CharField(
        _("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    source_title = models.CharField(_("source document (title and number)"), max_length=300, blank=True)
    source_file = models.FileField(
        _("source document (file)"), upload_to="policies/", blank=True, validators=[validate_document_upload]
    )

    class Meta:
        ordering = ["valid_until", "code"]
        verbose_name = _("support policy")
        verbose_name_plural = _("support policies")

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        problems = eligibility.validate(self.rule)
        if problems:
            raise ValidationError({"rule": [f"{place}: {message}" for place, message in problems]})
        if self.how == HowObtained.APPLY and self.item_id is None:
            raise ValidationError(
                {"item": _("A policy obtained by applying names the catalog item to apply with.")}
            )


class EnterpriseProfile(models.Model):
    """What the platform knows of an enterprise, each value's source and date in `sources`
    ({field: {"source": "register|certificate|case|declared", "at": "YYYY-MM-DD"}})."""

    uscc = models.CharField(_("USCC"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry (GB/T 4754)"), max_length=5, blank=True)
    region = models.CharField(_("region code"), max_length=12, blank=True)
    size = models.CharField(_("size"), max_length=8, blank=True)
    founded = models.DateField(_("founded"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.FloatField(_("revenue (10,000 yuan)"), null=True, blank=True)
    tax_credit = models.CharField(_("tax credit grade"), max_length=1, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    certificates = models.JSONField(_("certificates held"), default=list, blank=True)
    approved_items = models.JSONField(_("items with an approved case"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=dict, blank=True)
    # What the enterprise declared itself: {field: value}; kept apart so that a re-assembly from the
    # registers keeps them (a declared value stands in for the register's, marked as declared).
    declared = models.JSONField(_("declared values"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("enterprise profile")
        verbose_name_plural = _("enterprise profiles")

    def __str__(self):
        return f"{self.name} {mask(self.uscc)}"

    def as_profile(self) -> eligibility.Profile:
        return eligibility.Profile(
            industry=self.industry,
            region=self.region,
            size=self.size,
            founded=self.founded,
            employees=self.employees,
            revenue=self.revenue,
            tax_credit=self.tax_credit,
            tags=frozenset(self.tags),
            certificates=frozenset(self.certificates),
            approved_items=frozenset(self.approved_items),
        )


class Match(models.Model):
    """A policy an enterprise is eligible for, or nearly (`missing`: the index of the one requirement
    it misses). Kept so that a new match is told once."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="matches")
    profile = models.ForeignKey(EnterpriseProfile, on_delete=models.CASCADE, related_name="matches")
    eligible = models.BooleanField()
    missing = models.SmallIntegerField(default=-1)
    found_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "profile"], name="one_match_per_pair")]

    def __str__(self):
        return f"{self.policy.code} · {self.profile}"


class NoticePreference(models.Model):
    """What an applicant wants to be told: matching policies (of the topics chosen; none chosen: all)
    for an enterprise, proactive offers for a citizen."""

    user = models.OneToOneField(
        "core.User", on_delete=models.CASCADE, related_name="notice_preference", verbose_name=_("account")
    )
    policy_notices = models.BooleanField(_("tell me of policies I match"), default=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    proactive_offers = models.BooleanField(_("offer me services when a life event is near"), default=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self):
        return str(self.user)


class Application(models.Model):
    """A matched policy applied for: the case filed for it (one per policy and enterprise)."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="applications")
    profile = models.ForeignKey(EnterpriseProfile, on_delete=models.PROTECT, related_name="applications")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="policy_application")
    applied_at = models.DateTimeField(_("applied at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "profile"], name="one_application_per_pair")]
        verbose_name = _("policy application")
        verbose_name_plural = _("policy applications")

    def __str__(self):
        return f"{self.policy.code} · {self.case.number}"


class PayoutStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Bank account confirmed: to be paid")
    PAID = "paid", _("Paid")


class Payout(models.Model):
    """A benefit exempt from application (免申即享): the platform files it, the enterprise only confirms
    the bank account it is paid into."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="payouts")
    profile = models.ForeignKey(EnterpriseProfile, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100)
    bank_account = models.CharField(_("bank account"), max_length=34)
    status = models.CharField(_("status"), max_length=10, choices=PayoutStatus.choices)
    confirmed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "profile"], name="one_payout_per_pair")]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")

    def __str__(self):
        return f"{self.policy.code} · {self.profile}"

    @property
    def masked_account(self) -> str:
        return mask(self.bank_account)


class LifeEvent(models.TextChoices):
    RETIREMENT = "retirement", _("Reaching retirement age")
    BIRTH = "birth", _("A child's birth registered")
    LICENCE_EXPIRY = "licence_expiry", _("A business licence about to expire")
    CERTIFICATE_EXPIRY = "certificate_expiry", _("A certificate about to expire")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    SITE = "site", _("On the website only")


class Trigger(models.Model):
    """A proactive service as data: when `event` is within `lead_days` (before it; after it for a
    birth), offer the bundle or item, once per person and event, on `channel`."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    event = models.CharField(_("event"), max_length=20, choices=LifeEvent.choices)
    condition = models.JSONField(
        _("condition"),
        default=dict,
        blank=True,
        help_text=_('Optional: {"certificate_type": "FOOD_LICENCE"}, {"sex": "male"}, {"region": "4419"}.'),
    )
    lead_days = models.PositiveSmallIntegerField(_("lead time (days)"))
    offer_kind = models.CharField(
        _("offer"), max_length=8, choices=[("bundle", _("Bundle")), ("item", _("Service item"))]
    )
    offer_code = models.CharField(_("bundle or item code"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.SMS)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("proactive trigger")
        verbose_name_plural = _("proactive triggers")

    def __str__(self):
        return self.name


class ProactiveOffer(models.Model):
    """What a trigger offered to whom, for which event, and whether it was taken up."""

    trigger = models.ForeignKey(Trigger, on_delete=models.PROTECT, related_name="offers")
    holder_id = models.CharField(_("ID number or USCC"), max_length=32, db_index=True)
    holder_name = models.CharField(_("name"), max_length=200)
    event_date = models.DateField(_("event date"))
    offered_at = models.DateTimeField(_("offered at"))
    channels = models.JSONField(_("sent by"), default=list)
    taken_up_at = models.DateTimeField(_("taken up at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["trigger", "holder_id", "event_date"], name="one_offer_per_event")
        ]
        verbose_name = _("proactive offer")
        verbose_name_plural = _("proactive offers")

    def __str__(self):
        return f"{self.trigger.code} · {mask(self.holder_id)}"
