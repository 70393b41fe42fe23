"""Writes to cases. Every change goes through `act`: one transaction, the state machine, one event."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_save, pre_save

from onewindow.catalog import prechecks, rules
from onewindow.catalog.models import Department, ServiceItem
from onewindow.catalog.selectors import Checklist, checklist, department_calendar, published_item
from onewindow.core import clock as platform_clock
from onewindow.core import events, idempotency, rows, seals
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.ids import id_problem
from onewindow.core.models import APPLICANTS, STAFF, Role, User
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.core.workdays import add_working_days, working_days_between

from . import states
from .models import (
    ENTERPRISE_ID_TYPES,
    BundleCase,
    Case,
    CaseEvent,
    CaseMaterial,
    Channel,
    DeliveryMethod,
    IdempotencyRecord,
    IdType,
    MaterialStatus,
    Suspension,
)
from .notifications import notify_applicant
from .selectors import bundle_due_date, case_clock, clerk_centre, visible_cases
from .signals import bundle_child_closed

log = logging.getLogger(__name__)

DEFAULT_REVIEW_STEPS = [{"code": "review", "name": "审核"}, {"code": "decide", "name": "决定"}]
IMMEDIATE_REVIEW_STEPS = [{"code": "decide", "name": "决定"}]
# What staff may record of a material at the window (the rest is the platform's to set).
STAFF_MATERIAL_STATUSES = (MaterialStatus.RECEIVED, MaterialStatus.ORIGINAL_SEEN, MaterialStatus.MISSING)
_PRESENT = {
    MaterialStatus.RECEIVED,
    MaterialStatus.ORIGINAL_SEEN,
    MaterialStatus.SHARED_DATA,
    MaterialStatus.PASSED_ON,
    MaterialStatus.COMMITTED,
}
# What the platform sets at filing for another component (certificates used with consent, signed
# commitments): held to the item's materials, not to what the actor may record.
PLATFORM_MATERIAL_STATUSES = (MaterialStatus.SHARED_DATA, MaterialStatus.COMMITTED)


@dataclass
class Applicant:
    name: str
    id_type: str
    id_number: str
    phone: str = ""
    email: str = ""


@dataclass
class Submission:
    item: str
    applicant: Applicant
    answers: dict[str, str] = field(default_factory=dict)
    channel: str = Channel.ONLINE
    materials: dict[str, str] = field(default_factory=dict)  # material code → MaterialStatus
    platform: dict[str, str] = field(default_factory=dict)  # material code → PLATFORM_MATERIAL_STATUSES
    receiving_unit: str = ""  # where it is filed, of the item's receiving departments; "": the default


def _role_on(case: Case, user: User) -> str:
    if case.applicant_user_id == user.pk and user.role in (Role.CITIZEN, Role.ENTERPRISE):
        return "applicant"
    return user.role


def material_status_errors(role: str, known: Iterable[str], updates: dict[str, str]) -> list[FieldError]:
    """Only window staff record what they received or checked; an applicant uploads files (which sets
    `received`), and `shared_data` / `passed_on` are set by the platform itself when it obtains a
    material. Anything else would let an applicant pass acceptance without a file, or inflate the
    index's shared-data figure."""
    known = set(known)
    errors = []
    for code, status in updates.items():
        field_name = f"materials.{code}"
        if code not in known:
            errors.append(FieldError(field_name, "not a material of this case"))
        elif role not in STAFF:
            errors.append(
                FieldError(field_name, "applicants upload files; only the window records a material's status")
            )
        elif status not in STAFF_MATERIAL_STATUSES:
            errors.append(
                FieldError(
                    field_name,
                    f"use one of {', '.join(STAFF_MATERIAL_STATUSES)} (others are set by the platform)",
                )
            )
    return errors


def settles_first_visit(status: str, action: str) -> bool:
    """The window's first decision on a case says whether the first visit was enough."""
    return status == states.SUBMITTED and action in ("accept", "refuse", "request_supplement")


