"""12345 hotline tickets: the closed loop from a caller's request to the callback, with an append-only
history, time limits in working days, routing data the administrator edits, and hot-spot fixes."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.models import StatusHistory

from . import states


class TicketType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    REPORT = "report", _("Report")
    HELP = "help", _("Request for help")
    PRAISE = "praise", _("Praise")


class TicketChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web form")
    MOBILE = "mobile", _("Mobile page")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class TicketStatus(models.TextChoices):
    REGISTERED = states.REGISTERED, _("Registered")
    DISPATCHED = states.DISPATCHED, _("Dispatched")
    SIGNED = states.SIGNED, _("Being handled")
    HANDLED = states.HANDLED, _("Handled")
    REPLIED = states.REPLIED, _("Replied")
    CLOSED = states.CLOSED, _("Closed")
    MERGED = states.MERGED, _("Merged")


class Supervision(models.TextChoices):
    NONE = "", _("None")
    NEAR = "near", _("Near its limit")
    OVERDUE = "overdue", _("Past its limit")
    ORDERED = "ordered", _("Supervision ordered")


class HotlineSettings(models.Model):
    """One row: what the administrator sets for the whole hotline."""

    auto_dispatch_threshold = models.FloatField(
        _("automatic dispatch threshold"),
        default=0.6,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("The model dispatches a ticket itself when its confidence is at least this (1 = never)."),
    )
    duplicate_window_days = models.PositiveSmallIntegerField(_("duplicate window (days)"), default=7)
    near_limit_days = models.PositiveSmallIntegerField(
        _("supervise when this many working days are left"), default=1
    )
    limit_emergency = models.PositiveSmallIntegerField(_("limit for emergencies (working days)"), default=0)
    limit_consultation = models.PositiveSmallIntegerField(_("limit for consultations"), default=3)
    limit_help = models.PositiveSmallIntegerField(_("limit for requests for help"), default=5)
    limit_complaint = models.PositiveSmallIntegerField(_("limit for complaints"), default=15)
    limit_report = models.PositiveSmallIntegerField(_("limit for reports"), default=15)
    limit_suggestion = models.PositiveSmallIntegerField(_("limit for suggestions"), default=15)
    limit_praise = models.PositiveSmallIntegerField(_("limit for praise"), default=5)
    max_extension_days = models.PositiveSmallIntegerField(_("longest extension (working days)"), default=15)

    class Meta:
        verbose_name = _("hotline settings")
        verbose_name_plural = _("hotline settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "HotlineSettings":
        return cls.objects.first() or cls()

    def limit_for(self, ticket_type: str, emergency: bool) -> int:
        """Working days; 0 means the same day."""
        return self.limit_emergency if emergency else getattr(self, f"limit_{ticket_type}")


class CategoryRoute(models.Model):
    """Which department takes the tickets of a (first-level) category: data the administrator edits."""

    category = models.CharField(_("category"), max_length=100, unique=True)
    # The category's code outside (Open311's service_code).
    code = models.SlugField(_("code"), max_length=40, unique=True)
    department = models.ForeignKey(
        "catalog.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    keywords = models.CharField(
        _("routing rule keywords"),
        max_length=300,
        blank=True,
        help_text=_(
            "Comma-separated: a ticket whose text has one of them goes to this category without the model."
        ),
    )

    class Meta:
        ordering = ["category"]
        verbose_name = _("category route")
        verbose_name_plural = _("category routes")

    def __str__(self):
        return f"{self.category} → {self.department}"

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("，", ",").split(",") if k.strip()]


def new_tracking_token() -> str:
    return secrets.token_urlsafe(12)


class Ticket(models.Model):
    number = models.CharField(_("ticket number"), max_length=32, unique=True)
    tracking_token = models.CharField(max_length=24, default=new_tracking_token, editable=False)
    ticket_type = models.CharField(_("type"), max_length=16, choices=TicketType.choices)
    emergency = models.BooleanField(_("emergency"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=TicketChannel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.REGISTERED
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what the caller said"), max_length=5000)
    # Its words, segmented once at registration: hot spots group tickets by them.
    words = models.JSONField(default=list, blank=True, editable=False)

    anonymous = models.BooleanField(_("anonymous"), default=False)
    caller_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caller's account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_tickets",
    )
    caller_name = models.CharField(_("caller"), max_length=100, blank=True)
    caller_phone = models.CharField(_("phone"), max_length=32, blank=True)
    caller_email = models.EmailField(_("email"), blank=True)

    address = models.CharField(_("address"), max_length=300, blank=True)
    region = models.ForeignKey(
        "catalog.Region", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    # Routing: the model's guess at registration, and the category the ticket ends with (which the
    # model learns from when it is retrained).
    predicted_category = models.CharField(_("model's category"), max_length=100, blank=True)
    confidence = models.FloatField(_("model's confidence"), null=True, blank=True)
    suggestions = models.JSONField(_("model's suggestions"), default=list, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    dispatched_by = models.CharField(_("dispatched by"), max_length=8, blank=True)  # agent, rule, model

    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_tickets",
    )
    helpers = models.ManyToManyField(
        "catalog.Department", verbose_name=_("helping departments"), blank=True, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returns = models.PositiveSmallIntegerField(_("returns"), default=0)
    handling = models.TextField(_("handling"), blank=True)
    reply = models.TextField(_("reply to the caller"), blank=True)
    article = models.ForeignKey(
        "knowledge.Article",
        verbose_name=_("answered with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    answered_at_once = models.BooleanField(_("answered at once"), default=False)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="merged",
    )  # fmt: skip
    reopened = models.BooleanField(_("reopened"), default=False)
    satisfied = models.BooleanField(_("caller satisfied"), null=True, blank=True)

    registered_at = models.DateTimeField(_("registered at"))
    # The day the time limit starts: registration, or the day an unhappy callback reopened it.
    clock_started_on = models.DateField(_("time limit starts"))
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_requested_days = models.PositiveSmallIntegerField(_("extension asked for"), default=0)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    supervision = models.CharField(
        _("supervision"), max_length=8, choices=Supervision.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("hotline ticket")
        verbose_name_plural = _("hotline tickets")
        indexes = [
            models.Index(fields=["status", "department", "-id"], name="ticket_status_department"),
            models.Index(fields=["status", "due_date"], name="ticket_status_due"),
            models.Index(fields=["registered_at"], name="ticket_registered"),
            models.Index(fields=["caller_phone", "status"], name="ticket_caller_status"),
            models.Index(fields=["caller_user", "-id"], name="ticket_caller_user"),
        ]

    def __str__(self):
        return self.number

    @property
    def masked_phone(self) -> str:
        phone = self.caller_phone
        return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else ("****" if phone else "")

    @property
    def open(self) -> bool:
        return self.status in states.OPEN_STATES

    def machine_state(self) -> states.TicketState:
        return states.TicketState(
            status=self.status,
            ticket_type=self.ticket_type,
            paused=any(s.ended_on is None for s in self.suspensions.all()),
            extended=self.extension_days > 0,
            extension_pending=self.extension_requested_days > 0,
            reopened=self.reopened,
        )


class TicketSuspension(models.Model):
    """A pause of the time limit while the department waits (for a site visit, another authority…)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.CharField(_("reason"), max_length=500)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self):
        return f"{self.started_on}–{self.ended_on or ''}"


