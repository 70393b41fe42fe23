"""Support policies with their eligibility rules, enterprise profiles (each value with its source), and
the matches found between them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.ids import mask

from . import eligibility


class HowObtained(models.TextChoices):
    APPLY = "apply", _("Apply with a case")
    EXEMPT = "exempt", _("Exempt from application: confirm only")


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