def new_idempotency_key() -> str:
    """For forms: rendered as a hidden field, so a double-submitted form files one case."""
    return secrets.token_urlsafe(16)


def _own_identity_errors(actor: User, applicant: Applicant) -> list[FieldError]:
    """An applicant account files under its own verified ID only; at the window, the clerk checks the
    person's document instead (recorded on the submit event)."""
    if not actor.verified_id_number:
        return [
            FieldError(
                "applicant.id_number",
                "this account's identity is not verified yet: verify it at a window, or apply there",
            )
        ]
    own = (actor.verified_id_type, actor.verified_id_number.strip().upper())
    if (applicant.id_type, applicant.id_number.strip().upper()) != own:
        return [FieldError("applicant.id_number", "an account applies under its own verified ID only")]
    return []


def _validate_submission(
    submission: Submission, actor: User, *, platform_statuses: bool = False
) -> tuple[ServiceItem, Checklist]:
    """`platform_statuses`: the material statuses were set by the platform (a bundle's shared data),
    not sent by the actor, so they are not held to what the actor may set."""
    errors = []
    try:
        item = published_item(submission.item)
    except ServiceItem.DoesNotExist:
        raise InvalidInput([FieldError("item", f"no published service item {submission.item!r}")]) from None
    applicant = submission.applicant
    if not applicant.name.strip():
        errors.append(FieldError("applicant.name", "the applicant's name is required"))
    if applicant.id_type not in IdType.values:
        errors.append(FieldError("applicant.id_type", f"use one of {', '.join(IdType.values)}"))
    elif problem := id_problem(applicant.id_type, applicant.id_number):
        errors.append(FieldError("applicant.id_number", problem))
    if actor.role in APPLICANTS:
        errors += _own_identity_errors(actor, applicant)
    if applicant.id_type in ENTERPRISE_ID_TYPES and not item.for_enterprise:
        errors.append(FieldError("applicant.id_type", "this item serves persons, not enterprises"))
    person_id = applicant.id_type in IdType.values and applicant.id_type not in ENTERPRISE_ID_TYPES
    if person_id and not item.for_person:
        errors.append(
            FieldError("applicant.id_type", "this item serves enterprises: give the USCC or enterprise code")
        )
    if submission.channel not in Channel.values:
        errors.append(FieldError("channel", f"use one of {', '.join(Channel.values)}"))
    if actor.role in (Role.CITIZEN, Role.ENTERPRISE) and submission.channel in (
        Channel.WINDOW,
        Channel.KIOSK,
        Channel.CROSS_REGION,
    ):
        errors.append(FieldError("channel", "applicants apply online, by mobile or by post"))
    if actor.role not in (Role.CITIZEN, Role.ENTERPRISE, Role.CLERK, Role.ADMIN):
        raise Forbidden("only applicants and window clerks file cases")
    errors += front_desk(actor, item, submission.receiving_unit)[1]
    resolution = None
    try:
        resolution = checklist(item, submission.answers)
    except rules.AnswersError as failure:
        errors += [FieldError(f, m) for f, m in failure.problems]
    if resolution is not None:
        known = {m.code for m in resolution.materials}
        if platform_statuses:
            errors += [
                FieldError(f"materials.{code}", "not a material of this item in this situation")
                for code in submission.materials
                if code not in known
            ]
        else:
            errors += material_status_errors(actor.role, known, submission.materials)
        for code, status in submission.platform.items():
            if code not in known:
                errors.append(
                    FieldError(f"materials.{code}", "not a material of this item in this situation")
                )
            elif status not in PLATFORM_MATERIAL_STATUSES:
                errors.append(
                    FieldError(f"materials.{code}", f"use one of {', '.join(PLATFORM_MATERIAL_STATUSES)}")
                )
    if errors:
        raise InvalidInput(errors)
    return item, resolution


