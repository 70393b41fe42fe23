"""Writes for ratings: rate, rectify a bad rating stage by stage, appeal and rule on appeals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import Case, Status
from onewindow.catalog.calendars import calendar
from onewindow.catalog.selectors import department_calendar
from onewindow.core import clock, events
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import STAFF, SUPERVISORS, Role, User
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.core.workdays import UnknownYear, add_working_days

from . import rectification as stages
from .models import (
    BAD_LEVELS,
    Appeal,
    Level,
    Rating,
    RatingChannel,
    RatingLinkRevocation,
    ReasonTag,
    Rectification,
    RectificationStep,
)

RATABLE = {Status.DELIVERED, Status.DENIED, Status.REFUSED, Status.APPROVED, Status.WITHDRAWN}
TOKEN_SALT = "onewindow.rating"
DEFAULT_STAGE_DAYS = 5  # for hall visits, which belong to no department


@dataclass
class RatingInput:
    level: int
    channel: str
    text: str = ""
    tags: list[str] = field(default_factory=list)
    consent_to_publish: bool = False


def rating_token(case: Case, round_: int = 1) -> str:
    """The one-time token of the QR code on the receipt: it rates this case in this round, once."""
    return signing.dumps({"case": case.pk, "round": round_}, salt=TOKEN_SALT, compress=True)


def read_rating_token(token: str) -> tuple[Case, int]:
    """The case and round of a rating link that is signed, not older than
    ONEWINDOW_RATING_LINK_DAYS, and not revoked (RatingLinkRevocation); NotFound otherwise."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=settings.ONEWINDOW_RATING_LINK_DAYS * 86400)
        case = Case.objects.select_related("department", "item").get(pk=data["case"])
        issued = dt.datetime.fromtimestamp(signing.b62_decode(token.rsplit(":", 2)[1]), dt.UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError, Case.DoesNotExist):
        raise NotFound(_("This rating link is not valid.")) from None
    # The link's time has whole seconds: a revocation in the same second as the issue revokes it.
    if RatingLinkRevocation.objects.filter(case=case, revoked_at__gte=issued).exists():
        raise NotFound(_("This rating link is not valid."))
    return case, int(data["round"])


class LoginRequired(Forbidden):
    """Refused until the rater logs in (pages send them to the login page)."""


def refuse_staff(rater: User | None) -> User | None:
    """The rater as recorded: an applicant's account, or nobody. Staff never rate: the clerk and the
    reviewer hold the receipt and the department its rectification, and their 5 would use up the
    applicant's round."""
    if rater is None or not rater.is_authenticated:
        return None
    if rater.role in STAFF:
        raise Forbidden(_("Staff cannot rate a service: only its applicant can."))
    return rater


def _input_errors(data: RatingInput) -> list[FieldError]:
    errors = []
    if data.level not in Level.values:
        errors.append(
            FieldError("level", _("Choose a rating from 1 (very dissatisfied) to 5 (very satisfied)."))
        )
    if data.channel not in RatingChannel.values:
        errors.append(FieldError("channel", _("Unknown channel.")))
    unknown = [t for t in data.tags if t not in ReasonTag.values]
    if unknown:
        errors.append(FieldError("tags", _("Unknown reasons: %(tags)s") % {"tags": ", ".join(unknown)}))
    if len(data.text) > 1000:
        errors.append(FieldError("text", _("At most 1000 characters.")))
    return errors


def expected_round(case: Case) -> int | None:
    """Round 1 once the case has ended; round 2 after the rectification of a bad round-1 rating
    closed; None when nothing is open for rating."""
    if case.status not in RATABLE:
        return None
    ratings = {r.round: r for r in case.ratings.select_related("rectification")}
    if 1 not in ratings:
        return 1
    first = ratings[1]
    rectification = getattr(first, "rectification", None)
    if (
        2 not in ratings
        and rectification
        and rectification.stage == stages.CLOSED
        and rectification.outcome == "rectified"
    ):
        return 2
    return None


def rate_case(case: Case, round_: int, data: RatingInput, rater: User | None = None) -> Rating:
    errors = _input_errors(data)
    if errors:
        raise InvalidInput(errors)
    rater = refuse_staff(rater)
    if case.applicant_user_id is not None and (rater is None or rater.pk != case.applicant_user_id):
        # A case filed from an account is rated from that account: a receipt in other hands is not enough.
        raise LoginRequired(_("Log in as the applicant to rate this case."))
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("department").get(pk=case.pk)
            if expected_round(case) != round_:
                raise Conflict(_("This case cannot be rated now, or it has been rated already."))
            rating = _store_rating(
                data,
                rater,
                case=case,
                round=round_,
                department=case.department,
                region_id=case.department.region_id,
            )
            if rating.level in BAD_LEVELS:
                owner = (
                    case.assignee
                    or case.department.staff.filter(role=Role.REVIEWER, is_active=True).order_by("id").first()
                )
                _open_rectification(rating, case.department, owner)
            _rating_event(
                rating, subject=f"case:{case.number}", department=case.department.code, case=case.number
            )
    except IntegrityError:
        raise Conflict(_("This case cannot be rated now, or it has been rated already.")) from None
    return rating


