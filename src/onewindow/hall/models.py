"""The service hall: halls, service categories, windows, queue tickets and appointments.

Times are stored as aware datetimes and shown in the platform's time zone (ONEWINDOW_TIME_ZONE).
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import Calendar, Translatable, code_validator
from onewindow.core.ids import mask
from onewindow.core.models import AppendOnly

from . import rules


class Hall(Translatable):
    """A place with windows: a city centre, a town centre or a village service point."""

    translatable_fields = ("name", "address")

    class Level(models.TextChoices):
        CITY = "city", _("City service centre")
        TOWN = "town", _("Town service centre")
        VILLAGE = "village", _("Village service point")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        "catalog.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="halls"
    )
    address = models.CharField(_("address"), max_length=300)
    calendar = models.CharField(
        _("working-day calendar"), max_length=16, choices=Calendar.choices, default=Calendar.CN
    )
    opens_at = models.TimeField(_("opens at"), default=dt.time(9))
    closes_at = models.TimeField(_("closes at"), default=dt.time(17))
    break_start = models.TimeField(_("break starts"), null=True, blank=True)
    break_end = models.TimeField(_("break ends"), null=True, blank=True)
    wait_target_minutes = models.PositiveIntegerField(
        _("wait target (minutes)"), default=15, validators=[MinValueValidator(1)]
    )
    slot_minutes = models.PositiveIntegerField(
        _("appointment slot (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    appointment_tolerance_minutes = models.PositiveIntegerField(
        _("appointment tolerance (minutes)"),
        default=10,
        help_text=_(
            "An appointment ticket is called first from this long before its slot; "
            "check-in closes this long after it starts."
        ),
    )
    check_in_early_minutes = models.PositiveIntegerField(_("check-in opens (minutes before)"), default=30)
    booking_days_ahead = models.PositiveIntegerField(
        _("booking horizon (days)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    max_recalls = models.PositiveIntegerField(
        _("recalls before a no-show"), default=2, validators=[MaxValueValidator(10)]
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("window staff"),
        blank=True,
        related_name="halls",
        help_text=_("Clerks who may sign in to this hall's windows."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="hall_opens_before_closing"
            ),
            models.CheckConstraint(
                condition=Q(break_start__isnull=True, break_end__isnull=True)
                | Q(break_start__lt=models.F("break_end")),
                name="hall_break_is_a_period",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("The hall must close after it opens.")})
        if (self.break_start is None) != (self.break_end is None):
            raise ValidationError(
                {"break_end": _("Give both the start and the end of the break, or neither.")}
            )
        if self.break_start and self.break_end and self.break_start >= self.break_end:
            raise ValidationError({"break_end": _("The break must end after it starts.")})

    @property
    def hours(self) -> rules.OpeningHours:
        return rules.OpeningHours(self.opens_at, self.closes_at, self.break_start, self.break_end)

    @property
    def tolerance(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.appointment_tolerance_minutes)


class Category(Translatable):
    """A queue of the hall, with its ticket prefix (A, B, …) and appointment capacity per slot."""

    hall = models.ForeignKey(
        Hall, verbose_name=_("hall"), on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    prefix = models.CharField(
        _("ticket prefix"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("One or two capital letters."))],
    )
    name = models.CharField(_("name"), max_length=100)
    service_minutes = models.DecimalField(
        _("planned service time (minutes)"),
        max_digits=5,
        decimal_places=1,
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Used for expected waits until the hall has history of its own."),
    )
    appointment_capacity = models.PositiveIntegerField(
        _("appointments per slot"), default=2, help_text=_("0: this category takes no appointments.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["hall", "position", "prefix"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="category_code_per_hall"),
            models.UniqueConstraint(fields=["hall", "prefix"], name="category_prefix_per_hall"),
        ]

    def __str__(self):
        return f"{self.prefix} {self.name}"


class Window(Translatable):
    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("Comprehensive (every category)")
        DEDICATED = "dedicated", _("Dedicated (its categories only)")

    class State(models.TextChoices):
        CLOSED = "closed", _("Closed")
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.CASCADE, related_name="windows")
    number = models.CharField(_("window number"), max_length=8)
    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPREHENSIVE)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories served"), blank=True, related_name="windows"
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.CLOSED)
    clerk = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed-in clerk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="window",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["hall", "position", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="window_number_per_hall")]

    def __str__(self):
        return f"{self.hall.code} {self.number}"

    def counter(self, category_codes=None) -> rules.Counter:
        if self.kind == self.Kind.COMPREHENSIVE:
            return rules.Counter(self.pk, None)
        codes = (
            category_codes if category_codes is not None else self.categories.values_list("code", flat=True)
        )
        return rules.Counter(self.pk, frozenset(codes))


class Priority(models.TextChoices):
    NONE = rules.NONE, _("No priority")
    ELDERLY = "elderly", _("Elderly")
    DISABLED = "disabled", _("Disability")
    PREGNANT = "pregnant", _("Pregnant")
    APPOINTMENT = rules.APPOINTMENT, _("Appointment")


def new_token() -> str:
    return secrets.token_urlsafe(12)


class KioskDevice(models.Model):
    """A ticket machine (or any screen) enrolled by the hall's staff: only enrolled devices and staff
    issue queue tickets, so nobody can flood a queue from home or claim a priority group remotely.
    The device keeps a signed cookie with its id and secret; only the secret's digest is stored."""

    hall = models.ForeignKey(
        Hall, verbose_name=_("service hall"), on_delete=models.CASCADE, related_name="kiosks"
    )
    name = models.CharField(_("name"), max_length=100)
    secret_digest = models.CharField(max_length=64, unique=True, editable=False)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enrolled by"), on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"))
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to retire a lost or replaced device.")
    )

    class Meta:
        ordering = ["hall", "name"]
        verbose_name = _("kiosk device")
        verbose_name_plural = _("kiosk devices")

    def __str__(self):
        return f"{self.hall.code} {self.name}"