def front_desk(actor: User, item: ServiceItem, code: str) -> tuple[Department | None, list[FieldError]]:
    """Where a case of `item` is filed and its result handed back: one of the item's receiving
    departments (a commune taking in what the district decides, or deciding itself what every commune
    performs), or None for the implementing department itself. A window clerk files at their own
    one-stop section unless told otherwise."""
    receivers = {d.code: d for d in item.receiving_departments.all()}
    if not code and receivers and actor.role == Role.CLERK:
        mine = [c for c in clerk_centre(actor).values_list("code", flat=True) if c in receivers]
        code = mine[0] if len(mine) == 1 else ""
    if not code or code == item.department.code:
        return None, []
    if code not in receivers:
        choices = ", ".join([item.department.code, *sorted(receivers)])
        return None, [FieldError("receiving_unit", f"{item.code} is filed at one of {choices}")]
    return receivers[code], []


def submit_case(actor: User, submission: Submission, idempotency_key: str | None = None) -> tuple[Case, bool]:
    """File a case; returns (case, created). A retry with the same key and body returns the first case.

    The key is not looked up before filing (the unique key makes a retry roll back and answer the first
    case), only when the submission no longer passes (the item withdrawn since): a retry still gets
    its first answer."""
    digest = idempotency.request_hash(submission)
    try:
        item, result = _validate_submission(submission, actor)
    except (InvalidInput, Forbidden):
        earlier = idempotency.replayed(IdempotencyRecord, actor, idempotency_key, digest, "case")
        if earlier is not None:
            return earlier, False
        raise
    return idempotency.once(
        IdempotencyRecord,
        actor,
        idempotency_key,
        digest,
        "case",
        lambda: _create_case(actor, submission, item, result),
        look_first=False,
        lock_first=False,
    )


def _create_case(
    actor: User,
    submission: Submission,
    item: ServiceItem,
    result: Checklist,
    parent=None,
    waiting_for: list[str] | None = None,
) -> Case:
    now = platform_clock.now()
    limits = result.limits
    review_steps = [{"code": s.code, "name": s.name} for s in result.steps if s.review]
    if not review_steps:
        review_steps = IMMEDIATE_REVIEW_STEPS if limits["immediate"] else DEFAULT_REVIEW_STEPS
    applicant = submission.applicant
    desk = front_desk(actor, item, submission.receiving_unit)[0]
    deciding, receiving = (desk, None) if desk and item.decided_by_receiver else (item.department, desk)
    case = Case(
        item=item,
        department=deciding,
        receiving_department=receiving,
        channel=submission.channel,
        applicant_user=actor if actor.role in (Role.CITIZEN, Role.ENTERPRISE) else None,
        taken_by=actor if actor.role in (Role.CLERK, Role.ADMIN) else None,
        applicant_name=applicant.name.strip(),
        applicant_id_type=applicant.id_type,
        applicant_id_number=applicant.id_number.strip().upper(),
        applicant_phone=applicant.phone.strip(),
        applicant_email=applicant.email.strip(),
        answers={a.question.code: a.option.code for a in result.answers},
        review_steps=review_steps,
        submitted_at=now,
        promised_days=limits["promised_days"],
        immediate=bool(limits["immediate"]),
        parent=parent,
        waiting_for=waiting_for or [],
    )
    materials = [
        CaseMaterial(
            case=case,
            code=m.code,
            name=m.name,
            required=m.required,
            status=submission.platform.get(m.code)
            or submission.materials.get(m.code, MaterialStatus.MISSING),
        )
        for m in result.materials
    ]
    submitted = {"channel": case.channel}
    if case.taken_by:
        submitted["identity_checked_by_clerk"] = True  # the window saw the person's ID document
    if parent is not None:
        submitted.update(bundle_case=parent.number, waiting_for=case.waiting_for)
    entry = CaseEvent(
        case=case,
        at=now,
        actor=actor,
        actor_role=_role_on(case, actor),
        action="submit",
        from_status="",
        to_status=states.SUBMITTED,
        note="",
        data=submitted,
    )
    _write_new_case(case, materials, entry, f"{deciding.region.code}-{platform_clock.today():%Y%m%d}-")
    # What the answer shows is known: no need to read it back.
    rows.prefetched(case, "materials", materials)
    rows.prefetched(case, "suspensions", [])
    rows.prefetched(case, "events", [entry])
    _announce(case, entry)
    return case


