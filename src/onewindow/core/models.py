import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rows


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ENTERPRISE = "enterprise", _("Enterprise")
    CLERK = "clerk", _("Window clerk")
    REVIEWER = "reviewer", _("Department reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENT = "agent", _("Hotline agent")
    TRADING = "trading", _("Trading centre staff")
    ADMIN = "admin", _("Administrator")


SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})  # oversight: reports, analytics, the index, appeals
APPLICANTS = frozenset({Role.CITIZEN, Role.ENTERPRISE})  # people and firms applying for themselves
STAFF = frozenset(Role) - APPLICANTS  # everyone working for the administration


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Required for department reviewers: the department whose cases they review."),
    )
    # Real-name verification of an applicant account: it files only under this ID (people and firms
    # cannot file in somebody else's name from an account).
    verified_id_type = models.CharField(_("verified ID type"), max_length=16, blank=True)
    verified_id_number = models.CharField(
        _("verified ID number"),
        max_length=32,
        blank=True,
        help_text=_("Set after real-name verification; an applicant account files only under this ID."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="reviewer") | models.Q(department__isnull=False),
                name="reviewer_has_department",
                violation_error_message=_("A department reviewer must be bound to a department."),
            )
        ]

    @property
    def is_staff_member(self) -> bool:
        """Works for the administration (clerk, reviewer, supervisor, admin): pages leave out what only
        applicants do, such as booking their own appointments."""
        return self.role in STAFF

    def clean(self):
        super().clean()
        if self.role == Role.REVIEWER and self.department_id is None:
            raise ValidationError({"department": _("A department reviewer must be bound to a department.")})


def secret_digest(raw_token: str) -> str:
    """What is stored of a secret (an API token, a kiosk's key): its SHA-256, never the secret."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def for_raw_token(self, raw_token: str):
        """The token with its (active) user, or None; every API request asks, so the SQL is plain."""
        sql = (
            f"SELECT {rows.columns(ApiToken, 't')}, {rows.columns(User, 'u')} FROM core_apitoken t "
            "JOIN core_user u ON u.id = t.user_id WHERE t.digest = %s AND u.is_active "
            "AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > %s)"
        )
        found = rows.fetch_one(sql, [secret_digest(raw_token), timezone.now()], ApiToken, User)
        if found is None:
            return None
        token, user = found
        rows.attach(token, "user", user)
        return token


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A token works until it expires (ONEWINDOW_TOKEN_DAYS after it is made) or is revoked.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # What the token may do ("cases:read", "events:read", …); empty: everything its user's role allows.
    scopes = models.JSONField(_("scopes"), default=list, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} {self.label or self.created_at:%Y-%m-%d}"

    @classmethod
    def issue(
        cls, user: User, label: str = "", days: int | None = None, scopes: list[str] | None = None
    ) -> tuple["ApiToken", str]:
        raw = "ow_" + secrets.token_urlsafe(32)
        days = settings.ONEWINDOW_TOKEN_DAYS if days is None else days
        expires = timezone.now() + dt.timedelta(days=days)
        token = cls.objects.create(
            user=user, digest=secret_digest(raw), label=label, expires_at=expires, scopes=scopes or []
        )
        return token, raw

    def allows(self, scope: str) -> bool:
        return not self.scopes or scope in self.scopes

    @classmethod
    def revoke_all(cls, user: User) -> int:
        return cls.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only")

    def delete(self):
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only")


class AppendOnly(models.Model):
    """A history entry: written once, never changed or deleted (by the model or by a queryset)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self._meta.verbose_name_plural} are append-only")


class StatusHistory(AppendOnly):
    """One entry of a thing's history (a case's, a hotline ticket's): who did what, from which status
    to which, why. Never changed or deleted once written."""

    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(_("role"), max_length=20)
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta(AppendOnly.Meta):
        abstract = True
        ordering = ["at", "id"]


class LoginFailures(models.Model):
    """Failed logins counted for one key (an account, an address, or both; hashed) until `expires_at`.
    In the database rather than a per-process cache, so that every app server counts the same."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key[:8]}… {self.failures}"


class Event(AppendOnly):
    """A domain event in the outbox: written in the transaction that makes the change, so it exists
    exactly when the change does. Its id is the events API's cursor and the order of delivery."""

    type = models.CharField(_("type"), max_length=64, db_index=True)
    # What the event is about ("case:DG-20261201-0000042"): deliveries keep this order per subject.
    subject = models.CharField(_("subject"), max_length=80)
    # The department whose systems may see it ("" for events of no department).
    department = models.CharField(_("department"), max_length=32, blank=True, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]

    def __str__(self):
        return f"{self.pk} {self.type} {self.subject}"


class DeadLetter(models.Model):
    """A task that failed on every try: shown to administrators with its error, to retry or discard."""

    task_path = models.CharField(_("task"), max_length=200)
    args_kwargs = models.JSONField(_("arguments"), default=dict)
    queue_name = models.CharField(_("queue"), max_length=32, default="default")
    attempts = models.PositiveIntegerField(_("attempts"))
    error = models.TextField(_("error"))
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now)

    class Meta:
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.task_path} ({self.attempts}×): {self.error[:80]}"


class WorkerHeartbeat(models.Model):
    """A running `onewindow worker`, heard of every few seconds; silent ones lose their tasks."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.worker_id} on {self.host} (pid {self.pid})"


class ScheduledRun(models.Model):
    """One run of a scheduled job for one slot. The unique slot is the lock that keeps two schedulers
    from both running it."""

    job = models.CharField(_("job"), max_length=64)
    slot = models.DateTimeField(_("slot"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, default="running")
    detail = models.TextField(_("detail"), blank=True)
    scheduler = models.CharField(_("scheduler"), max_length=64)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_job_slot")]

    def __str__(self):
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M} {self.outcome}"
