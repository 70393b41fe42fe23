import base64
import datetime as dt
import json
from typing import Literal

from django.conf import settings
from django.utils.translation import get_language
from ninja import Field, File, Form, Header, Query, Router, Schema, Status, UploadedFile

from onewindow.catalog.api import Ref, as_ref
from onewindow.core.auth import bearer
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.i18n import translated_value
from onewindow.core.ids import mask
from onewindow.core.models import STAFF, SUPERVISORS
from onewindow.core.pagination import MAX_LIMIT
from onewindow.core.permissions import Forbidden, NotFound
from onewindow.core.schemas import Out

from . import bundle_services, selectors, services, states
from .models import Case, Channel, DeliveryMethod, IdType, MaterialStatus

router = Router(tags=["cases"], auth=bearer)


class ApplicantIn(Schema):
    name: str = Field(..., max_length=200)
    id_type: Literal[tuple(IdType.values)]
    id_number: str = Field(..., max_length=32)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)


class CaseIn(Schema):
    item: str = Field(..., description="Service item code; the published version is used")
    applicant: ApplicantIn
    answers: dict[str, str] = Field(default_factory=dict)
    channel: Literal[tuple(Channel.values)] = "online"
    receiving_unit: str = Field(
        "",
        max_length=32,
        description="Where the case is filed and the result collected: the code of one of the item's "
        "receiving_departments (a commune for what its district decides); empty: the implementing "
        "department, or a window clerk's own one-stop section",
    )
    materials: dict[str, Literal[tuple(MaterialStatus.values)]] = Field(
        default_factory=dict,
        description="A map of material code → status; the window records "
        + " | ".join(services.STAFF_MATERIAL_STATUSES)
        + " (the platform sets the others)",
    )


class CaseActionIn(Schema):
    action: Literal[states.ACTIONS]
    note: str = Field("", max_length=2000)
    materials: dict[str, str] = Field(
        default_factory=dict,
        description="A map of material code → status to record ("
        + " | ".join(services.STAFF_MATERIAL_STATUSES)
        + "). Accepting needs every required material received, its original seen, or provided by the "
        "platform; send the statuses of those still missing with the accept action.",
    )
    supplement: list[str] = Field(default_factory=list, description="request_supplement: material codes")
    delivery_method: Literal[tuple(DeliveryMethod.values)] | Literal[""] = ""
    tracking_number: str = Field("", max_length=40)
    suspension_kind: Literal["expert_review", "hearing"] | Literal[""] = ""
    assignee: str = Field("", max_length=150, description="assign: username of a reviewer of the department")


class ApplicantOut(Out):
    name: str
    id_type: str
    id_number: str
    phone: str


LIST_COUNT_CAP = 1000


class CaseMaterialOut(Out):
    code: str
    name: str
    required: bool
    status: str


class EventOut(Out):
    at: dt.datetime
    actor: str | None
    actor_role: str
    action: str
    from_status: str
    to_status: str
    note: str
    data: dict


class CaseSummary(Out):
    id: int
    number: str
    status: str
    item: Ref
    version: int
    department: Ref
    channel: str
    submitted_at: dt.datetime
    accepted_on: dt.date | None
    due_date: dt.date | None
    due_date_provisional: bool = Field(
        description="The due date runs into a year whose official holiday calendar is not published "
        "yet: computed from the statutory holidays, recomputed (and the applicant told) once it is"
    )
    decided_on: dt.date | None


class CaseOut(CaseSummary):
    received_at: Ref | None = Field(
        description="The one-stop section that took the case in and hands back the result, when it is "
        "not the deciding department"
    )
    applicant: ApplicantOut
    answers: dict
    promised_days: int = Field(
        description="The time limit promised for this case's situation, counted from acceptance in the "
        "item's days_unit (0 with immediate); the due date is acceptance plus this, suspensions and extension"
    )
    legal_days: int | None = Field(description="The legal time limit for this case's situation (null: none)")
    immediate: bool = Field(description="Decided on the spot at acceptance")
    days_unit: str = Field(description="working (days counted on the department's calendar) or calendar")
    review_steps: list[dict]
    step: int
    working_days_used: int | None
    working_days_left: int | None
    suspended_working_days: int | None
    late: bool
    extension_days: int
    assignee: str | None
    apology_date: dt.date | None
    delivery_method: str
    pickup_code: str
    tracking_number: str
    materials: list[CaseMaterialOut]
    allowed_actions: list[str]
    events: list[EventOut]


