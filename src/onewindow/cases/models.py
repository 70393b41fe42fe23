"""Cases: one application from intake to delivery, with an append-only event history."""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.ids import mask
from onewindow.core.models import AppendOnly, StatusHistory

from . import states


class Channel(models.TextChoices):
    WINDOW = "window", _("At a window")
    ONLINE = "online", _("Online")
    MOBILE = "mobile", _("Mobile app")
    KIOSK = "kiosk", _("Self-service kiosk")
    HOTLINE = "hotline", _("Hotline")
    POST = "post", _("By post")
    CROSS_REGION = "cross_region", _("At another region's window")


class Status(models.TextChoices):
    SUBMITTED = states.SUBMITTED, _("Submitted")
    ACCEPTED = states.ACCEPTED, _("Accepted")
    REFUSED = states.REFUSED, _("Refused")
    SUPPLEMENT_REQUESTED = states.SUPPLEMENT_REQUESTED, _("Supplement requested")
    IN_REVIEW = states.IN_REVIEW, _("In review")
    APPROVED = states.APPROVED, _("Approved")
    DENIED = states.DENIED, _("Denied")
    DELIVERED = states.DELIVERED, _("Delivered")
    WITHDRAWN = states.WITHDRAWN, _("Withdrawn")
    REVOKED = states.REVOKED, _("Decision revoked")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card (China)")
    USCC = "uscc", _("Unified social credit code")
    VN_CITIZEN_ID = "vn_citizen_id", _("Citizen ID (Vietnam)")
    VN_ENTERPRISE = "vn_enterprise", _("Enterprise code (Vietnam)")


ENTERPRISE_ID_TYPES = (IdType.USCC, IdType.VN_ENTERPRISE)


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("Pick up at the window")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronic download")


def new_tracking_token() -> str:
    return secrets.token_urlsafe(12)