def rate_visit(ticket, data: RatingInput, rater: User | None = None) -> Rating:
    """A hall visit, rated once from its ticket's page after the service; the hall's region is the
    locality. A bad rating opens a rectification for the hall's supervisors."""
    from onewindow.hall.models import Ticket

    errors = _input_errors(data)
    if errors:
        raise InvalidInput(errors)
    rater = refuse_staff(rater)
    try:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().select_related("hall").get(pk=ticket.pk)
            if ticket.status != Ticket.Status.DONE or ticket.ratings.exists():
                raise Conflict(_("This visit cannot be rated now, or it has been rated already."))
            rating = _store_rating(data, rater, ticket=ticket, region_id=ticket.hall.region_id)
            if rating.level in BAD_LEVELS:
                Rectification.objects.create(
                    rating=rating,
                    due_date=_add_days(calendar(ticket.hall.calendar), clock.today(), DEFAULT_STAGE_DAYS),
                    opened_at=rating.rated_at,
                )
            _rating_event(rating, subject=f"ticket:{ticket.pk}", department="", hall=ticket.hall.code)
    except IntegrityError:
        raise Conflict(_("This visit cannot be rated now, or it has been rated already.")) from None
    return rating


def rate_hotline_ticket(ticket, data: RatingInput) -> Rating:
    """The caller's answer at the callback (回访), as a rating of the department that handled the
    ticket; called inside the callback's transaction. A bad one opens a rectification like a case's."""
    errors = _input_errors(data)
    if errors:
        raise InvalidInput(errors)
    department = ticket.department
    round_ = ticket.ratings.count() + 1  # the second callback of a reopened ticket is round 2
    rating = _store_rating(
        data, None, hotline_ticket=ticket, round=round_, department=department, region_id=department.region_id
    )
    if rating.level in BAD_LEVELS:
        _open_rectification(rating, department, ticket.handler)
    _rating_event(
        rating, subject=f"hotline:{ticket.number}", department=department.code, ticket=ticket.number
    )
    return rating


def _rating_event(rating: Rating, subject: str, department: str, **about) -> None:
    """`rating.created` in the outbox (the level and whether it opened a rectification; the text stays
    here, as it may name people)."""
    events.record(
        "rating.created",
        subject=subject,
        department=department,
        payload={
            "rating_id": rating.pk,
            "level": rating.level,
            "round": rating.round,
            "channel": rating.channel,
            "bad": rating.level in BAD_LEVELS,
            **about,
        },
    )


def _store_rating(data: RatingInput, rater: User | None, **subject) -> Rating:
    now = clock.now()
    return Rating.objects.create(
        **subject,
        level=data.level,
        text=data.text.strip(),
        tags=sorted(set(data.tags)),
        channel=data.channel,
        rated_at=now,
        rated_on=timezone.localdate(now),
        rater=rater if rater is not None and rater.is_authenticated else None,
        consent_to_publish=data.consent_to_publish,
    )


def _add_days(working_calendar, start, days):
    try:
        return add_working_days(working_calendar, start, days)
    except UnknownYear:
        return None  # the holiday data does not reach the deadline: no date rather than a wrong one


def _stage_due(department, start):
    if department is None:
        return _add_days(calendar("CN"), start, DEFAULT_STAGE_DAYS)
    return _add_days(department_calendar(department), start, department.rectification_days)


def _open_rectification(rating: Rating, department, owner: User | None) -> Rectification:
    """The bad rating's rectification for the department, its first stage due in its working days."""
    return Rectification.objects.create(
        rating=rating,
        department=department,
        owner=owner,
        due_date=_stage_due(department, clock.today()),
        opened_at=clock.now(),
    )


def _may_work_on(user: User, rectification: Rectification) -> bool:
    if user.role in SUPERVISORS:
        return True
    return user.pk == rectification.owner_id or (
        user.role == Role.REVIEWER and user.department_id == rectification.department_id
    )


def _send_second_round_link(rectification: Rectification) -> None:
    """The rater may rate the handling of their complaint: the link goes to the applicant alone (the
    department that handled it never holds it)."""
    from django.urls import reverse

    from onewindow.cases.notifications import send_to_applicant

    case = rectification.rating.case
    if case is None:
        return
    link = settings.ONEWINDOW_PUBLIC_URL + reverse("rate", args=[rating_token(case, 2)])
    text = _("Your complaint about case %(number)s was handled. Please rate how: %(link)s") % {
        "number": case.number,
        "link": link,
    }
    send_to_applicant(case, text)