class TicketEvent(StatusHistory):
    """One entry of a ticket's history. Never changed or deleted once written."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusHistory.Meta):
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self):
        return f"{self.ticket_id} {self.action} {self.from_status}→{self.to_status}"


class HotSpotFix(models.Model):
    """What a supervisor did about a hot spot: the page compares its topic's tickets before and after."""

    class Kind(models.TextChoices):
        CATALOG = "catalog", _("Catalog change")
        ARTICLE = "article", _("Knowledge article")
        RECTIFICATION = "rectification", _("Rectification")
        NOTE = "note", _("Note")

    topic = models.CharField(_("topic words"), max_length=200)
    place = models.CharField(_("place"), max_length=100, blank=True)
    kind = models.CharField(_("kind of fix"), max_length=16, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    note = models.TextField(_("note"), max_length=2000)
    fixed_on = models.DateField(_("fixed on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-fixed_on", "-id"]
        verbose_name = _("hot-spot fix")
        verbose_name_plural = _("hot-spot fixes")

    def __str__(self):
        return f"{self.topic} ({self.fixed_on})"


class ModelVersion(models.Model):
    """A routing model trained from closed tickets, and whether it replaced the one in use."""

    trained_at = models.DateTimeField(_("trained at"))
    examples = models.PositiveIntegerField(_("training examples"))
    held_back = models.PositiveIntegerField(_("held-back examples"))
    new_macro_f1 = models.FloatField(_("new model's macro-F1 on the held-back slice"))
    old_macro_f1 = models.FloatField(_("old model's macro-F1 on the held-back slice"), null=True)
    accepted = models.BooleanField(_("replaced the old model"))
    folder = models.CharField(_("folder"), max_length=300)

    class Meta:
        ordering = ["-trained_at"]
        verbose_name = _("routing model version")
        verbose_name_plural = _("routing model versions")

    def __str__(self):
        return f"{self.trained_at:%Y-%m-%d %H:%M} {'accepted' if self.accepted else 'kept the old one'}"


class IdempotencyRecord(models.Model):
    """The ticket a `POST /api/v1/tickets` with an Idempotency-Key made (core/idempotency.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="ticket_idempotency_key_unique")]

    def __str__(self):
        return self.key
