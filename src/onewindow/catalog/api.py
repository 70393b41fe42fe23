import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema

from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.pagination import PageParams, paginate
from onewindow.core.schemas import Out
from onewindow.core.workdays import UnknownYear, add_working_days, working_days_between

from . import calendars, rules, selectors
from .models import Department, LifeEvent, ServiceItem

router = Router(tags=["catalog"])


class Ref(Out):
    code: str
    name: str


class ItemSummary(Schema):
    code: str
    version: int
    name: str
    department: Ref
    item_type: str
    legal_days: int | None
    promised_days: int
    days_unit: str
    immediate: bool
    max_visits: int
    channels: list[str]


class ItemPage(Schema):
    count: int
    items: list[ItemSummary]


class OptionOut(Schema):
    code: str
    text: str


class QuestionOut(Schema):
    code: str
    text: str
    help_text: str
    when: dict | None
    options: list[OptionOut]


class MaterialOut(Schema):
    code: str
    name: str
    kind: str
    required: bool
    copies: int
    original: bool
    acceptance_standard: str
    note: str
    blank_form_url: str | None
    sample_url: str | None
    commitment_text: str = Field(
        description="If not empty, the applicant may sign this commitment instead (告知承诺制)"
    )


class ConditionalMaterialOut(MaterialOut):
    when: dict | None
    checks: list[dict] = Field(description="The pre-checks run on its uploads (catalog/prechecks.py)")


class StepOut(Schema):
    code: str
    name: str
    description: str


class ItemDetail(ItemSummary):
    status: str
    valid_from: str | None
    summary: str
    item_type_label: str
    fee: float
    fee_basis: str
    online_url: str
    service_objects: list[str]
    legal_basis: str
    acceptance_conditions: str
    location: str
    contact_phone: str
    hours: str
    receiving_departments: list[Ref] = Field(
        description="One-stop sections that take in applications for the implementing department (file with "
        "receiving_unit); empty: the implementing department receives them"
    )
    life_events: list[Ref]
    questions: list[QuestionOut]
    materials: list[ConditionalMaterialOut]
    steps: list[StepOut]


class ChecklistIn(Schema):
    answers: dict[str, str] = Field(
        default_factory=dict, description="Question code → option code, for every question that applies"
    )


class AnswerOut(Schema):
    question: str
    question_text: str
    option: str
    option_text: str


class AdviceOut(Schema):
    code: str = Field(description="online | online_then_window | post | window")
    visits: int


class ChecklistOut(Schema):
    item: Ref
    version: int
    answers: list[AnswerOut]
    materials: list[MaterialOut]
    legal_days: int | None
    promised_days: int
    days_unit: str
    immediate: bool
    fee: float
    max_visits: int
    steps: list[StepOut]
    channels: list[str]
    online_url: str
    location: str
    channel_advice: AdviceOut
    held: dict[str, str] = Field(
        description="For a signed-in applicant: materials their e-certificates stand for (code → identifier)"
    )


class ItemFilters(PageParams):
    q: str = Field("", max_length=100, description="Words to search for, in any language")
    department: str | None = Field(None, description="Department code")
    life_event: str | None = Field(None, description="Life event code")
    audience: Literal["person", "enterprise"] | None = None


class Page(Schema):
    count: int
    items: list[Ref]


def as_ref(obj) -> dict:
    return {"code": obj.code, "name": obj.tr()}


def _file_url(request, field) -> str | None:
    return request.build_absolute_uri(field.url) if field else None


def _summary(item: ServiceItem) -> dict:
    return {
        "code": item.code,
        "version": item.version,
        "name": item.tr(),
        "department": as_ref(item.department),
        "item_type": item.item_type,
        "legal_days": item.legal_days,
        "promised_days": item.promised_days,
        "days_unit": item.days_unit,
        "immediate": item.immediate,
        "max_visits": item.max_visits,
        "channels": item.channels,
    }


