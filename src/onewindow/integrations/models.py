"""Department systems as API clients, their webhook endpoints, and every delivery to them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core.models import Event

# What a client's token may do (an empty list on a person's token: whatever the role allows).
SCOPES = {
    "events:read": _("read the events of its department"),
    "cases:read": _("read its department's cases"),
    "cases:write": _("act on its department's cases"),
}


class ApiClient(models.Model):
    """A department's back-office system: a service account of that department (it sees and acts on
    that department's cases only), with scoped tokens and webhook endpoints."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="api_clients",
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    scopes = models.JSONField(_("scopes"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name


class WebhookEndpoint(models.Model):
    """A URL of a client that receives the events of the types it subscribes to, signed."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    # Event types ("case.accepted"), a family ("case.*") or everything ("*").
    event_types = models.JSONField(_("event types"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100)
    # After a rotation the old secret signs too, until this time, so no delivery fails in between.
    previous_secret = models.CharField(_("previous secret"), max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(_("previous secret valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The receiver is down (no answer, 5xx, 429): nothing is sent before this time.
    failures_in_a_row = models.PositiveIntegerField(_("failures in a row"), default=0)
    resume_at = models.DateTimeField(_("resume at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return f"{self.client} → {self.url}"

    def signing_secrets(self, now=None) -> list[str]:
        now = now or timezone.now()
        keep_old = self.previous_secret and self.previous_secret_until and self.previous_secret_until > now
        return [self.secret, self.previous_secret] if keep_old else [self.secret]

    def wants(self, event_type: str) -> bool:
        return any(
            wanted == "*"
            or wanted == event_type
            or (wanted.endswith(".*") and event_type.startswith(wanted[:-1]))
            for wanted in self.event_types
        )


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    DEAD = "dead", _("failed on every try")
    DISCARDED = "discarded", _("discarded")


class WebhookDelivery(models.Model):
    """One event for one endpoint: created in the event's transaction, sent by the worker until the
    receiver says 2xx. Events about one subject (a case) go out in order: a delivery waits while an
    earlier one for the same subject is pending or dead."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=80)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A worker holds it until then; after a crash another worker takes it again.
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-event_id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="one_delivery_per_event")]
        indexes = [
            models.Index(fields=["endpoint", "status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["endpoint", "subject", "event"], name="delivery_order"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id} ({self.status})"

    @property
    def msg_id(self) -> str:
        """The webhook-id: the same on every try, so the receiver can drop repeats."""
        return f"msg_{self.event_id}"


class DeliveryAttempt(models.Model):
    """The delivery log: one row per try, with what the receiver answered."""

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"