class BundleCase(models.Model):
    """One application for a "one thing" bundle: the parent of one child case per item."""

    number = models.CharField(_("case number"), max_length=32, unique=True)
    tracking_token = models.CharField(max_length=24, default=new_tracking_token, editable=False)
    bundle = models.ForeignKey(
        "catalog.Bundle", verbose_name=_("bundle"), on_delete=models.PROTECT, related_name="cases"
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="bundle_cases"
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    answers = models.JSONField(_("situation answers"), default=dict)
    channel = models.CharField(_("channel"), max_length=10)
    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # The longest chain of promised days through the children, in their departments' calendars.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_date_provisional = models.BooleanField(_("due date provisional"), default=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("bundle case")
        verbose_name_plural = _("bundle cases")

    def __str__(self):
        return self.number


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=32)
    # Printed as a QR code on the receipt: the public tracking page needs it, so numbers cannot be guessed.
    tracking_token = models.CharField(max_length=24, default=new_tracking_token, editable=False)
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("service item (version)"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # the (department, status, …) indexes lead with it
    )
    # Where the applicant filed and collects the result when another unit decides (the commune takes
    # in what the district decides); null when the deciding department receives it itself.
    receiving_department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("received at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_cases",
        db_index=False,  # see Meta.indexes: only the rows that have one
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED)

    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    # The window clerk who filed the case for the applicant: they keep seeing it wherever they work.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken in by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # see Meta.indexes: only the rows that have one
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_type = models.CharField(_("ID type"), max_length=16, choices=IdType.choices)
    applicant_id_number = models.CharField(_("ID number"), max_length=32)
    applicant_phone = models.CharField(_("phone"), max_length=32, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)

    answers = models.JSONField(_("situation answers"), default=dict)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,  # see Meta.indexes: only the rows that have one
    )
    review_steps = models.JSONField(_("review steps"), default=list)
    step = models.PositiveSmallIntegerField(_("current review step"), default=0)
    suspended_from = models.CharField(max_length=24, blank=True, default="")
    # Set at intake: False when the applicant had to come back (a supplement before acceptance, or a
    # refusal), True when the case was accepted as first handed in. Feeds the come-back rate.
    first_visit_complete = models.BooleanField(_("complete at the first visit"), null=True, blank=True)
    parent = models.ForeignKey(
        BundleCase,
        verbose_name=_("bundle case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,  # see Meta.indexes: only the rows that have one
    )
    # Items of the same bundle case whose decision this case waits for (their results are its inputs).
    waiting_for = models.JSONField(_("waiting for"), default=list, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Computed by the clock at every change, stored so that lists can filter and sort on them.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # The due date runs into a year whose official calendar is not published yet: computed from the
    # statutory holidays, and recomputed when the year is loaded (services.recompute_due_dates).
    due_date_provisional = models.BooleanField(_("due date provisional"), default=False)
    extension_days = models.PositiveIntegerField(_("extension (working days)"), default=0)
    # The new date promised in an apology notice (phiếu xin lỗi) when the case is about to be late.
    apology_date = models.DateField(_("date promised in the apology"), null=True, blank=True)
    # The limits that applied to this applicant's situation when the case was filed.
    promised_days = models.PositiveIntegerField(_("promised time limit (days)"))
    immediate = models.BooleanField(_("immediate item"), default=False)

    # Facts the service-quality index counts, kept on the case so that a month of a big city's
    # cases aggregates without reading their materials or histories.
    supplement_requests = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    working_days_used = models.PositiveIntegerField(_("working days used"), null=True, blank=True)
    materials_total = models.PositiveSmallIntegerField(_("materials at decision"), default=0)
    materials_shared = models.PositiveSmallIntegerField(_("materials from shared data"), default=0)
    materials_digitised = models.PositiveSmallIntegerField(_("materials as files"), default=0)

    delivery_method = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    pickup_code = models.CharField(_("pickup code"), max_length=12, blank=True)
    tracking_number = models.CharField(_("postal tracking number"), max_length=40, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["number"], name="case_number_unique")]
        indexes = [
            models.Index(fields=["department", "status", "due_date"]),
            # The index's running cases by due day: the department is read from the index alone.
            models.Index(fields=["status", "due_date"], include=["department", "id"], name="case_status_due"),
            models.Index(fields=["applicant_user", "-id"]),
            # The department's queue, newest first (the API pages by id).
            models.Index(fields=["department", "status", "-id"], name="case_department_status_id"),
            # The index's month recomputation counts a month's submitted, decided and delivered cases
            # from these alone (PostgreSQL's index-only scans; `include` is ignored elsewhere).
            models.Index(
                fields=["submitted_at", "department"],
                include=["channel", "first_visit_complete", "id"],
                name="case_submitted_counts",
            ),
            models.Index(
                fields=["decided_on", "department"],
                include=[
                    "id",
                    "due_date",
                    "supplement_requests",
                    "working_days_used",
                    "promised_days",
                    "materials_total",
                    "materials_shared",
                    "materials_digitised",
                ],
                condition=Q(decided_on__isnull=False),
                name="case_decided_counts",
            ),
            models.Index(
                fields=["delivered_at", "department"],
                include=["delivery_method", "id"],
                condition=Q(delivered_at__isnull=False),
                name="case_delivered_counts",
            ),
            # Foreign keys most cases leave empty: an index entry only for those that have one (every
            # intake wrote four empty entries before).
            *(
                models.Index(fields=[name], condition=Q(**{f"{name}__isnull": False}), name=f"case_{name}")
                for name in ("receiving_department", "taken_by", "assignee", "parent")
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def masked_id_number(self) -> str:
        return mask(self.applicant_id_number)

    @property
    def front_desk(self):
        """The department whose one-stop section took the case in and hands back the result."""
        return self.receiving_department if self.receiving_department_id else self.department

    def set_clock(self, running) -> None:
        """Store what lists filter on from a computed clock (None before acceptance)."""
        self.due_date = running.due_date if running else None
        self.due_date_provisional = bool(running and running.provisional)

    def machine_state(self) -> states.CaseState:
        return states.CaseState(
            status=self.status,
            step=self.step,
            steps=max(1, len(self.review_steps)),
            suspended_from=self.suspended_from,
            extended=self.extension_days > 0,
            extension_allowed=self.item.extension_days > 0,
            waiting=bool(self.waiting_for),
            # From the loaded suspensions (the clock reads the same list): one query, or none if prefetched.
            paused=any(
                s.ended_on is None and s.kind != Suspension.Kind.SUPPLEMENT for s in self.suspensions.all()
            ),
        )


class MaterialStatus(models.TextChoices):
    RECEIVED = "received", _("Received (copy)")
    ORIGINAL_SEEN = "original_seen", _("Original checked")
    SHARED_DATA = "shared_data", _("Provided by shared data")
    PASSED_ON = "passed_on", _("Passed on from another item of the bundle")
    COMMITTED = "committed", _("Replaced by the applicant's signed commitment")
    MISSING = "missing", _("Missing")


class PrivateStorage(FileSystemStorage):
    """Applicants' files, outside the public media folder; the location follows the settings."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage():
    return PrivateStorage()


def upload_path(material, filename: str) -> str:
    # services.upload_material names the file (random, with the ending of its sniffed type); nothing of
    # the name the applicant sent is kept.
    return f"cases/{material.case_id}/{material.code}/{filename}"


class CaseMaterial(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(_("uploaded file"), storage=private_storage, upload_to=upload_path, blank=True)
    data = models.JSONField(_("typed-in data"), default=dict, blank=True)
    checks = models.JSONField(_("pre-check results"), default=list, blank=True)
    code = models.CharField(_("material"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MaterialStatus.choices, default=MaterialStatus.MISSING
    )
    # The dossier's digital copy: who stored the file (a window clerk's scan, or the applicant's
    # upload), when, its SHA-256, and that statement signed in the receiving unit's name.
    digitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stored by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    digitised_at = models.DateTimeField(_("stored at"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    attestation = models.TextField(_("signed statement of the copy"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_material_unique")]

    def __str__(self):
        return f"{self.name}: {self.get_status_display()}"


class Suspension(models.Model):
    """A stop of the legal clock: a supplement request, an expert review or a hearing."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Supplement requested")
        EXPERT_REVIEW = "expert_review", _("Expert review")
        HEARING = "hearing", _("Hearing")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


class CaseEvent(StatusHistory):
    """One entry of a case's history. Never changed or deleted once written."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusHistory.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an Idempotency-Key, so that a retry gets the same answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, related_name="+")
    bundle_case = models.ForeignKey(BundleCase, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self):
        return self.key


class CaseAccess(AppendOnly):
    """Staff access to a case's personal data: each day's first read of a case by a user, and every
    reveal of a full ID number or phone (which are masked until revealed)."""

    class Kind(models.TextChoices):
        READ = "read", _("Read")
        REVEAL = "reveal", _("Revealed the ID number")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=8)  # page or api

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case", "day"], condition=models.Q(kind="read"), name="one_read_per_day"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.case_id} {self.at:%Y-%m-%d %H:%M}"
