"""E-certificates (电子证照), the departments' signing keys, and the append-only transparency log.

The structure follows China's e-certificate standards (GB/T 36901–36905): a certificate has metadata
(type, issuer, holder, identifier, dates), surface data (the fields printed on it, per its type's
schema), an identifier that encodes type, issuer and serial, and a signed file (here a JWS).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.ids import mask
from onewindow.core.models import AppendOnly


class HolderKind(models.TextChoices):
    PERSON = "person", _("Citizen")
    ENTERPRISE = "enterprise", _("Enterprise")


def masked_name(name: str, holder_kind: str) -> str:
    """A person's name as the public check shows it (张*); an enterprise's in full."""
    if holder_kind == HolderKind.ENTERPRISE or len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


class CertificateType(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        "catalog.Department", verbose_name=_("issuing department"), on_delete=models.PROTECT, related_name="+"
    )
    holder_kind = models.CharField(_("holder"), max_length=12, choices=HolderKind.choices)
    # JSON Schema (draft 2020-12 subset: type object, properties, required) of the surface data.
    fields_schema = models.JSONField(_("surface data fields"), default=dict)
    valid_years = models.PositiveSmallIntegerField(
        _("valid for (years)"), null=True, blank=True, help_text=_("Empty: valid without end.")
    )
    shareable = models.BooleanField(_("may be shared with other departments"), default=True)
    # The catalog material it can stand for (a case asking for this material may use the certificate).
    material_code = models.CharField(_("stands for the material"), max_length=40, blank=True)
    # The catalog item whose approved cases produce it (issued automatically on approval).
    item_code = models.CharField(_("produced by the service item"), max_length=40, blank=True, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")

    def __str__(self):
        return self.name


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded by a new version")


class Certificate(models.Model):
    identifier = models.CharField(_("identifier"), max_length=64, unique=True)
    certificate_type = models.ForeignKey(
        CertificateType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="certificates"
    )
    issuer = models.ForeignKey(
        "catalog.Department", verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="+"
    )
    holder_kind = models.CharField(_("holder"), max_length=12, choices=HolderKind.choices)
    holder_id = models.CharField(_("holder's ID number or USCC"), max_length=32, db_index=True)
    holder_name = models.CharField(_("holder's name"), max_length=200)
    surface = models.JSONField(_("surface data"), default=dict)
    issued_at = models.DateTimeField(_("issued at"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self", verbose_name=_("supersedes"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="superseded_by",
    )  # fmt: skip
    # An enterprise's choice to show it on its public code page (一企一照一码).
    shown_publicly = models.BooleanField(_("shown on the enterprise's public page"), default=False)
    # The signed certificate: a compact JWS over the canonical JSON (RFC 8785) of `document()`.
    jws = models.TextField(_("signature (JWS)"))
    key_id = models.CharField(_("key id"), max_length=64)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("issued by case"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="certificates",
    )  # fmt: skip

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("e-certificate")
        verbose_name_plural = _("e-certificates")

    def __str__(self):
        return self.identifier

    @property
    def masked_holder_name(self) -> str:
        return masked_name(self.holder_name, self.holder_kind)

    @property
    def masked_holder_id(self) -> str:
        return mask(self.holder_id)


class SigningKey(models.Model):
    """A department's signing key: the public half here (published as a JWK set); the private half in
    a file of the key folder (settings.CERTIFICATE_KEY_DIR), never in the database."""

    # A department's code, or "log" for the transparency log's own key.
    owner = models.CharField(_("owner"), max_length=32, db_index=True)
    department = models.ForeignKey(
        "catalog.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kid = models.CharField(_("key id"), max_length=64, unique=True)
    algorithm = models.CharField(_("algorithm"), max_length=16)
    public_jwk = models.JSONField(_("public key (JWK)"))
    created_at = models.DateTimeField(_("created at"))
    # A retired key signs nothing new; certificates it signed still verify against it.
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["owner", "-created_at"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self):
        return self.kid


class LogEntry(AppendOnly):
    """One record of the transparency log (RFC 9162 leaf): an issuance, re-issuance, suspension,
    reinstatement or revocation. Index = position in the tree."""

    index = models.PositiveBigIntegerField(unique=True)
    entry = models.TextField()  # canonical JSON: what the leaf hash covers
    leaf_hash = models.BinaryField(max_length=32)
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="log_entries")
    at = models.DateTimeField()

    class Meta:
        ordering = ["index"]
        verbose_name = _("transparency log entry")
        verbose_name_plural = _("transparency log entries")

    def __str__(self):
        return f"#{self.index}"


class TreeHead(AppendOnly):
    """A signed tree head (RFC 9162 2.1): the root hash of the first `size` entries, signed by the log."""

    size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    timestamp = models.DateTimeField()
    signature = models.TextField()  # JWS by the log's key over the canonical JSON of size, root, time

    class Meta:
        ordering = ["-size"]
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")

    def __str__(self):
        return f"{self.size}"


class LogNode(AppendOnly):
    """The hash of a perfect subtree of the log (2^level leaves from index·2^level), stored when its
    last leaf arrives: roots and proofs read these instead of hashing every leaf."""

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="one_log_node")]
        verbose_name = _("transparency log node")
        verbose_name_plural = _("transparency log nodes")

    def __str__(self):
        return f"{self.level}/{self.index}"


class TrustedRegion(models.Model):
    """Another platform whose certificates verify here (mutual recognition, 互认): its signed trust
    list, imported after an administrator confirmed the fingerprint of the key that signed it."""

    name = models.CharField(_("region"), max_length=100, unique=True)
    platform_key = models.JSONField(_("key that signs its trust lists (JWK)"))
    fingerprint = models.CharField(_("fingerprint of that key"), max_length=64)
    issuers = models.JSONField(_("issuers and their keys"), default=list)
    certificate_types = models.JSONField(_("certificate types"), default=list)
    list_issued_at = models.CharField(_("list issued at"), max_length=40)
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("trusted region")
        verbose_name_plural = _("trusted regions")

    def __str__(self):
        return self.name