class Ticket(models.Model):
    """A queue ticket. A transfer ends the ticket ("transferred") and queues a new one with the same
    number, so each ticket is one wait and at most one service, and the analytics stay exact."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVING = "serving", _("Being served")
        DONE = "done", _("Done")
        NO_SHOW = "no_show", _("No-show")
        TRANSFERRED = "transferred", _("Transferred")

    class Source(models.TextChoices):
        KIOSK = "kiosk", _("Kiosk")
        API = "api", _("API")
        CHECK_IN = "check_in", _("Appointment check-in")
        TRANSFER = "transfer", _("Transfer")

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="tickets")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="tickets"
    )
    service_date = models.DateField(_("date"))
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=8)
    priority = models.CharField(_("priority"), max_length=12, choices=Priority.choices, default=Priority.NONE)
    source = models.CharField(_("issued by"), max_length=10, choices=Source.choices)
    # Who issued it, for the per-device and per-account limits (none for check-ins and transfers).
    device = models.ForeignKey(
        KioskDevice,
        verbose_name=_("kiosk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WAITING)
    token = models.CharField(max_length=24, default=new_token, unique=True, editable=False)

    arrived_at = models.DateTimeField(_("arrived at"))  # first ticket of the visit: the place in line
    issued_at = models.DateTimeField(_("queued at"))  # this ticket's wait starts here
    appointment = models.OneToOneField(
        "Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="ticket"
    )
    transferred_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="transferred_to"
    )
    target_window = models.ForeignKey(
        Window,
        verbose_name=_("transferred to window"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    window = models.ForeignKey(
        Window,
        verbose_name=_("window"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    recalls = models.PositiveIntegerField(_("recalls"), default=0)
    service_started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("cases filed"), blank=True, related_name="tickets"
    )

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "service_date", "sequence"],
                condition=Q(transferred_from__isnull=True),
                name="one_number_per_category_and_day",
            )
        ]
        indexes = [
            models.Index(fields=["hall", "status"], name="ticket_hall_status"),
            models.Index(fields=["hall", "service_date"], name="ticket_hall_day"),
        ]

    def __str__(self):
        return f"{self.number} ({self.service_date})"

    def waiting(self) -> rules.Waiting:
        return rules.Waiting(
            id=self.pk,
            category=self.category.code,
            priority=self.priority,
            arrived_at=self.arrived_at,
            appointment_at=self.appointment.starts_at if self.appointment_id else None,
            transferred_to_window=self.target_window_id,
            transferred_at=self.issued_at if self.transferred_from_id else None,
        )

    @property
    def wait_seconds(self) -> float | None:
        return None if self.called_at is None else (self.called_at - self.issued_at).total_seconds()

    @property
    def service_seconds(self) -> float | None:
        if self.service_started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.service_started_at).total_seconds()


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        CHECKED_IN = "checked_in", _("Checked in")
        NO_SHOW = "no_show", _("No-show")

    code = models.CharField(_("appointment code"), max_length=8, unique=True)
    hall = models.ForeignKey(
        Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="appointments"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="appointments"
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("time"))
    starts_at = models.DateTimeField()
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    applicant_name = models.CharField(_("name"), max_length=200)
    applicant_phone = models.CharField(_("phone"), max_length=32, blank=True)
    case_number = models.CharField(
        _("case number"),
        max_length=32,
        blank=True,
        help_text=_("An application filed online, to complete at the window."),
    )
    booked_at = models.DateTimeField(_("booked at"))
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [models.Index(fields=["category", "date", "start"], name="appointment_slot")]

    def __str__(self):
        return f"{self.code} {self.date} {self.start:%H:%M}"

    @property
    def masked_phone(self) -> str:
        return mask(self.applicant_phone)


class HallEvent(AppendOnly):
    """The hall's audit trail: window sign-ins and state changes, every ticket and appointment step."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=24)
    window = models.ForeignKey(Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("hall event")
        verbose_name_plural = _("hall events")

    def __str__(self):
        return f"{self.hall_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
