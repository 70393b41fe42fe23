"""Cross-region handling (跨域通办): a case filed at this region's window for another region's item
(ForwardedCase, at the filing side), received as a case of its own at the handling side (CaseOrigin),
with every message between the two signed, sent through a persistent outbox and received once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import private_storage
from onewindow.core.ids import mask


class Peer(models.Model):
    """Another OneWindow installation this one works with. Its messages verify against the key of its
    trust list (certificates.TrustedRegion, imported after confirming the fingerprint)."""

    name = models.CharField(_("region"), max_length=100, unique=True)  # = its ONEWINDOW_REGION_NAME
    base_url = models.URLField(_("address"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner region")
        verbose_name_plural = _("partner regions")

    def __str__(self):
        return self.name


class RemoteItem(models.Model):
    """A partner region's published item as its API gave it (questions, materials, pre-checks)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("item code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField()
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "code"], name="one_cached_remote_item")]
        verbose_name = _("partner region's item")
        verbose_name_plural = _("partner regions' items")

    def __str__(self):
        return f"{self.peer}: {self.code} v{self.version}"

    @property
    def name(self) -> str:
        return self.data.get("name", self.code)


class ForwardedStatus(models.TextChoices):
    FORWARDING = "forwarding", _("Being sent to the handling region")
    RECEIVED = "received", _("Received by the handling region")
    IN_PROGRESS = "in_progress", _("Being handled")
    APPROVED = "approved", _("Approved: result to hand over")
    DENIED = "denied", _("Denied: notice to hand over")
    REFUSED = "refused", _("Not accepted by the handling region")
    DELIVERED = "delivered", _("Handed over")
    REVOKED = "revoked", _("Decision revoked by the handling region")
    CANCELLED = "cancelled", _("Cancelled before it was sent")


def forwarded_path(material, filename: str) -> str:
    return f"cross-region/{material.forwarded_case_id}/{filename}"


class ForwardedCase(models.Model):
    """At the filing region: the application taken at our window for a partner region's item."""

    reference = models.CharField(_("our reference"), max_length=40, unique=True)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="forwarded_cases")
    item_code = models.CharField(_("item code"), max_length=40)
    item_version = models.PositiveIntegerField(_("item version"))
    item_name = models.CharField(_("item"), max_length=300)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_type = models.CharField(_("ID type"), max_length=16)
    applicant_id_number = models.CharField(_("ID number"), max_length=32)
    applicant_phone = models.CharField(_("phone"), max_length=32, blank=True)
    answers = models.JSONField(_("situation answers"), default=dict)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("taken at"))
    status = models.CharField(
        _("status"), max_length=12, choices=ForwardedStatus.choices, default=ForwardedStatus.FORWARDING
    )
    remote_number = models.CharField(_("case number in the handling region"), max_length=32, blank=True)
    remote_status = models.CharField(_("status there"), max_length=24, blank=True)
    # The result as the handling region sent it: its decision notice (signed PDF) and certificates (JWS).
    result_pdf = models.BinaryField(null=True, blank=True)
    result_certificates = models.JSONField(default=list, blank=True)
    delivered_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    # Each step as both sides saw it: [{"at", "by", "what", "note"}], newest last.
    history = models.JSONField(default=list)

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("case handled by another region")
        verbose_name_plural = _("cases handled by other regions")

    def __str__(self):
        return self.reference

    @property
    def masked_id_number(self) -> str:
        return mask(self.applicant_id_number)


class ForwardedMaterial(models.Model):
    forwarded_case = models.ForeignKey(ForwardedCase, on_delete=models.CASCADE, related_name="materials")
    code = models.CharField(_("material"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(upload_to=forwarded_path, storage=private_storage)
    data = models.JSONField(default=dict, blank=True)
    checks = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.code


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled by the operator")


class OutgoingMessage(models.Model):
    """The outbox: written in the transaction of the change it reports, sent until the partner says it
    has it (a retry carries the same message id, so it is never acted on twice)."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    message_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=40)
    body = models.TextField()  # the signed message (compact JWS), fixed when written
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("message to a partner region")
        verbose_name_plural = _("messages to partner regions")

    def __str__(self):
        return f"{self.kind} {self.message_id}"


class IncomingMessage(models.Model):
    """Every message received, once: a repeat with the same id is answered, not acted on again."""

    message_id = models.UUIDField(unique=True)
    region = models.CharField(max_length=100)
    kind = models.CharField(max_length=40)
    digest = models.CharField(max_length=64)  # of the signed body, to tell a retry from a forgery
    received_at = models.DateTimeField()
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.region} {self.kind} {self.message_id}"


class CaseOrigin(models.Model):
    """At the handling region: a case that came from a partner region's window."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="origin")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("their reference"), max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "reference"], name="one_case_per_reference")]
        verbose_name = _("case from another region")
        verbose_name_plural = _("cases from other regions")

    def __str__(self):
        return f"{self.peer}: {self.reference}"
