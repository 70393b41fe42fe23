"""Public resource trading: tenders with their lots, bids and notices; electronic bid guarantees
(电子保函) ordered from registered guarantors over a signed API; alerts of possible collusion."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import private_storage
from onewindow.core.ids import mask
from onewindow.core.models import StatusHistory


class GuarantorKind(models.TextChoices):
    BANK = "bank", _("Bank")
    INSURER = "insurer", _("Insurer")
    GUARANTEE_COMPANY = "guarantee_company", _("Guarantee company")


class Guarantor(models.Model):
    """A bank, insurer or guarantee company connected over the guarantor API. Its messages verify
    against `public_key` (Ed25519, base64 of the raw 32 bytes); ours to it are signed with the
    platform's trading key."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=GuarantorKind.choices)
    endpoint = models.URLField(_("API address"))
    public_key = models.CharField(_("public key"), max_length=64)
    # The published price: fee = amount × rate, at least the minimum; the trust red list pays
    # `red_list_discount` of it.
    fee_rate = models.DecimalField(_("fee rate"), max_digits=6, decimal_places=5)
    minimum_fee = models.DecimalField(_("minimum fee"), max_digits=12, decimal_places=2, default=0)
    red_list_discount = models.DecimalField(
        _("red list pays"), max_digits=4, decimal_places=3, default=1, help_text=_("e.g. 0.8: a fifth off")
    )
    answer_minutes = models.PositiveIntegerField(
        _("answer within (minutes)"),
        default=60,
        help_text=_("An order not answered by then is shown as late."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("guarantor")
        verbose_name_plural = _("guarantors")

    def __str__(self):
        return self.name


class ReceivedNonce(models.Model):
    """A guarantor message's id, kept while its timestamp is accepted: the same id twice is a replay."""

    guarantor = models.ForeignKey(Guarantor, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=100)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["guarantor", "nonce"], name="one_use_per_nonce")]

    def __str__(self):
        return self.nonce


class TrustList(models.TextChoices):
    RED = "red", _("Red list (trustworthy)")
    BLACK = "black", _("Blacklist (barred)")