def _material(request, material) -> dict:
    return {
        "code": material.code,
        "name": material.tr(),
        "kind": material.kind,
        "required": material.required,
        "copies": material.copies,
        "original": material.original,
        "acceptance_standard": material.tr("acceptance_standard"),
        "note": material.tr("note"),
        "blank_form_url": _file_url(request, material.blank_form),
        "sample_url": _file_url(request, material.sample),
        "commitment_text": material.tr("commitment_text"),
        "when": material.when,
        "checks": material.checks,
    }


def _question(question) -> dict:
    return {
        "code": question.code,
        "text": question.tr("text"),
        "help_text": question.tr("help_text"),
        "when": question.when,
        "options": [{"code": o.code, "text": o.tr("text")} for o in question.options.all()],
    }


def _step(step) -> dict:
    return {"code": step.code, "name": step.tr(), "description": step.tr("description")}


def _published(code: str) -> ServiceItem:
    try:
        return selectors.published_item(code)
    except ServiceItem.DoesNotExist:
        raise Http404(f"No published service item with code {code!r}") from None


@router.get("/items", response=ItemPage, summary="Search and list published service items")
def list_items(request, filters: Query[ItemFilters]):
    errors = []
    if filters.department and not Department.objects.filter(code=filters.department).exists():
        errors.append(FieldError("department", f"unknown department {filters.department!r}"))
    if filters.life_event and not LifeEvent.objects.filter(code=filters.life_event).exists():
        errors.append(FieldError("life_event", f"unknown life event {filters.life_event!r}"))
    if errors:
        raise InvalidInput(errors)
    items = selectors.search_items(filters.q, filters.department, filters.life_event, filters.audience)
    return paginate(items, filters, _summary)


@router.get("/items/{code}", response=ItemDetail, summary="A published item with its questions and materials")
def get_item(request, code: str):
    item = _published(code)
    return {
        **_summary(item),
        "status": item.status,
        "valid_from": item.valid_from.isoformat() if item.valid_from else None,
        "summary": item.tr("summary"),
        "item_type_label": str(item.get_item_type_display()),
        "fee": float(item.fee),
        "fee_basis": item.fee_basis,
        "online_url": item.online_url,
        "service_objects": item.service_objects,
        "legal_basis": item.legal_basis,
        "acceptance_conditions": item.tr("acceptance_conditions"),
        "location": item.tr("location"),
        "contact_phone": item.contact_phone,
        "hours": item.hours,
        "receiving_departments": [as_ref(d) for d in item.receiving_departments.all()],
        "life_events": [as_ref(e) for e in item.life_events.all()],
        "questions": [_question(q) for q in item.questions.all()],
        "materials": [_material(request, m) for m in item.materials.all()],
        "steps": [_step(s) for s in item.steps.all()],
    }


@router.post(
    "/items/{code}/checklist",
    response=ChecklistOut,
    summary="The materials, limits and steps that fit the applicant's answers",
)
def item_checklist(request, code: str, payload: ChecklistIn):
    item = _published(code)
    try:
        result = selectors.checklist(item, payload.answers, selectors.held_by_user(request.user))
    except rules.AnswersError as error:
        raise InvalidInput.from_pairs(error.problems, detail="The answers do not fit") from None
    limits = result.limits
    return {
        "item": as_ref(item),
        "version": item.version,
        "answers": [
            {
                "question": a.question.code,
                "question_text": a.question.tr("text"),
                "option": a.option.code,
                "option_text": a.option.tr("text"),
            }
            for a in result.answers
        ],
        "materials": [_material(request, m) for m in result.materials],
        "held": {code: row.reference for code, row in result.held.items()},
        "legal_days": limits["legal_days"],
        "promised_days": limits["promised_days"],
        "days_unit": item.days_unit,
        "immediate": limits["immediate"],
        "fee": float(Decimal(str(limits["fee"]))),
        "max_visits": limits["max_visits"],
        "steps": [_step(s) for s in result.steps],
        "channels": item.channels,
        "online_url": item.online_url,
        "location": item.tr("location"),
        "channel_advice": dict(zip(("code", "visits"), selectors.item_advice(result), strict=True)),
    }


@router.get("/departments", response=Page, summary="Departments")
def list_departments(request, page: Query[PageParams]):
    return paginate(Department.objects.all(), page, as_ref)