class CasePage(Out):
    count: int = Field(description=f"Cases matching the filters, counted up to {LIST_COUNT_CAP:,}")
    count_capped: bool = Field(
        description=f"More than {LIST_COUNT_CAP:,} match (shown as {LIST_COUNT_CAP:,}+): counting further "
        "would cost every request of a large department for pages nobody reads"
    )
    items: list[CaseSummary]
    next_cursor: str | None


class CaseFilters(Schema):
    status: list[Literal[states.STATES]] = Field(default_factory=list)
    department: str | None = None
    item: str | None = None
    due_within: int | None = Field(None, ge=0, le=3650, description="Running cases due within N days")
    late: bool | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


def _summary(case: Case) -> dict:
    return _summary_of_row({field: _attribute(case, field) for field in selectors.SUMMARY_FIELDS})


def _attribute(case: Case, field: str):
    owner, _, name = field.rpartition("__")
    return getattr(getattr(case, owner) if owner else case, name)


def _summary_of_row(row: dict, language: str | None = None) -> dict:
    """A case's summary from selectors.SUMMARY_FIELDS (a list reads them as values, not models)."""
    return {
        "id": row["id"],
        "number": row["number"],
        "status": row["status"],
        "item": {
            "code": row["item__code"],
            "name": translated_value(row["item__translations"], "name", row["item__name"], language),
        },
        "version": row["item__version"],
        "department": {
            "code": row["department__code"],
            "name": translated_value(
                row["department__translations"], "name", row["department__name"], language
            ),
        },
        "channel": row["channel"],
        "submitted_at": row["submitted_at"],
        "accepted_on": row["accepted_on"],
        "due_date": row["due_date"],
        "due_date_provisional": row["due_date_provisional"],
        "decided_on": row["decided_on"],
    }


def _detail(request, case: Case, revealed: bool = False) -> dict:
    """`revealed`: the full ID number and phone, for staff who asked to see them (recorded). The
    applicant always sees their own in full."""
    running, _clock_error = selectors.case_clock_or_error(case)
    shows_id = revealed or case.applicant_user_id == request.auth.pk
    return {
        **_summary(case),
        "received_at": as_ref(case.receiving_department) if case.receiving_department_id else None,
        "applicant": {
            "name": case.applicant_name,
            "id_type": case.applicant_id_type,
            "id_number": case.applicant_id_number if shows_id else mask(case.applicant_id_number),
            "phone": case.applicant_phone if shows_id else mask(case.applicant_phone),
        },
        "answers": case.answers,
        "promised_days": case.promised_days,
        "legal_days": selectors.legal_days(case),
        "immediate": case.immediate,
        "days_unit": case.item.days_unit,
        "review_steps": case.review_steps,
        "step": case.step,
        "working_days_used": running.working_days_used if running else None,
        "working_days_left": running.working_days_left if running else None,
        "suspended_working_days": running.suspended_working_days if running else None,
        "late": running.late if running else False,
        "extension_days": case.extension_days,
        # Staff names are not the applicant's to read (the history shows roles to them too).
        "assignee": case.assignee.username if case.assignee and request.auth.role in STAFF else None,
        "apology_date": case.apology_date,
        "delivery_method": case.delivery_method,
        "pickup_code": case.pickup_code,
        "tracking_number": case.tracking_number,
        "materials": [
            {"code": m.code, "name": m.name, "required": m.required, "status": m.status}
            for m in case.materials.all()
        ],
        "allowed_actions": states.allowed_actions(case.machine_state()),
        "events": [vars(entry) for entry in selectors.history_as_seen_by(request.auth, case)],
    }