def _write_new_case(case: Case, materials: list[CaseMaterial], entry: CaseEvent, number_prefix: str) -> None:
    """Writes a new case, its materials and its first history entry. The number is the prefix and the
    id (seven digits at least), known only once the row is in: on PostgreSQL all of it is one
    statement (the id drawn from the sequence inside it), elsewhere an insert and an update."""
    if connection.vendor != "postgresql":
        case.number = secrets.token_hex(8)
        case.save()
        case.number = f"{number_prefix}{case.pk:07d}"
        case.save(update_fields=["number"])
        CaseMaterial.objects.bulk_create(materials)
        entry.save()
        return
    # What saving would send: the index's running totals follow every case written.
    signal = {
        "sender": Case,
        "instance": case,
        "raw": False,
        "using": connection.alias,
        "update_fields": None,
    }
    pre_save.send(**signal)
    table = Case._meta.db_table
    columns, marks, params = rows.insert_parts(case, skip=frozenset({"number"}))
    parts = [
        f"n AS (SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id)",
        f"c AS (INSERT INTO {table} (id, number, {columns}) SELECT n.id, %s || CASE WHEN n.id < 1000000 "
        f"THEN lpad(n.id::text, 7, '0') ELSE n.id::text END, {marks} FROM n RETURNING id, number)",
    ]
    params = [number_prefix, *params]
    children = [*materials, entry]
    for position, child in enumerate(children):
        columns, marks, values = rows.insert_parts(child, skip=frozenset({"case"}))
        parts.append(
            f"w{position} AS (INSERT INTO {child._meta.db_table} (case_id, {columns}) "
            f"SELECT c.id, {marks} FROM c RETURNING id)"
        )
        params += values
    written = ", ".join(f"w{position}.id" for position in range(len(children)))
    sources = ", ".join(f"w{position}" for position in range(len(children)))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT c.id, c.number, {written} FROM c, {sources}", params)
        case_id, case.number, *ids = cursor.fetchone()
    rows.saved(case, case_id)
    for child, pk in zip(children, ids, strict=True):
        child.case_id = case_id
        rows.saved(child, pk)
    post_save.send(created=True, **signal)


def _record(
    case: Case, actor: User | None, action: str, from_status: str, to_status: str, note: str, data: dict
):
    """The case's own history entry, and the same change as an event in the outbox for the
    departments' systems (what happened, not who the applicant is: they read the case for that)."""
    entry = CaseEvent.objects.create(
        case=case,
        at=platform_clock.now(),
        actor=actor,
        actor_role=_role_on(case, actor) if actor else "system",
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )
    _announce(case, entry)
    return entry


def _announce(case: Case, entry: CaseEvent) -> None:
    """The history entry as an event in the outbox."""
    action, data, note = entry.action, entry.data, entry.note
    events.record(
        CASE_EVENT_TYPES.get(action, f"case.{action}"),
        subject=f"case:{case.number}",
        department=case.department.code,
        payload={
            "case": case.number,
            "case_id": case.pk,
            "item": case.item.code,
            "channel": case.channel,
            "action": action,
            "from_status": entry.from_status,
            "status": entry.to_status,
            "at": entry.at.isoformat(),
            "actor_role": entry.actor_role,
            **({"due_date": data["due_date"]} if "due_date" in data else {}),
            **({"decision": action} if action in ("approve", "deny") else {}),
            **({"reason": note} if action == "revoke" else {}),
            **({"bundle_case": data["bundle_case"]} if "bundle_case" in data else {}),
        },
    )


