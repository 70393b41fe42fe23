"""Ratings (好差评) of cases, hall visits and hotline tickets, the rectification of bad ratings, and
appeals."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.models import AppendOnly

from . import figures
from . import rectification as stages


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


BAD_LEVELS = figures.BAD_LEVELS  # dissatisfied and very dissatisfied


class RatingChannel(models.TextChoices):
    PC = "pc", _("Computer")
    MOBILE = "mobile", _("Mobile")
    QR = "qr", _("QR code at the window")
    TABLET = "tablet", _("Hall tablet")
    TERMINAL = "terminal", _("Other terminal")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")


class ReasonTag(models.TextChoices):
    SLOW = "slow", _("Too slow")
    ATTITUDE = "attitude", _("Staff attitude")
    UNCLEAR = "unclear", _("Unclear guidance")
    TOO_MANY_VISITS = "visits", _("Had to come too often")
    TOO_MANY_MATERIALS = "materials", _("Too many materials")
    ONLINE = "online", _("Online service problems")
    FAST = "fast", _("Fast")
    HELPFUL = "helpful", _("Helpful staff")


class Rating(models.Model):
    """One rating of a case (or a hall visit) in one evaluation round: round 1 rates the service,
    round 2 the rectification of a bad round-1 rating."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    ticket = models.ForeignKey(
        "hall.Ticket",
        verbose_name=_("hall visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    hotline_ticket = models.ForeignKey(
        "hotline.Ticket",
        verbose_name=_("hotline ticket"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    round = models.PositiveSmallIntegerField(_("evaluation round"), default=1)
    department = models.ForeignKey(
        "catalog.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    text = models.TextField(_("comment"), blank=True, max_length=1000)
    tags = models.JSONField(_("reasons"), default=list, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    rated_at = models.DateTimeField(_("rated at"))
    rated_on = models.DateField(_("rated on"))  # in the platform's time zone: what the index counts by
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    consent_to_publish = models.BooleanField(_("may be published"), default=False)
    # A supervisor may rule a rating malicious or mistaken: it stays, but no score counts it.
    excluded = models.BooleanField(_("excluded from scores"), default=False)
    exclusion_reason = models.CharField(_("reason for exclusion"), max_length=300, blank=True)

    class Meta:
        ordering = ["-rated_at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, ticket__isnull=True, hotline_ticket__isnull=True)
                | Q(case__isnull=True, ticket__isnull=False, hotline_ticket__isnull=True)
                | Q(case__isnull=True, ticket__isnull=True, hotline_ticket__isnull=False),
                name="rating_has_one_subject",
            ),
            models.UniqueConstraint(
                fields=["case", "round"], condition=Q(case__isnull=False), name="one_case_rating_per_round"
            ),
            models.UniqueConstraint(
                fields=["ticket", "round"],
                condition=Q(ticket__isnull=False),
                name="one_visit_rating_per_round",
            ),
            models.UniqueConstraint(
                fields=["hotline_ticket", "round"],
                condition=Q(hotline_ticket__isnull=False),
                name="one_hotline_rating_per_round",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
        ]
        indexes = [
            models.Index(fields=["department", "rated_on"], name="rating_department_day"),
            # The index's month recomputation reads a month's ratings from this alone (PostgreSQL).
            models.Index(
                fields=["rated_on"],
                include=["department", "level", "excluded", "id"],
                name="rating_day_counts",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} ({self.rated_on})"

    @property
    def bad(self) -> bool:
        return self.level in BAD_LEVELS


class Rectification(models.Model):
    """The follow-up of a bad rating: verify → fix → reply → call back, each with an owner and a
    deadline in working days."""

    class Stage(models.TextChoices):
        VERIFY = stages.VERIFY, _("Verify")
        FIX = stages.FIX, _("Fix")
        REPLY = stages.REPLY, _("Reply")
        CALLBACK = stages.CALLBACK, _("Call back")
        CLOSED = stages.CLOSED, _("Closed")

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    department = models.ForeignKey(
        "catalog.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="rectifications"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.VERIFY)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("stage due"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reply = models.TextField(_("reply to the rater"), blank=True)
    callback_satisfied = models.BooleanField(_("rater satisfied at the callback"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)  # rectified | appeal_upheld

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self):
        return f"{self.rating_id} {self.stage}"


class RectificationStep(AppendOnly):
    """A completed stage: who did it, when, against which deadline, with what note."""

    rectification = models.ForeignKey(Rectification, on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField(_("stage"), max_length=10)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    due_date = models.DateField(_("due"), null=True)
    done_at = models.DateTimeField(_("done at"))
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["done_at", "id"]
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")


class Appeal(models.Model):
    class Ground(models.TextChoices):
        MALICIOUS = "malicious", _("Malicious rating")
        MISTAKEN = "mistaken", _("Mistaken rating (wrong case or department)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld: excluded from scores")
        REJECTED = "rejected", _("Rejected: the rating counts")

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="appeals")
    ground = models.CharField(_("ground"), max_length=10, choices=Ground.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)
    ruling = models.TextField(_("ruling"), blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["rating"], condition=Q(status="pending"), name="one_pending_appeal_per_rating"
            )
        ]

    def __str__(self):
        return f"{self.rating_id} {self.ground} {self.status}"


class FigureCounters(models.Model):
    """The counters of figures.py, one column each."""

    submitted = models.IntegerField(default=0)
    submitted_online = models.IntegerField(default=0)
    intakes_settled = models.IntegerField(default=0)
    came_back = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    decided_on_time = models.IntegerField(default=0)
    decided_few_supplements = models.IntegerField(default=0)
    working_days_used = models.IntegerField(default=0)
    promised_days = models.IntegerField(default=0)
    materials_total = models.IntegerField(default=0)
    materials_shared = models.IntegerField(default=0)
    materials_digitised = models.IntegerField(default=0)
    delivered = models.IntegerField(default=0)
    delivered_electronic = models.IntegerField(default=0)
    ratings = models.IntegerField(default=0)
    ratings_level_sum = models.IntegerField(default=0)
    ratings_bad = models.IntegerField(default=0)
    ratings_bad_rectified = models.IntegerField(default=0)
    complaints = models.IntegerField(default=0)  # hotline complaints registered this day
    running_due = models.IntegerField(default=0)  # running cases whose due date is this day

    class Meta:
        abstract = True


class DailyFigure(FigureCounters):
    """Running totals per department and day (see figures.py): the index sums these, and they always
    equal a recomputation from the cases and ratings themselves."""

    department = models.ForeignKey("catalog.Department", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(fields=["department", "day"], name="one_figure_row_per_department_day")
        ]
        indexes = [models.Index(fields=["day", "department"], name="figure_day_department")]

    def __str__(self):
        return f"{self.department_id} {self.day}"


class FigureChange(FigureCounters):
    """A change to the daily figures not yet added to them (PostgreSQL): a case's write inserts one of
    these instead of updating its department's row for the day, which every other write of that
    department would then wait for until commit. `rollups.fold()` adds them in, before every read of
    the figures and every minute."""

    department = models.ForeignKey(
        "catalog.Department", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()

    class Meta:
        verbose_name = _("figure change")
        verbose_name_plural = _("figure changes")

    def __str__(self):
        return f"{self.department_id} {self.day}"


class RatingLinkRevocation(AppendOnly):
    """Every rating link of a case issued before `revoked_at` stops working (a receipt lost or handed
    to the wrong person); links sent afterwards work again."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["-revoked_at"]
        verbose_name = _("rating link revocation")
        verbose_name_plural = _("rating link revocations")

    def __str__(self):
        return f"{self.case} {self.revoked_at:%Y-%m-%d %H:%M}"