def _get(request, case_id: int, read_on: str | None = None) -> Case:
    case = selectors.case_for_detail(request.auth, case_id, read_on=read_on)
    if case is None:
        raise NotFound("No such case")
    return case


@router.post("/cases", response={201: CaseOut}, summary="File a case (one-window intake or online)")
def create_case(
    request,
    payload: CaseIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    submission = services.Submission(
        item=payload.item,
        applicant=services.Applicant(**payload.applicant.dict()),
        answers=payload.answers,
        channel=payload.channel,
        materials=payload.materials,
        receiving_unit=payload.receiving_unit,
    )
    case, _created = services.submit_case(request.auth, submission, idempotency_key)
    return Status(201, _detail(request, case))


@router.get("/cases/{case_id}", response=CaseOut, summary="A case with its clock, materials and history")
def get_case(
    request,
    case_id: int,
    reveal: bool = Query(
        False,
        description="Staff: show the full ID number and phone (masked otherwise); each reveal is recorded",
    ),
):
    if not reveal:  # the read recorded with the case, in one message to the database
        return _detail(request, _get(request, case_id, read_on="api"), revealed=False)
    case = _get(request, case_id)
    revealed = selectors.record_access(request.auth, case, "api", reveal=True)
    return _detail(request, case, revealed=revealed)


def _decode_cursor(cursor: str) -> int:
    try:
        return int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["before"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput([FieldError("cursor", "not a cursor this API gave out")]) from None


@router.get("/cases", response=CasePage, summary="Cases this user may see, newest first")
def list_cases(request, filters: Query[CaseFilters]):
    count, page = selectors.case_page(
        request.auth,
        filters.dict(include={"status", "department", "item", "due_within", "late"}),
        limit=filters.limit + 1,
        before=_decode_cursor(filters.cursor) if filters.cursor else None,
        count_up_to=LIST_COUNT_CAP,
    )
    more = len(page) > filters.limit
    page = page[: filters.limit]
    language = get_language()
    next_cursor = (
        base64.urlsafe_b64encode(json.dumps({"before": page[-1]["id"]}).encode()).decode() if more else None
    )
    return {
        "count": min(count, LIST_COUNT_CAP),
        "count_capped": count > LIST_COUNT_CAP,
        "items": [_summary_of_row(row, language) for row in page],
        "next_cursor": next_cursor,
    }


@router.post("/cases/{case_id}/actions", response=CaseOut, summary="Move a case: accept, review, deliver…")
def case_action(request, case_id: int, payload: CaseActionIn):
    case = services.act(request.auth, case_id, services.ActionInput(**payload.dict()))
    return _detail(request, case)


class BundleCaseIn(Schema):
    applicant: ApplicantIn
    answers: dict[str, str] = Field(default_factory=dict)
    channel: Literal[tuple(Channel.values)] = "online"
    materials: dict[str, Literal[tuple(MaterialStatus.values)]] = Field(default_factory=dict)


class BundleChildOut(CaseSummary):
    waiting_for: list[str]


class BundleCaseOut(Schema):
    id: int
    number: str
    bundle: Ref
    status: str = Field(description="submitted | in_progress | ready (every item decided) | delivered")
    accepted_on: dt.date | None
    due_date: dt.date | None
    due_date_provisional: bool
    delivered_at: dt.datetime | None
    children: list[BundleChildOut]


class BundleActionIn(Schema):
    action: Literal["accept", "deliver"]
    delivery_method: Literal[tuple(DeliveryMethod.values)] | Literal[""] = ""
    tracking_number: str = Field("", max_length=40)


def _bundle_case_out(parent, user) -> dict:
    children = bundle_services.visible_children(parent, user)
    return {
        "id": parent.pk,
        "number": parent.number,
        "bundle": {"code": parent.bundle.code, "name": parent.bundle.tr()},
        "status": bundle_services.bundle_status(parent),
        "accepted_on": parent.accepted_on,
        "due_date": parent.due_date,
        "due_date_provisional": parent.due_date_provisional,
        "delivered_at": parent.delivered_at,
        "children": [{**_summary(child), "waiting_for": child.waiting_for} for child in children],
    }


@router.post(
    "/bundles/{code}/cases", response={201: BundleCaseOut}, summary='File a "one thing" bundle as one case'
)
def create_bundle_case(
    request,
    code: str,
    payload: BundleCaseIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    parent = bundle_services.submit_bundle(
        request.auth,
        code,
        services.Applicant(**payload.applicant.dict()),
        payload.answers,
        payload.channel,
        payload.materials,
        idempotency_key,
    )
    return Status(201, _bundle_case_out(parent, request.auth))


@router.get("/bundle-cases/{bundle_case_id}", response=BundleCaseOut, summary="A bundle case and its items")
def get_bundle_case(request, bundle_case_id: int):
    parent = bundle_services.visible_bundle_cases(request.auth).filter(pk=bundle_case_id).first()
    if parent is None:
        raise NotFound("No such bundle case")
    return _bundle_case_out(parent, request.auth)


@router.post(
    "/bundle-cases/{bundle_case_id}/actions",
    response=BundleCaseOut,
    summary="Accept the whole application at the window, or deliver it once",
)
def bundle_case_action(request, bundle_case_id: int, payload: BundleActionIn):
    if payload.action == "accept":
        parent = bundle_services.accept_bundle(request.auth, bundle_case_id)
    else:
        parent = bundle_services.deliver_bundle(
            request.auth, bundle_case_id, payload.delivery_method, payload.tracking_number
        )
    return _bundle_case_out(parent, request.auth)


class UploadOut(Schema):
    material: str
    status: str
    checks: list[dict]


@router.post(
    "/cases/{case_id}/materials/{material_code}",
    response={201: UploadOut},
    summary="Upload a material; its pre-checks run at once (a refused file is not kept)",
    description=(
        "`data` is a JSON object of the typed-in fields the material's pre-checks read (e.g. "
        '`{"id_number": "…", "valid_until": "2035-01-01"}` for a resident ID card): each material of '
        "`GET /api/v1/items/{code}` lists its `checks`, and each check names its `field` or `fields`. A "
        "refused upload answers 422 with one error per input field to fix (`file`, or `data.<field>`), "
        "each with the `rule` that refused it, and every check's result under `checks`."
    ),
)
def upload_material(
    request,
    case_id: int,
    material_code: str,
    file: File[UploadedFile],
    data: Form[str] = "{}",
):
    try:
        fields = json.loads(data or "{}")
    except json.JSONDecodeError:
        fields = None
    if not isinstance(fields, dict):
        raise InvalidInput([FieldError("data", "must be a JSON object of field names and values")])
    limit = settings.ONEWINDOW_UPLOAD_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise InvalidInput([FieldError("file", f"the file is {file.size} bytes; the limit is {limit}")])
    material = services.upload_material(request.auth, case_id, material_code, file.name, file.read(), fields)
    return Status(201, {"material": material.code, "status": material.status, "checks": material.checks})


class ComeBackRow(Schema):
    key: str
    cases: int
    came_back: int
    rate: float = Field(description="came_back / cases")


class ComeBackReport(Schema):
    group: str
    total_cases: int
    total_came_back: int
    rate: float | None
    rows: list[ComeBackRow]


@router.get(
    "/reports/come-back",
    response=ComeBackReport,
    summary="Share of applicants who had to come back for missing papers (supervisors)",
)
def come_back_report(
    request,
    group: Literal["item", "department", "month"] = "item",
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    if request.auth.role not in SUPERVISORS:
        raise Forbidden("reports are for supervisors")
    cases = Case.objects.all()
    if since:
        cases = cases.filter(submitted_at__date__gte=since)
    if until:
        cases = cases.filter(submitted_at__date__lte=until)
    rows = selectors.come_back_rate(cases, group)
    total, back = sum(r["cases"] for r in rows), sum(r["came_back"] for r in rows)
    return {
        "group": group,
        "total_cases": total,
        "total_came_back": back,
        "rate": round(back / total, 4) if total else None,
        "rows": rows,
    }
