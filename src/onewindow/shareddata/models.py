"""Data instead of paper: e-certificates used in cases with the holder's consent (and every use
logged), signed commitments in place of proofs with their post-verification, and the credit records
that bar an applicant found to have committed falsely."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.ids import mask
from onewindow.core.models import AppendOnly


class SharedDataSettings(models.Model):
    """One row: what the administrator sets for consents and commitments."""

    consent_days = models.PositiveSmallIntegerField(
        _("a consent lasts (days)"), default=90, validators=[MinValueValidator(1)]
    )
    verification_days = models.PositiveSmallIntegerField(
        _("commitments are verified within (working days)"), default=20, validators=[MinValueValidator(1)]
    )
    prefill_hours = models.PositiveSmallIntegerField(
        _("prefilled data not filed is discarded after (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
    )
    bar_days = models.PositiveSmallIntegerField(
        _("a false commitment bars further commitments for (days)"),
        default=365,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("shared data settings")
        verbose_name_plural = _("shared data settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "SharedDataSettings":
        return cls.objects.first() or cls()


class ConsentChannel(models.TextChoices):
    ONLINE = "online", _("Online, by the applicant")
    WINDOW = "window", _("At the window, the applicant present")


class Consent(models.Model):
    """The holder's authorisation for one application (purpose) to use these certificates (scope)."""

    holder_id = models.CharField(_("holder's ID number or USCC"), max_length=32, db_index=True)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The purpose: this application (a case, or a bundle case and its children).
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bundle_case = models.ForeignKey(
        "cases.BundleCase", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    # The scope: [{"identifier", "version", "fingerprint", "material", "type"}] as consented to.
    scope = models.JSONField(_("certificates"), default=list)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("given"), max_length=8, choices=ConsentChannel.choices)
    given_at = models.DateTimeField(_("given at"))
    expires_at = models.DateTimeField(_("expires at"))
    # The first read of a certificate by the department: from then on the consent cannot be withdrawn.
    used_at = models.DateTimeField(_("first used at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{mask(self.holder_id)}: {self.purpose}"


class SharedMaterial(models.Model):
    """A case's material met by a certificate: what was used, exactly (identifier, version and the
    fingerprint of the signed certificate at filing)."""

    material = models.OneToOneField("cases.CaseMaterial", on_delete=models.CASCADE, related_name="shared")
    certificate = models.ForeignKey(
        "certificates.Certificate", on_delete=models.PROTECT, related_name="uses_in_cases"
    )
    identifier = models.CharField(_("identifier"), max_length=64)
    version = models.PositiveSmallIntegerField(_("version"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="materials")

    class Meta:
        verbose_name = _("material from shared data")
        verbose_name_plural = _("materials from shared data")

    def __str__(self):
        return f"{self.material_id}: {self.identifier} v{self.version}"


class CertificateUse(AppendOnly):
    """One use of a holder's certificate: checked at filing, read by a member of staff (the first read
    per person, case and day). What the holder sees on "My shared data"."""

    class Kind(models.TextChoices):
        FILING = "filing", _("Checked and attached at filing")
        READ = "read", _("Read by the department")
        VERIFICATION = "verification", _("Used to verify a commitment")

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="+")
    holder_id = models.CharField(max_length=32, db_index=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    department = models.ForeignKey(
        "catalog.Department", on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(_("use"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    day = models.DateField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("use of a certificate")
        verbose_name_plural = _("uses of certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "case", "user", "day"],
                condition=models.Q(kind="read"),
                name="one_certificate_read_per_day",
            )
        ]

    def __str__(self):
        return f"{self.certificate_id} {self.kind} {self.case_id} {self.at:%Y-%m-%d %H:%M}"


class SignedVia(models.TextChoices):
    ONLINE = "online", _("Online: ticked and typed the name")
    SIGNATURE_PAD = "signature_pad", _("On the window's signature pad")
    PAPER = "paper", _("On paper at the window")


class Commitment(models.Model):
    """The applicant's signed commitment (告知承诺) standing in for one material of a case."""

    material = models.OneToOneField("cases.CaseMaterial", on_delete=models.CASCADE, related_name="commitment")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="commitments")
    holder_id = models.CharField(_("applicant's ID number or USCC"), max_length=32, db_index=True)
    text = models.TextField(_("commitment"))
    signed_name = models.CharField(_("signed by"), max_length=200)
    signed_via = models.CharField(_("signed"), max_length=16, choices=SignedVia.choices)
    signed_at = models.DateTimeField(_("signed at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self):
        return f"{self.case_id}: {self.material_id}"


class Verification(models.Model):
    """The post-verification (核查) of a commitment, due within working days of the decision."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("To verify")
        CONFIRMED = "confirmed", _("True")
        FALSE = "false", _("Found false")
        VOID = "void", _("Not needed (the case was not approved)")

    class Method(models.TextChoices):
        REGISTER = "register", _("Through a register")
        CERTIFICATE = "certificate", _("Through an e-certificate")
        INSPECTION = "inspection", _("By inspection")

    commitment = models.OneToOneField(Commitment, on_delete=models.PROTECT, related_name="verification")
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, blank=True)
    note = models.TextField(_("finding"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("post-verification")
        verbose_name_plural = _("post-verifications")
        indexes = [models.Index(fields=["department", "outcome", "due_on"])]

    def __str__(self):
        return f"{self.commitment_id}: {self.outcome}"

    @property
    def on_time(self) -> bool:
        return self.verified_at is not None and self.verified_at.date() <= self.due_on


class CreditRecord(models.Model):
    """A bar on commitments after one was found false: who, why, until when. Seen by staff and by the
    applicant."""

    holder_id = models.CharField(_("ID number or USCC"), max_length=32, db_index=True)
    holder_name = models.CharField(_("name"), max_length=200)
    reason = models.TextField(_("reason"))
    verification = models.ForeignKey(Verification, on_delete=models.PROTECT, related_name="credit_records")
    barred_from = models.DateField(_("barred from"))
    barred_until = models.DateField(_("barred until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")

    def __str__(self):
        return f"{mask(self.holder_id)} until {self.barred_until}"

    @property
    def masked_holder_id(self) -> str:
        return mask(self.holder_id)


class Register(models.Model):
    """A register the platform asks (population, enterprise register, social insurance record…) through
    an adapter: `local` reads RegisterRecord rows kept here (the demo's), `http` asks the register's
    own service, whose answers are signed with the key given here."""

    class Kind(models.TextChoices):
        LOCAL = "local", _("Kept on this platform")
        HTTP = "http", _("The register's own service (HTTP)")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("adapter"), max_length=8, choices=Kind.choices, default=Kind.LOCAL)
    url = models.URLField(_("service address"), blank=True)
    public_jwk = models.JSONField(_("key its answers are signed with (JWK)"), null=True, blank=True)
    timeout_seconds = models.FloatField(
        _("timeout (seconds)"), default=3.0, validators=[MinValueValidator(0.1)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("register")
        verbose_name_plural = _("registers")

    def __str__(self):
        return self.name


class RegisterRecord(models.Model):
    """One subject's entry in a register kept on this platform."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="records")
    subject_id = models.CharField(_("ID number or USCC"), max_length=32)
    values = models.JSONField(_("values"), default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "subject_id"], name="one_register_record")]
        verbose_name = _("register record")
        verbose_name_plural = _("register records")

    def __str__(self):
        return f"{self.register_id}: {mask(self.subject_id)}"


class RegisterQuery(AppendOnly):
    """Every question put to a register: who asked, about whom, why, and what came of it."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        NOT_FOUND = "not_found", _("No record")
        UNAVAILABLE = "unavailable", _("Did not answer")

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=32, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    caller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    duration_ms = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, blank=True)  # SHA-256 of the signed answer
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("register query")
        verbose_name_plural = _("register queries")

    def __str__(self):
        return f"{self.register_id} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


class Prefill(models.Model):
    """Values read from registers for one application not filed yet: kept for `prefill_hours`, then
    discarded (the scheduled job), or moved into the case's DataSource rows when it is filed."""

    token = models.CharField(max_length=32, unique=True)
    holder_id = models.CharField(max_length=32)
    caller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(db_index=True)
    # {"answers": {question: {"value", "source", "reference"}}, "applicant": {field: {...}},
    #  "unavailable": [{"register", "problem"}]}
    values = models.JSONField(default=dict)

    def __str__(self):
        return self.token[:8]


class DataSource(models.Model):
    """Where a filed value came from: a register (with the query's fingerprint), a certificate, or typed
    by the applicant or the clerk (also when a register did not answer)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="data_sources")
    field = models.CharField(_("field"), max_length=80)
    value = models.CharField(_("value"), max_length=300)
    source = models.CharField(_("source"), max_length=120)
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self):
        return f"{self.field}: {self.source}"
