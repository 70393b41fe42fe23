"""The service catalog: regions, departments, life events and versioned service items.

Item elements follow GB/T 39046 (政务服务事项基本目录及实施清单); see docs/catalog.md.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.i18n import translated, translation_errors
from onewindow.core.models import AppendOnly
from onewindow.core.uploads import validate_document_upload

from . import rules

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, '-', '_' or '.', starting with a letter or digit."),
)


class Translatable(models.Model):
    """Content written in Chinese, with other languages in `translations` ({"en": {"name": ...}})."""

    translatable_fields: tuple[str, ...] = ("name",)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def tr(self, field: str = "name") -> str:
        return translated(self, field)

    def clean(self):
        super().clean()
        problems = translation_errors(self.translations, self.translatable_fields)
        if problems:
            raise ValidationError(
                {"translations": [f"{path}: {message}" if path else message for path, message in problems]}
            )


class Calendar(models.TextChoices):
    CN = "CN", _("China (State Council holidays and adjusted working days)")
    VN = "VN", _("Vietnam")
    WEEKDAYS = "WEEKDAYS", _("Monday to Friday")


class Region(Translatable):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        TOWN = "town", _("Town / district")
        VILLAGE = "village", _("Village / community")

    class Area(models.TextChoices):
        """What a unit's staff are expected to handle: Quảng Nam sets dossiers per official per year
        for urban, rural and disadvantaged (mountain and island) areas."""

        NONE = "", _("Not set")
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")
        DISADVANTAGED = "disadvantaged", _("Disadvantaged (mountain, island)")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    area = models.CharField(_("area"), max_length=16, choices=Area.choices, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class Department(Translatable):
    translatable_fields = ("name", "short_name", "address")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments"
    )
    calendar = models.CharField(
        _("working-day calendar"), max_length=16, choices=Calendar.choices, default=Calendar.CN
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    rectification_days = models.PositiveSmallIntegerField(
        _("working days per rectification stage"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Each stage of a bad rating's rectification (verify, fix, reply, call back) gets this long."
        ),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class CalendarOverride(models.Model):
    """A local exception to a department's calendar: a closure day, or an extra working day."""

    class Kind(models.TextChoices):
        CLOSURE = "closure", _("Closed (not a working day)")
        WORKING = "working", _("Extra working day")

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="calendar_overrides"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["department", "date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        constraints = [models.UniqueConstraint(fields=["department", "date"], name="one_override_per_day")]

    def __str__(self):
        return f"{self.department.code} {self.date} {self.get_kind_display()}"


class CalendarYear(AppendOnly):
    """One year of an official working-day schedule, loaded by an administrator from the notice that
    published it (catalog/calendars.py). Written once: a corrected notice is loaded as a new row, and
    the newest row for a calendar (or a department) and year is the one in force. For CN and VN it
    replaces what the libraries or the statutory rules say for that year; for a department it adds
    the department's own closures and extra working days of that year, like its overrides."""

    calendar = models.CharField(_("working-day calendar"), max_length=16, choices=Calendar.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_years",
        help_text=_("Empty for a national calendar; a department for its own closures and working days."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # [{"date": "2027-02-05", "name": "春节"}, ...]
    days_off = models.JSONField(_("days off"), default=list)
    working_days = models.JSONField(_("adjusted working days"), default=list)
    source_title = models.CharField(_("source (notice title)"), max_length=300)
    source_date = models.DateField(_("source date"))
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["calendar", "year", "-loaded_at", "-id"]
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")
        indexes = [models.Index(fields=["calendar", "department", "year"], name="calendar_year_scope")]

    def __str__(self):
        scope = self.department.code if self.department_id else self.calendar
        return f"{scope} {self.year}: {self.source_title}"

    def dates(self, field: str) -> frozenset:
        return frozenset(dt.date.fromisoformat(entry["date"]) for entry in getattr(self, field))


class LifeEvent(Translatable):
    """A life or business event used to browse the catalog (retirement, opening a business…)."""

    translatable_fields = ("name", "description")

    class Audience(models.TextChoices):
        PERSON = "person", _("Persons")
        ENTERPRISE = "enterprise", _("Enterprises")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self):
        return self.name


class ItemType(models.TextChoices):
    """GB/T 39046 item types (事项类型)."""

    LICENSE = "01", _("Administrative license")
    PENALTY = "02", _("Administrative penalty")
    ENFORCEMENT = "03", _("Administrative enforcement")
    LEVY = "04", _("Administrative levy")
    BENEFIT = "05", _("Administrative benefit")
    INSPECTION = "06", _("Administrative inspection")
    CONFIRMATION = "07", _("Administrative confirmation")
    REWARD = "08", _("Administrative reward")
    ADJUDICATION = "09", _("Administrative adjudication")
    OTHER_POWER = "10", _("Other administrative power")
    PUBLIC_SERVICE = "20", _("Public service")


class DaysUnit(models.TextChoices):
    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class OnlineLevel(models.TextChoices):
    """How much of a procedure can be done online (Vietnam's dịch vụ công trực tuyến levels)."""

    NONE = "", _("Information only")
    PARTIAL = "partial", _("Partly online")
    FULL = "full", _("Fully online")


class PaymentStage(models.TextChoices):
    NONE = "none", _("No: paid elsewhere, or free")
    FILING = "filing", _("Before acceptance")
    DECISION = "decision", _("Before the result is handed over")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


CHANNELS = ("window", "online", "mobile", "post")


class ServiceItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ItemStatus.PUBLISHED)


class ServiceItem(Translatable):
    """One version of a service item. Cases keep the version they were filed under."""

    translatable_fields = ("name", "summary", "acceptance_conditions", "location")

    code = models.CharField(_("item code"), max_length=40, validators=[code_validator])
    version = models.PositiveIntegerField(_("version"), default=1, validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    keywords = models.CharField(
        _("search keywords"),
        max_length=300,
        blank=True,
        help_text=_("Other words citizens use for this service, separated by spaces."),
    )
    item_type = models.CharField(_("item type"), max_length=2, choices=ItemType.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("implementing department"), on_delete=models.PROTECT, related_name="items"
    )
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("life events"), blank=True, related_name="items"
    )
    receiving_departments = models.ManyToManyField(
        Department,
        verbose_name=_("received at"),
        blank=True,
        related_name="received_items",
        help_text=_(
            "The one-stop sections that take in applications and hand back results for the implementing "
            "department, e.g. every commune of a district for a procedure the district decides. Empty: "
            "the implementing department receives them itself."
        ),
    )
    decided_by_receiver = models.BooleanField(
        _("each receiving unit decides"),
        default=False,
        help_text=_(
            "A procedure every commune performs for its own area: the unit where it is filed also decides "
            "it (the implementing department is the catalog's reference unit)."
        ),
    )

    legal_days = models.PositiveIntegerField(_("legal time limit (days)"), null=True, blank=True)
    promised_days = models.PositiveIntegerField(_("promised time limit (days)"), default=0)
    days_unit = models.CharField(
        _("time limits counted in"), max_length=10, choices=DaysUnit.choices, default=DaysUnit.WORKING
    )
    immediate = models.BooleanField(
        _("immediate item"), default=False, help_text=_("Decided on the spot (即办件).")
    )
    fee = models.DecimalField(
        _("fee"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("In the department's currency: yuan in China, đồng in Vietnam."),
    )
    fee_basis = models.CharField(_("fee basis"), max_length=300, blank=True)
    fee_per_copy = models.BooleanField(
        _("fee per copy"), default=False, help_text=_("Charged for each copy the applicant asks for.")
    )
    payment_stage = models.CharField(
        _("fee paid on the platform"),
        max_length=10,
        choices=PaymentStage.choices,
        default=PaymentStage.NONE,
    )
    max_visits = models.PositiveSmallIntegerField(_("maximum visits in person"), default=1)
    extension_days = models.PositiveIntegerField(
        _("extension allowed (days)"),
        default=0,
        help_text=_(
            "Days the time limit may be extended once, with a reason and an approver; 0 = no extension."
        ),
    )

    channel_window = models.BooleanField(_("at a window"), default=True)
    channel_online = models.BooleanField(_("online"), default=False)
    channel_mobile = models.BooleanField(_("mobile app"), default=False)
    channel_post = models.BooleanField(_("by post"), default=False)
    online_url = models.URLField(_("online service address"), blank=True)
    online_level = models.CharField(
        _("online level"),
        max_length=8,
        choices=OnlineLevel.choices,
        blank=True,
        help_text=_("Fully online: filed, paid and delivered without a visit; partly: some step in person."),
    )
    for_person = models.BooleanField(_("serves persons"), default=True)
    for_enterprise = models.BooleanField(_("serves enterprises"), default=False)

    result_material = models.CharField(
        _("result passed on as material"),
        max_length=40,
        blank=True,
        help_text=_(
            "The material code this item's result provides to other items, e.g. retirement_approval. "
            "In a bundle it is passed on inside the platform instead of being asked for."
        ),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    acceptance_conditions = models.TextField(_("acceptance conditions"), blank=True)
    location = models.CharField(_("where to apply"), max_length=300, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)

    # Lower-cased names in every language and the keywords, for search on SQLite and PostgreSQL alike.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="item_code_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="published"), name="one_published_version_per_item"
            ),
            models.CheckConstraint(
                condition=Q(legal_days__isnull=True) | Q(promised_days__lte=models.F("legal_days")),
                name="promised_within_legal",
                violation_error_message=_("The promised time limit cannot exceed the legal one."),
            ),
        ]
        indexes = [models.Index(fields=["status", "department"])]

    def __str__(self):
        return f"{self.name} ({self.code} v{self.version})"

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    @property
    def channels(self) -> list[str]:
        return [channel for channel in CHANNELS if getattr(self, f"channel_{channel}")]

    @property
    def service_objects(self) -> list[str]:
        return [name for name, on in (("person", self.for_person), ("enterprise", self.for_enterprise)) if on]

    def refresh_search_text(self):
        names = [self.name, self.keywords]
        for fields in (self.translations or {}).values():
            if isinstance(fields, dict):
                names.append(str(fields.get("name", "")))
        self.search_text = " ".join(part for part in names if part).lower()

    def clean(self):
        super().clean()
        errors = {}
        if self.legal_days is not None and self.promised_days > self.legal_days:
            errors["promised_days"] = _("The promised time limit cannot exceed the legal one.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity comes before its start.")
        if self.channel_online and not self.online_url:
            errors["online_url"] = _("Items offered online need the online service address.")
        if not (self.for_person or self.for_enterprise):
            errors["for_person"] = _("An item serves persons, enterprises or both.")
        if errors:
            raise ValidationError(errors)

    def rules(self) -> rules.ItemRules:
        """The item's situation rules as plain data (see rules.py)."""
        questions = tuple(
            rules.QuestionSpec(q.code, tuple(o.code for o in q.options.all()), q.when)
            for q in self.questions.all()
        )
        return rules.ItemRules(
            questions=questions,
            materials=tuple(rules.ConditionalPart(m.code, m.when) for m in self.materials.all()),
            steps=tuple(rules.ConditionalPart(s.code, s.when) for s in self.steps.all()),
            limit_rules=tuple(rules.LimitRule(r.when, r.overrides) for r in self.limit_rules.all()),
            limits={
                "legal_days": self.legal_days,
                "promised_days": self.promised_days,
                "max_visits": self.max_visits,
                "immediate": self.immediate,
                "fee": self.fee,
            },
        )


class ItemPart(Translatable):
    """Something that belongs to one item version, ordered and coded within it."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE)
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Question(ItemPart):
    translatable_fields = ("text", "help_text")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help"), max_length=500, blank=True)
    when = models.JSONField(
        _("asked when"),
        null=True,
        blank=True,
        help_text=_('Ask only when this holds, e.g. {"q": "employer", "is": "company"}.'),
    )
    # Data instead of paper: the answer read from a register, when the applicant lets the form fill itself.
    prefill = models.JSONField(
        _("prefilled from"),
        null=True,
        blank=True,
        help_text=_(
            'A register field that answers it, e.g. {"register": "social_insurance", "field": "insured_as"} '
            '(the value is the option), or with "at_least": [[15, "enough"], [0, "short"]] for numbers.'
        ),
    )

    class Meta(ItemPart.Meta):
        verbose_name = _("situation question")
        verbose_name_plural = _("situation questions")
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="question_code_unique")]

    def __str__(self):
        return self.text


class Option(Translatable):
    translatable_fields = ("text",)

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    text = models.CharField(_("answer"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="option_code_unique")]

    def __str__(self):
        return self.text


class MaterialKind(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    FORM = "form", _("Application form")
    CERTIFICATE = "certificate", _("Certificate or licence")


class Material(ItemPart):
    translatable_fields = ("name", "acceptance_standard", "note", "commitment_text")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    required = models.BooleanField(_("required"), default=True)
    shared_data = models.BooleanField(
        _("available from shared data"),
        default=False,
        help_text=_("The platform can obtain it from shared data, so the applicant need not bring it."),
    )
    acceptance_standard = models.CharField(_("acceptance standard"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Notification-commitment (告知承诺制): the applicant may sign this text instead of bringing the
    # material; the department verifies it after the decision. Empty: the material must be provided.
    commitment_text = models.TextField(
        _("commitment text"),
        blank=True,
        help_text=_(
            "If filled in, the applicant may sign this commitment instead of providing the material; "
            "the department verifies it after the decision."
        ),
    )
    blank_form = models.FileField(
        _("blank form"), upload_to="forms/", blank=True, validators=[validate_document_upload]
    )
    sample = models.FileField(
        _("filled-in sample"), upload_to="samples/", blank=True, validators=[validate_document_upload]
    )
    checks = models.JSONField(
        _("pre-checks"),
        default=list,
        blank=True,
        help_text=_(
            'Rules run on uploads and typed-in data, e.g. [{"rule": "file", "types": ["pdf"], '
            '"max_pages": 5}, {"rule": "resident_id", "field": "id_number", "min_age": 60}].'
        ),
    )
    when = models.JSONField(
        _("required when"),
        null=True,
        blank=True,
        help_text=_(
            'Needed only in these situations, e.g. {"q": "married", "is": "yes"}; empty means always.'
        ),
    )

    class Meta(ItemPart.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="material_code_unique")]

    def __str__(self):
        return self.name

    @property
    def original(self) -> bool:
        return self.kind == MaterialKind.ORIGINAL

    @property
    def commitment_allowed(self) -> bool:
        return bool(self.commitment_text.strip())


class ProcessStep(ItemPart):
    translatable_fields = ("name", "description")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    review = models.BooleanField(
        _("review step"),
        default=False,
        help_text=_("Done in the back office by a reviewer of the item's department."),
    )
    when = models.JSONField(_("applies when"), null=True, blank=True)

    class Meta(ItemPart.Meta):
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="step_code_unique")]

    def __str__(self):
        return self.name


class SituationRule(models.Model):
    """In the situations of `when`, the item's limits change (e.g. a local applicant is served at once)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="limit_rules")
    position = models.PositiveIntegerField(_("position"), default=0)
    when = models.JSONField(_("when"))
    overrides = models.JSONField(
        _("changes"),
        help_text=_(
            'Limits that change, e.g. {"promised_days": 1, "max_visits": 0}. '
            "Allowed: legal_days, promised_days, max_visits, immediate, fee."
        ),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("time-limit rule")
        verbose_name_plural = _("time-limit rules")

    def __str__(self):
        return self.note or f"rule {self.position}"


class Bundle(Translatable):
    """A "one thing" (一件事): items of several departments handled as one application."""

    translatable_fields = ("name", "description", "assumptions")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    life_event = models.ForeignKey(
        LifeEvent,
        verbose_name=_("life event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bundles",
    )
    keywords = models.CharField(_("search keywords"), max_length=300, blank=True)
    typical_answers = models.JSONField(
        _("typical situation"),
        default=dict,
        blank=True,
        help_text=_(
            "Answers of a typical applicant: the bundle's page shows what the bundle saves in this situation."
        ),
    )
    assumptions = models.TextField(
        _("assumptions"),
        blank=True,
        help_text=_("What the figures assume where the public record is silent."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("bundle (one thing)")
        verbose_name_plural = _("bundles (one thing)")

    def __str__(self):
        return self.name


class BundleItem(models.Model):
    """An item of a bundle, by code (its published version is used), and the items it waits for.

    Waiting is also derived from the data: an item that needs another item's result material waits
    for that item's decision. `after` adds waits the materials do not show.
    """

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="parts")
    item_code = models.CharField(_("item code"), max_length=40)
    after = models.JSONField(
        _("starts after"),
        default=list,
        blank=True,
        help_text=_("Codes of items in this bundle that must be decided first."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        constraints = [models.UniqueConstraint(fields=["bundle", "item_code"], name="bundle_item_unique")]

    def __str__(self):
        return f"{self.bundle.code}: {self.item_code}"


class CatalogStamp(models.Model):
    """One row whose value changes with every change to the catalog (catalog/signals.py). App servers
    keep published items in memory and check this row before they use one (selectors.published_item),
    so an edit made through any server is seen by all at once."""

    value = models.CharField(max_length=32)

    def __str__(self):
        return self.value

    @classmethod
    def renew(cls) -> None:
        cls.objects.update_or_create(pk=1, defaults={"value": uuid.uuid4().hex})