@router.get("/life-events", response=Page, summary="Life and business events")
def list_life_events(request, page: Query[PageParams]):
    return paginate(LifeEvent.objects.all(), page, as_ref)


class BundleItemOut(Schema):
    code: str
    name: str
    department: Ref


class BundleSummary(Schema):
    code: str
    name: str
    description: str
    life_event: Ref | None
    items: list[BundleItemOut]


class BundlePage(Schema):
    count: int
    items: list[BundleSummary]


class BundleFiguresOut(Schema):
    answers: dict[str, str] = Field(description="The typical applicant's situation the figures are for")
    materials_if_separate: int
    materials_in_bundle: int
    legal_days_if_separate: int = Field(
        description="The items' legal limits added up (filed one after another)"
    )
    days_in_bundle: int = Field(description="Promised working days in the bundle, typical situation")
    fastest_days_in_bundle: int = Field(description="Promised working days in the bundle, fastest situation")
    visits_if_separate: int
    visits_in_bundle: int


class BundleDetail(BundleSummary):
    questions: list[QuestionOut]
    figures: BundleFiguresOut | None = Field(
        description="What the bundle saves; null without a typical situation"
    )
    assumptions: str = Field(description="What the figures assume where the public record is silent")


class BundleMaterialOut(MaterialOut):
    needed_by: list[str]
    provided_by: str | None = Field(description="The bundle item whose result this is: passed on, not asked")
    shared_data: bool = Field(description="Obtained by the platform from shared data: not asked")
    held: bool = Field(description="One of the applicant's e-certificates stands for it: not asked")
    asked: bool


class BundleStepOut(Schema):
    code: str
    name: str
    department: Ref
    promised_days: int
    immediate: bool
    waits_for: list[str]
    stage: int


class BundleChecklistOut(Schema):
    bundle: Ref
    answers: dict[str, str]
    materials: list[BundleMaterialOut]
    items: list[BundleStepOut]
    stages: list[list[str]]
    materials_if_separate: int
    materials_in_bundle: int
    days_if_separate: int
    days_in_bundle: int
    legal_days_if_separate: int
    visits_if_separate: int
    visits_in_bundle: int
    channel_advice: AdviceOut


class BundleFilters(PageParams):
    q: str = Field("", max_length=100)


def _bundle_summary(bundle, items=None) -> dict:
    items = items if items is not None else _bundle_items_or_404(bundle)
    return {
        "code": bundle.code,
        "name": bundle.tr(),
        "description": bundle.tr("description"),
        "life_event": as_ref(bundle.life_event) if bundle.life_event else None,
        "items": [
            {"code": i.code, "name": i.tr(), "department": as_ref(i.department)} for i in items.values()
        ],
    }


def _bundle_or_404(code: str):
    bundle = selectors.search_bundles().filter(code=code).first()
    if bundle is None:
        raise Http404(f"No bundle with code {code!r}")
    return bundle


def _bundle_items_or_404(bundle):
    try:
        return selectors.bundle_items(bundle)
    except ServiceItem.DoesNotExist as error:
        raise Http404(f"Bundle {bundle.code!r} is not available: {error}") from None


@router.get("/bundles", response=BundlePage, summary='"One thing" bundles of items across departments')
def list_bundles(request, filters: Query[BundleFilters]):
    return paginate(selectors.search_bundles(filters.q), filters, _bundle_summary)


@router.get("/bundles/{code}", response=BundleDetail, summary="A bundle with its merged questions")
def get_bundle(request, code: str):
    bundle = _bundle_or_404(code)
    items = _bundle_items_or_404(bundle)
    return {
        **_bundle_summary(bundle, items),
        "questions": [_question(q) for q in selectors.merged_question_rows(items)],
        "figures": figures.as_dict() if (figures := selectors.bundle_figures(bundle, items)) else None,
        "assumptions": bundle.tr("assumptions"),
    }