# The events a case's actions make (the rest are "case.<action>": case.extend, case.assign, …).
CASE_EVENT_TYPES = {
    "submit": "case.filed",
    "accept": "case.accepted",
    "refuse": "case.refused",
    "request_supplement": "case.supplement_requested",
    "resubmit": "case.resubmitted",
    "approve": "case.decided",
    "deny": "case.decided",
    "deliver": "case.delivered",
    "withdraw": "case.withdrawn",
    "revoke": "case.revoked",
}


@dataclass
class ActionInput:
    action: str
    note: str = ""
    materials: dict[str, str] = field(default_factory=dict)
    supplement: list[str] = field(default_factory=list)  # codes of the materials to add or fix
    delivery_method: str = ""
    tracking_number: str = ""
    suspension_kind: str = ""  # suspend: expert_review | hearing
    assignee: str = ""  # assign: the username of a reviewer of the case's department


_NOTE_REQUIRED = {
    "refuse": "the reason for refusing",
    "request_supplement": "what the applicant must add or fix",
    "deny": "the reason for the denial",
    "extend": "the reason for the extension",
    "suspend": "the legal reason for stopping the clock",
    "revoke": "the reason for revoking the decision",
}
_SUSPENSION_KINDS = (Suspension.Kind.EXPERT_REVIEW, Suspension.Kind.HEARING)