@transaction.atomic
def advance(
    user: User, rectification_id: int, note: str = "", satisfied: bool | None = None
) -> Rectification:
    """Completes the current stage. The reply stage needs the reply; the callback records whether
    the rater is satisfied and closes the rectification."""
    rectification = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(pk=rectification_id)
        .first()
    )
    if rectification is None or not _may_work_on(user, rectification):
        raise NotFound(_("No such rectification."))
    if rectification.stage == stages.CLOSED:
        raise Conflict(_("This rectification is closed."))
    note = note.strip()
    if rectification.stage in (stages.VERIFY, stages.FIX, stages.REPLY) and not note:
        raise InvalidInput([FieldError("note", _("Write what was found, done or replied."))])
    if rectification.stage == stages.CALLBACK and satisfied is None:
        raise InvalidInput([FieldError("satisfied", _("Record whether the rater is satisfied."))])
    now = clock.now()
    RectificationStep.objects.create(
        rectification=rectification,
        stage=rectification.stage,
        owner=rectification.owner,
        due_date=rectification.due_date,
        done_at=now,
        done_by=user,
        note=note,
    )
    if rectification.stage == stages.REPLY:
        rectification.reply = note
    if rectification.stage == stages.CALLBACK:
        rectification.callback_satisfied = satisfied
        rectification.outcome = "rectified"
        rectification.closed_at = now
        _send_second_round_link(rectification)
    rectification.stage = stages.next_stage(rectification.stage)
    rectification.due_date = (
        None if rectification.stage == stages.CLOSED else _stage_due(rectification.department, clock.today())
    )
    rectification.save()
    return rectification


@transaction.atomic
def reassign(user: User, rectification_id: int, owner_username: str) -> Rectification:
    if user.role not in SUPERVISORS:
        raise Forbidden(_("Supervisors assign rectifications."))
    rectification = Rectification.objects.select_for_update().filter(pk=rectification_id).first()
    if rectification is None:
        raise NotFound(_("No such rectification."))
    owner = User.objects.filter(username=owner_username, is_active=True).first()
    if owner is None or owner.role not in (Role.REVIEWER, Role.CLERK, Role.SUPERVISOR):
        raise InvalidInput([FieldError("owner", _("No staff member %(name)s.") % {"name": owner_username})])
    rectification.owner = owner
    rectification.save(update_fields=["owner"])
    return rectification


@transaction.atomic
def appeal(user: User, rating_id: int, ground: str, reason: str) -> Appeal:
    rating = Rating.objects.select_for_update().filter(pk=rating_id).first()
    if rating is None or not (
        user.role in SUPERVISORS
        or (user.role == Role.REVIEWER and user.department_id == rating.department_id)
    ):
        raise NotFound(_("No such rating."))
    errors = []
    if ground not in Appeal.Ground.values:
        errors.append(FieldError("ground", _("Choose malicious or mistaken.")))
    if not reason.strip():
        errors.append(FieldError("reason", _("Give the reason for the appeal.")))
    if errors:
        raise InvalidInput(errors)
    if rating.excluded or rating.appeals.filter(status=Appeal.Status.PENDING).exists():
        raise Conflict(_("This rating already has a pending or upheld appeal."))
    return Appeal.objects.create(
        rating=rating, ground=ground, reason=reason.strip(), filed_by=user, filed_at=clock.now()
    )


@transaction.atomic
def rule(user: User, appeal_id: int, uphold: bool, ruling: str) -> Appeal:
    if user.role not in SUPERVISORS:
        raise Forbidden(_("Supervisors rule on appeals."))
    appeal_ = Appeal.objects.select_for_update().select_related("rating").filter(pk=appeal_id).first()
    if appeal_ is None:
        raise NotFound(_("No such appeal."))
    if appeal_.status != Appeal.Status.PENDING:
        raise Conflict(_("This appeal has been ruled on."))
    if not ruling.strip():
        raise InvalidInput([FieldError("ruling", _("Give the reason for the ruling."))])
    now = clock.now()
    appeal_.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
    appeal_.ruled_by, appeal_.ruled_at, appeal_.ruling = user, now, ruling.strip()
    appeal_.save()
    if uphold:
        rating = Rating.objects.select_for_update().get(pk=appeal_.rating_id)
        rating.excluded = True
        rating.exclusion_reason = f"{appeal_.get_ground_display()}: {appeal_.ruling}"[:300]
        rating.save(update_fields=["excluded", "exclusion_reason"])
        rectification = Rectification.objects.select_for_update().filter(rating=rating).first()
        if rectification and rectification.stage != stages.CLOSED:
            RectificationStep.objects.create(
                rectification=rectification, stage=rectification.stage, owner=rectification.owner,
                due_date=rectification.due_date, done_at=now, done_by=user, note=rating.exclusion_reason,
            )  # fmt: skip
            rectification.stage, rectification.due_date = stages.CLOSED, None
            rectification.closed_at, rectification.outcome = now, "appeal_upheld"
            rectification.save()
    return appeal_