@router.post(
    "/bundles/{code}/checklist",
    response=BundleChecklistOut,
    summary="The merged materials and time of a bundle for the applicant's answers",
)
def bundle_checklist(request, code: str, payload: ChecklistIn):
    bundle = _bundle_or_404(code)
    _bundle_items_or_404(bundle)
    try:
        result = selectors.bundle_checklist(bundle, payload.answers, selectors.held_by_user(request.user))
    except rules.AnswersError as error:
        raise InvalidInput.from_pairs(error.problems, detail="The answers do not fit") from None
    resolution = result.resolution
    stage_of = {code: index for index, stage in enumerate(resolution.stages) for code in stage}
    return {
        "bundle": as_ref(bundle),
        "answers": resolution.answers,
        "materials": [
            {
                **_material(request, result.materials[m.code]),
                "needed_by": list(m.needed_by),
                "provided_by": m.provided_by or None,
                "shared_data": m.shared_data,
                "held": m.held,
                "asked": m.asked,
            }
            for m in resolution.materials
        ],
        "items": [
            {
                "code": code,
                "name": item.tr(),
                "department": as_ref(item.department),
                "promised_days": resolution.days(code),
                "immediate": bool(resolution.limits_by_item[code]["immediate"]),
                "waits_for": list(resolution.waits_for[code]),
                "stage": stage_of[code],
            }
            for code, item in result.items.items()
        ],
        "stages": resolution.stages,
        "materials_if_separate": resolution.materials_if_separate,
        "materials_in_bundle": resolution.materials_in_bundle,
        "days_if_separate": resolution.days_if_separate,
        "days_in_bundle": resolution.days_in_bundle,
        "legal_days_if_separate": resolution.legal_days_if_separate,
        "visits_if_separate": resolution.visits_if_separate,
        "visits_in_bundle": resolution.visits_in_bundle,
        "channel_advice": dict(zip(("code", "visits"), selectors.bundle_advice(result), strict=True)),
    }


class WorkdaysQuery(Schema):
    calendar: Literal["CN", "VN", "WEEKDAYS"] | None = Field(None, description="a national calendar")
    department: str | None = Field(None, description="or a department code: its calendar and local days")
    start: dt.date = Field(..., alias="from", description="counting starts on the day after")
    days: int | None = Field(None, ge=0, le=3650, description="for /workdays/add")
    to: dt.date | None = Field(None, description="for /workdays/between")


class WorkdaysOut(Schema):
    calendar: str
    date: dt.date | None = None
    working_days: int | None = None
    provisional: bool = Field(
        description="The answer reads days of a year whose official calendar is not published yet "
        "(computed from the statutory holidays; it may move when the year is loaded)"
    )
    provisional_years: list[int]


def _working_calendar(query: WorkdaysQuery):
    if (query.calendar is None) == (query.department is None):
        raise InvalidInput([FieldError("calendar", "give either calendar or department")])
    if query.department is None:
        return calendars.calendar(query.calendar)
    department = Department.objects.filter(code=query.department).first()
    if department is None:
        raise InvalidInput([FieldError("department", f"unknown department {query.department!r}")])
    return calendars.department_calendar(department)


def _workdays_answer(working_calendar, first: dt.date, last: dt.date, **answer) -> dict:
    years = working_calendar.provisional_years_between(first, last)
    return {
        "calendar": working_calendar.code,
        **answer,
        "provisional": bool(years),
        "provisional_years": years,
    }


@router.get("/workdays/add", response=WorkdaysOut, summary="The date N working days after a date")
def workdays_add(request, query: Query[WorkdaysQuery]):
    if query.days is None:
        raise InvalidInput([FieldError("days", "required")])
    working_calendar = _working_calendar(query)
    try:
        due = add_working_days(working_calendar, query.start, query.days)
    except UnknownYear as error:
        raise InvalidInput([FieldError("from", str(error))]) from None
    return _workdays_answer(working_calendar, query.start, due, date=due)


@router.get("/workdays/between", response=WorkdaysOut, summary="Working days after one date up to another")
def workdays_between(request, query: Query[WorkdaysQuery]):
    if query.to is None:
        raise InvalidInput([FieldError("to", "required")])
    working_calendar = _working_calendar(query)
    try:
        count = working_days_between(working_calendar, query.start, query.to)
    except UnknownYear as error:
        raise InvalidInput([FieldError("from", str(error))]) from None
    return _workdays_answer(working_calendar, query.start, query.to, working_days=count)