@events.atomic()
def act(actor: User, case_id: int, request: ActionInput) -> Case:
    case = visible_cases(actor).select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise NotFound("no such case")
    role = _role_on(case, actor)
    if request.action in states.ACTION_ROLES and role not in states.ACTION_ROLES[request.action]:
        raise Forbidden(f"a {role} cannot {request.action} a case")
    # A commitment found false revokes the decision, whoever of the department verified it.
    if (
        role == Role.REVIEWER
        and case.assignee_id
        and case.assignee_id != actor.pk
        and request.action != "revoke"
    ):
        raise Forbidden(f"this case is assigned to {case.assignee.username}")
    machine = case.machine_state()
    try:
        after = states.next_state(machine, request.action)
    except states.IllegalTransition as illegal:
        raise Conflict(str(illegal), illegal.allowed) from None

    errors = []
    if request.action in _NOTE_REQUIRED and not request.note.strip():
        errors.append(FieldError("note", f"give {_NOTE_REQUIRED[request.action]}"))
    materials = {m.code: m for m in case.materials.all()}
    errors += material_status_errors(role, materials, request.materials)
    today, now = platform_clock.today(), platform_clock.now()
    data: dict = {}

    if request.action == "request_supplement":
        unknown = [code for code in request.supplement if code not in materials]
        if not request.supplement:
            errors.append(FieldError("supplement", "name the materials to add or fix"))
        errors += [FieldError(f"supplement.{code}", "not a material of this case") for code in unknown]
        data["supplement"] = request.supplement
    if request.action == "suspend" and request.suspension_kind not in _SUSPENSION_KINDS:
        errors.append(FieldError("suspension_kind", f"use one of {', '.join(_SUSPENSION_KINDS)}"))
    assignee = None
    if request.action == "assign":
        assignee = User.objects.filter(
            username=request.assignee, role=Role.REVIEWER, is_active=True, department_id=case.department_id
        ).first()
        if assignee is None:
            errors.append(
                FieldError("assignee", f"{request.assignee!r} is not a reviewer of {case.department.code}")
            )
    if request.action == "deliver":
        if request.delivery_method not in DeliveryMethod.values:
            errors.append(FieldError("delivery_method", f"use one of {', '.join(DeliveryMethod.values)}"))
        elif request.delivery_method == DeliveryMethod.POST and not request.tracking_number.strip():
            errors.append(FieldError("tracking_number", "a postal delivery needs the tracking number"))
    if request.action in ("accept", "deliver"):
        from onewindow.payments.services import unpaid_problem

        if problem := unpaid_problem(case, request.action):
            errors.append(problem)
    if errors:
        raise InvalidInput(errors)

    for code, status in request.materials.items():
        materials[code].status = status
        materials[code].save(update_fields=["status"])
    if request.materials:
        data["materials"] = request.materials

    if request.action == "accept":
        missing = [m.code for m in materials.values() if m.required and m.status not in _PRESENT]
        if missing:
            allowed = " or ".join(STAFF_MATERIAL_STATUSES[:2])
            raise InvalidInput(
                [
                    FieldError(
                        f"materials.{code}",
                        f"required material not received: send materials as a map of code → status with "
                        f'"{code}": {allowed}, or request a supplement instead',
                    )
                    for code in missing
                ]
            )
        case.accepted_on = today
    elif request.action == "request_supplement":
        case.supplement_requests += 1
        for code in request.supplement:
            materials[code].status = MaterialStatus.MISSING
            materials[code].save(update_fields=["status"])
        Suspension.objects.create(
            case=case, kind=Suspension.Kind.SUPPLEMENT, reason=request.note, started_on=today
        )
    elif request.action == "suspend":
        Suspension.objects.create(
            case=case, kind=request.suspension_kind, reason=request.note, started_on=today
        )
        data["suspension_kind"] = request.suspension_kind
    elif request.action in ("resubmit", "resume", "withdraw"):
        case.suspensions.filter(ended_on__isnull=True).update(ended_on=today)
    elif request.action in ("approve", "deny"):
        case.decided_on = today
    elif request.action == "assign":
        case.assignee = assignee
        data["assignee"] = assignee.username
    elif request.action == "extend":
        case.extension_days = case.item.extension_days
        data["extension_days"] = case.extension_days
    elif request.action == "deliver":
        case.delivery_method = request.delivery_method
        case.delivered_at = now
        if request.delivery_method == DeliveryMethod.WINDOW:
            case.pickup_code = f"{secrets.randbelow(10**6):06d}"
        case.tracking_number = request.tracking_number.strip()
        data["delivery_method"] = case.delivery_method
    if request.action == "review":
        data["step"] = (
            case.review_steps[machine.step]["code"] if machine.step < len(case.review_steps) else ""
        )

    if case.first_visit_complete is None and settles_first_visit(case.status, request.action):
        case.first_visit_complete = request.action == "accept"
    from_status = case.status
    case.status, case.step, case.suspended_from = after.status, after.step, after.suspended_from
    running = case_clock(case, today)
    case.set_clock(running)
    if request.action in ("approve", "deny"):
        case.working_days_used = running.working_days_used if running else 0
        case.materials_total = len(materials)
        case.materials_shared = sum(
            m.status in (MaterialStatus.SHARED_DATA, MaterialStatus.PASSED_ON) for m in materials.values()
        )
        case.materials_digitised = sum(bool(m.file) for m in materials.values())
    case.save()
    if running:
        data["due_date"] = running.due_date.isoformat()
        if running.provisional:
            data["provisional"] = True
    channels = notify_applicant(case, request.action, request.note)
    if channels:
        data["notified"] = channels
    _record(case, actor, request.action, from_status, case.status, request.note.strip(), data)
    if case.parent_id and request.action in ("approve", "deny", "refuse", "withdraw"):
        bundle_child_closed.send(sender=Case, case=case)
    return case


