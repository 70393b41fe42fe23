from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.models import AppendOnly


class Payment(models.Model):
    """The fee of a case, paid online through a gateway or at the window. A case has at most one
    payment that is not cancelled or failed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        WINDOW = "window", _("At the window")

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="payments"
    )
    reference = models.CharField(_("payment reference"), max_length=64, unique=True)
    unit_amount = models.DecimalField(_("fee per unit"), max_digits=14, decimal_places=2)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    gateway = models.CharField(_("gateway"), max_length=40, blank=True)
    gateway_id = models.CharField(_("gateway's payment id"), max_length=64, blank=True)
    pay_url = models.URLField(_("payment page"), max_length=500, blank=True)
    transaction = models.CharField(_("transaction number"), max_length=64, blank=True)
    refunded_amount = models.DecimalField(_("refunded"), max_digits=14, decimal_places=2, default=0)
    receipt_number = models.CharField(_("receipt number"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "core.User", verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~models.Q(receipt_number=""),
                name="payment_receipt_unique",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["pending", "paid", "refunded"]),
                name="payment_one_live_per_case",
            ),
        ]
        indexes = [models.Index(fields=["status", "paid_at"])]

    def __str__(self):
        return self.reference


class Refund(models.Model):
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    reference = models.CharField(_("refund reference"), max_length=64, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    transaction = models.CharField(_("transaction number"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("refunded"))
    created_by = models.ForeignKey("core.User", verbose_name=_("by"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self):
        return self.reference


class Notice(AppendOnly):
    """A gateway's signed notice as it arrived, kept once per message id: a notice delivered again
    (the gateway retries until it hears 2xx) finds its id here and changes nothing."""

    gateway = models.CharField(_("gateway"), max_length=40)
    message_id = models.CharField(_("message id"), max_length=100)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="notices", null=True)
    kind = models.CharField(_("kind"), max_length=40)
    body = models.JSONField(_("body"))
    received_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["gateway", "message_id"], name="notice_once")]


class Reconciliation(models.Model):
    """One day's comparison of a gateway's statement with the payments recorded here."""

    gateway = models.CharField(_("gateway"), max_length=40)
    day = models.DateField(_("day"))
    ran_at = models.DateTimeField(_("ran"))
    matched = models.PositiveIntegerField(_("matched"))
    gateway_total = models.DecimalField(_("gateway's net total"), max_digits=16, decimal_places=2)
    platform_total = models.DecimalField(_("platform's net total"), max_digits=16, decimal_places=2)
    mismatches = models.JSONField(_("mismatches"), default=list)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        constraints = [models.UniqueConstraint(fields=["gateway", "day"], name="reconciliation_per_day")]

    def __str__(self):
        return f"{self.gateway} {self.day}"