class TrustListEntry(models.Model):
    """An enterprise on the trust red list (discounts) or blacklist (no guarantee, no bid)."""

    uscc = models.CharField(_("USCC"), max_length=18, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    list = models.CharField(_("list"), max_length=8, choices=TrustList.choices)
    reason = models.CharField(_("reason"), max_length=300)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("trust list entry")
        verbose_name_plural = _("trust list entries")

    def __str__(self):
        return f"{self.name} ({self.get_list_display()})"


class EvaluationMethod(models.TextChoices):
    LOWEST_PRICE = "lowest_price", _("Lowest evaluated price")
    COMPREHENSIVE = "comprehensive", _("Comprehensive evaluation")


class TenderStatus(models.TextChoices):
    OPEN = "open", _("Open for bids")
    OPENED = "opened", _("Bids opened")
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Tender(models.Model):
    code = models.CharField(_("tender number"), max_length=40, unique=True)
    project = models.CharField(_("project"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(_("tendering party"), max_length=200)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agent_name = models.CharField(_("tendering agent"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    deadline = models.DateTimeField(_("bid deadline and opening"))
    guarantee_amount = models.DecimalField(_("bid guarantee"), max_digits=14, decimal_places=2)
    evaluation_method = models.CharField(
        _("evaluation method"), max_length=20, choices=EvaluationMethod.choices
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TenderStatus.choices, default=TenderStatus.OPEN
    )
    published_at = models.DateTimeField(_("published at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("awarded or withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")

    def __str__(self):
        return f"{self.code} {self.project}"


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot"))
    name = models.CharField(_("name"), max_length=200)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["tender", "number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="one_lot_number")]

    def __str__(self):
        return f"{self.tender.code}/{self.number} {self.name}"


class Bid(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    bidder_uscc = models.CharField(_("bidder USCC"), max_length=18)
    bidder_name = models.CharField(_("bidder"), max_length=200)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    submitted_at = models.DateTimeField(_("submitted at"))
    # Where the bid came from, as the submission recorded it.
    ip_address = models.GenericIPAddressField(_("network address"))
    device_id = models.CharField(_("device id"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    winner = models.BooleanField(_("winner"), default=False)

    class Meta:
        ordering = ["lot", "amount"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "bidder_uscc"], name="one_bid_per_lot_and_bidder")
        ]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")

    def __str__(self):
        return f"{self.lot}: {self.bidder_name} {self.amount}"


def document_path(document, filename: str) -> str:
    return f"bids/{document.bid_id}/{filename}"


class BidDocument(models.Model):
    """A bid's file, with what its metadata says about where it was made."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=private_storage, upload_to=document_path)
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size"))
    author = models.CharField(_("author"), max_length=200, blank=True)
    software = models.CharField(_("creating software"), max_length=200, blank=True)
    machine_code = models.CharField(_("machine code"), max_length=100, blank=True)

    def __str__(self):
        return self.name


class NoticeKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("Tender announcement")
    OPENING = "opening", _("Bid opening record")
    AWARD = "award", _("Award notice")
    WITHDRAWAL = "withdrawal", _("Withdrawal notice")


class Notice(models.Model):
    """A public notice of one step of a tender: everyone may read it."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self):
        return f"{self.tender.code} {self.get_kind_display()}"


class GuaranteeStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered: being sent to the guarantor")
    SENT = "sent", _("With the guarantor")
    ISSUED = "issued", _("Issued")
    DECLINED = "declined", _("Declined by the guarantor")
    RELEASED = "released", _("Released")
    CLAIMED = "claimed", _("Claimed")


class Guarantee(models.Model):
    """An electronic bid guarantee: ordered by a bidder for a tender, issued and signed by a guarantor,
    verified by the tendering party at opening, then released or claimed."""

    reference = models.CharField(_("order number"), max_length=32, unique=True)
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="guarantees")
    guarantor = models.ForeignKey(Guarantor, on_delete=models.PROTECT, related_name="guarantees")
    bidder_uscc = models.CharField(_("bidder USCC"), max_length=18)
    bidder_name = models.CharField(_("bidder"), max_length=200)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    fee = models.DecimalField(_("fee"), max_digits=12, decimal_places=2)
    red_list = models.BooleanField(_("red list discount"), default=False)
    payer_account = models.CharField(_("fee paid from account"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=GuaranteeStatus.choices, default=GuaranteeStatus.ORDERED
    )
    ordered_at = models.DateTimeField(_("ordered at"))
    answer_due = models.DateTimeField(_("answer due"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    number = models.CharField(_("guarantee number"), max_length=60, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    pdf = models.FileField(storage=private_storage, upload_to="guarantees/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    # The guarantor's signed answer, kept whole: the tendering party checks it again at opening.
    signed_answer = models.JSONField(default=dict, blank=True)
    decline_reason = models.CharField(_("reason declined"), max_length=300, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("released or claimed at"), null=True, blank=True)
    claim_reason = models.TextField(_("reason claimed"), blank=True)

    class Meta:
        ordering = ["-ordered_at", "-id"]
        verbose_name = _("bid guarantee")
        verbose_name_plural = _("bid guarantees")

    def __str__(self):
        return self.number or self.reference

    @property
    def masked_bidder(self) -> str:
        return mask(self.bidder_uscc)

    @property
    def issue_seconds(self) -> float | None:
        if self.answered_at is None or self.status == GuaranteeStatus.DECLINED:
            return None
        return (self.answered_at - self.ordered_at).total_seconds()


class GuaranteeHistory(StatusHistory):
    guarantee = models.ForeignKey(Guarantee, on_delete=models.PROTECT, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("guarantee history entry")
        verbose_name_plural = _("guarantee history")


class LinkKind(models.TextChoices):
    SHAREHOLDING = "shareholding", _("Shareholding")
    PERSONNEL = "personnel", _("Shared personnel")


class EnterpriseLink(models.Model):
    """A known tie between two enterprises (from the enterprise register or an investigation)."""

    first_uscc = models.CharField(_("enterprise"), max_length=18, db_index=True)
    second_uscc = models.CharField(_("linked enterprise"), max_length=18, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices)
    detail = models.CharField(_("detail"), max_length=300)

    def __str__(self):
        return f"{mask(self.first_uscc)} – {mask(self.second_uscc)}: {self.get_kind_display()}"


class AlertStatus(models.TextChoices):
    OPEN = "open", _("To review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Alert(models.Model):
    """The screening of one opened tender that found something: its score, the screens that fired,
    the links between its bidders with their evidence. A reviewer confirms or dismisses it; confirmed
    and dismissed alerts are the labels the next model learns from."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="alert")
    score = models.FloatField(_("score"))
    screens = models.JSONField(_("screens"), default=dict)
    fired = models.JSONField(_("screens that fired"), default=list)
    links = models.JSONField(_("links between bidders"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    created_at = models.DateTimeField(_("raised at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-score", "-id"]
        verbose_name = _("collusion alert")
        verbose_name_plural = _("collusion alerts")

    def __str__(self):
        return f"{self.tender.code}: {self.score:.2f}"