@events.atomic()
def record_platform_change(
    case_id: int,
    action: str,
    note: str = "",
    data: dict | None = None,
    materials: dict[str, str] | None = None,
) -> Case:
    """A change another component makes to a case without a state change (consent withdrawn, a
    certificate used by the case revoked): material statuses it sets, and one history entry."""
    case = Case.objects.select_for_update().select_related("item", "department").get(pk=case_id)
    for code, status in (materials or {}).items():
        case.materials.filter(code=code).update(status=status)
    channels = notify_applicant(case, action, note)
    data = dict(data or {}, **({"materials": materials} if materials else {}))
    if channels:
        data["notified"] = channels
    _record(case, None, action, case.status, case.status, note, data)
    return case


def send_apologies(today=None, extra_days: int | None = None) -> list[Case]:
    """Apology notices (phiếu xin lỗi và hẹn lại) for running cases due within one working day.

    Each case gets one notice per due date, with a new date `extra_days` working days after the due
    date (ONEWINDOW_APOLOGY_DAYS, default 5), recorded as an event and sent to the applicant. The
    case still counts as late if it misses its legal due date.
    """
    today = today or platform_clock.today()
    extra_days = settings.ONEWINDOW_APOLOGY_DAYS if extra_days is None else extra_days
    sent = []
    running = Case.objects.filter(
        status__in=(states.ACCEPTED, states.IN_REVIEW), decided_on__isnull=True, due_date__isnull=False
    ).select_related("item", "department")
    for case in running:
        calendar = department_calendar(case.department)
        if working_days_between(calendar, today, case.due_date) > 1:
            continue
        if case.events.filter(action="apology", data__due_date=case.due_date.isoformat()).exists():
            continue
        with events.atomic():
            case.apology_date = add_working_days(calendar, max(case.due_date, today), extra_days)
            case.save(update_fields=["apology_date"])
            channels = notify_applicant(case, "apology")
            _record(
                case,
                None,
                "apology",
                case.status,
                case.status,
                "",
                {
                    "due_date": case.due_date.isoformat(),
                    "new_date": case.apology_date.isoformat(),
                    **({"notified": channels} if channels else {}),
                },
            )
        sent.append(case)
    return sent


def recompute_due_dates(
    today: dt.date | None = None, years: Iterable[int] = ()
) -> list[tuple[Case, dt.date, dt.date]]:
    """Recompute the due dates that the calendars may have changed: every provisional one, and every
    one whose clock reads one of `years` (a year just loaded, or corrected by a later notice).
    A date that moves is recorded as an event, and the applicant of a case still running is told;
    a date that only stops being provisional is stored quietly.
    Returns the moved cases with their old and new dates."""
    today = today or platform_clock.today()
    moved = []
    affected = Q(due_date_provisional=True)
    for year in years:
        affected |= Q(accepted_on__lte=dt.date(year, 12, 31), due_date__gte=dt.date(year, 1, 1))
    provisional = (
        Case.objects.filter(affected, due_date__isnull=False)
        .select_related("item", "department")
        .prefetch_related("suspensions")
        .order_by("id")
    )
    for case in provisional:
        before = case.due_date
        case.set_clock(case_clock(case, today))
        case.save(update_fields=["due_date", "due_date_provisional"])
        if case.due_date == before:
            continue
        moved.append((case, before, case.due_date))
        running = case.decided_on is None and case.status in states.CLOCK_STATES
        channels = notify_applicant(case, "due_date_changed") if running else []
        data = {"from": before.isoformat(), "due_date": case.due_date.isoformat()}
        if case.due_date_provisional:
            data["provisional"] = True
        if channels:
            data["notified"] = channels
        _record(case, None, "due_date_changed", case.status, case.status, "", data)
    for parent in BundleCase.objects.filter(affected, accepted_on__isnull=False):
        parent.due_date, parent.due_date_provisional = bundle_due_date(parent)
        parent.save(update_fields=["due_date", "due_date_provisional"])
    return moved


def recompute_after_load(sender, years, actor=None, **kwargs) -> None:
    """catalog.calendars.calendar_years_loaded: the loaded years take effect on the cases at once."""
    moved = recompute_due_dates(years={row.year for row in years})
    log.info("calendar years loaded (%s): %d due dates moved", ", ".join(map(str, years)), len(moved))


UPLOAD_STATES = (states.SUBMITTED, states.SUPPLEMENT_REQUESTED)


def upload_material(
    actor: User, case_id: int, code: str, name: str, content: bytes, data: dict
) -> CaseMaterial:
    """Store an applicant's file (and typed-in data) for a material after its pre-checks pass.

    A refused file is not kept: InvalidInput carries every check's result so the applicant can fix it.
    The checks (reading PDFs and images) run before the transaction, so no row stays locked, nor the
    whole SQLite database, while a file is parsed. The file is stored under a generated name with
    the ending of the type its content has, never the name it was sent with.
    """
    case, material = _upload_target(actor, case_id, code)
    limit = settings.ONEWINDOW_UPLOAD_MAX_BYTES
    if len(content) > limit:
        raise InvalidInput([FieldError("file", f"the file is {len(content)} bytes; the limit is {limit}")])
    checks = case.item.materials.filter(code=code).values_list("checks", flat=True).first() or []
    if not any(check.get("rule") == "file" for check in checks):
        checks = [{"rule": "file"}, *checks]  # whatever else a material checks, a file is a document
    results = prechecks.run_checks(
        checks, data, prechecks.Upload(name, content), today=platform_clock.today()
    )
    failed = [r for r in results if not r.passed]
    if failed:
        raise InvalidInput(
            [FieldError(field, message, r.rule) for r in failed for field, message in r.errors()],
            detail="The material did not pass its pre-checks",
            extra={"checks": [r.as_dict() for r in results]},
        )
    ending = prechecks.FILE_ENDINGS[prechecks.file_kind(content)]
    with events.atomic():
        case, material = _upload_target(actor, case_id, code, lock=True)  # the state may have moved on
        if material.file:
            material.file.delete(save=False)
        material.file.save(f"{secrets.token_hex(16)}{ending}", ContentFile(content), save=False)
        material.data, material.checks = data, [r.as_dict() for r in results]
        material.status = MaterialStatus.RECEIVED
        _attest_copy(case, material, actor, hashlib.sha256(content).hexdigest())
        material.save()
        _record(
            case,
            actor,
            "upload",
            case.status,
            case.status,
            "",
            {"material": code, "checks": material.checks, "sha256": material.sha256},
        )
    return material


def _attest_copy(case: Case, material: CaseMaterial, actor: User, digest: str) -> None:
    """The dossier's digital copy: the file's digest, who stored it and when, signed in the name of
    the unit that received the case (a window's scan carries the clerk's name)."""
    material.digitised_by, material.digitised_at, material.sha256 = actor, platform_clock.now(), digest
    desk = case.front_desk
    material.attestation = seals.attest(
        {
            "case": case.number,
            "material": material.code,
            "sha256": digest,
            "stored_by": actor.username,
            "role": _role_on(case, actor),
            "at": material.digitised_at.isoformat(timespec="seconds"),
        },
        desk.code,
        desk.name,
    )


def _upload_target(actor: User, case_id: int, code: str, lock: bool = False) -> tuple[Case, CaseMaterial]:
    cases = visible_cases(actor)
    if lock:
        cases = cases.select_for_update(of=("self",))
    case = cases.filter(pk=case_id).first()
    if case is None:
        raise NotFound("no such case")
    if _role_on(case, actor) not in ("applicant", Role.CLERK, Role.ADMIN):
        raise Forbidden("only the applicant or a window clerk uploads materials")
    if case.status not in UPLOAD_STATES:
        raise Conflict(
            f"materials are uploaded while a case is submitted or waiting for a supplement, not {case.status}"
        )
    material = case.materials.filter(code=code).first()
    if material is None:
        raise NotFound(f"this case has no material {code!r}")
    return case, material
