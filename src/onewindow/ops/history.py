"""Months of a service centre's life for the demo, written through the same services as the pages.

Every case is filed (at the window or online), accepted or sent back for a supplement, reviewed step
by step, sometimes suspended or extended, decided, delivered and rated, each on a working day of its
own with the platform clock set to that moment (`core.clock.at`). So the events, the legal clocks,
late cases, apology notices, rectifications, come-back rates and the index's running totals are the
real ones. Departments differ on purpose: public security (ga) is slow and often late, the housing
fund (gjj) fast and praised, so the ranking and its change since the last period mean something.
The generator is seeded: the same seed and days give the same history.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from onewindow.cases.notifications import notices_held_back
from onewindow.catalog import rules
from onewindow.catalog.calendars import calendar
from onewindow.catalog.models import Bundle, Region, ServiceItem
from onewindow.catalog.selectors import checklist, item_with_parts, regions_under
from onewindow.core import clock
from onewindow.core.demo_users import ensure_user
from onewindow.core.errors import InvalidInput
from onewindow.core.ids import resident_id_check_digit, uscc_check_character, vietnam_enterprise_check_digit
from onewindow.core.models import Role, User
from onewindow.core.permissions import Conflict, Forbidden, NotFound

REFUSED_STEPS = (InvalidInput, Conflict, Forbidden, NotFound)
BUNDLE_SHARE = 0.06  # "one thing" applications per single-item case
RESIDENTS = 30  # online applicants with verified accounts per region: resident-01 … resident-30


@dataclass(frozen=True)
class Trait:
    speed: float  # share of the promised time a decision takes, on average
    satisfied: float  # chance that a rating is 4 or 5
    rated: float = 0.4  # chance that a delivered case is rated


USUAL = Trait(speed=0.65, satisfied=0.85)


@dataclass(frozen=True)
class RegionProfile:
    """What one demo region's history is made of: whose procedures, on which calendar, the names,
    ID numbers and words of its people, and how each of its departments works."""

    key: str  # "" for the centre, else the further region's key (ops.demo.REGION_CATALOGS)
    root: str  # the region whose departments' procedures are filed ("" : the centre's own)
    calendar: str
    resident_prefix: str  # online applicants: f"{prefix}-{n:02d}"
    id_type: str
    person_id: Callable[[int], str]
    name: Callable[[random.Random], str]
    company: str  # an enterprise's name, around "{name}"
    enterprise_user: str  # the online enterprise account
    enterprise_id_type: str
    enterprise_id: Callable[[int], str]
    notes: dict[str, str]
    complaints: tuple[str, ...]
    traits: dict[str, Trait]
    # The centre's comprehensive windows take in everything; a province's cases go through the
    # one-stop section of the unit that receives them (hall.demo.load_region_halls).
    centre_clerks: tuple[str, ...] = ()
    scanned: float = 0.0  # share of window cases whose papers the window scans (the dossier's copy)


def _resident_id(n: int) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=n * 613 % 20000)
    first17 = f"441900{born:%Y%m%d}{100 + n % 900:03d}"
    return first17 + resident_id_check_digit(first17)


def _vn_citizen_id(n: int) -> str:
    """A Quảng Nam citizen's number: province 049, century and sex, year of birth, six digits."""
    born = 1950 + n * 37 % 55
    century_sex = (0 if born < 2000 else 2) + n % 2
    return f"049{century_sex}{born % 100:02d}{n * 7919 % 10**6:06d}"


FAMILY_NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_NAMES = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"


def _uscc(n: int) -> str:
    first17 = f"91441900MA4{n:06d}"
    return first17 + uscc_check_character(first17)


def _vn_enterprise_code(n: int) -> str:
    """A Quảng Nam enterprise's code (tax office 40), the next body that takes a check digit."""
    while (check := vietnam_enterprise_check_digit(body := f"40{n:07d}")) is None:
        n += 1
    return body + check


def _chinese_name(rng: random.Random) -> str:
    return rng.choice(FAMILY_NAMES) + "".join(rng.choice(GIVEN_NAMES) for _ in range(rng.randint(1, 2)))


def _vietnamese_name(rng: random.Random) -> str:
    family = rng.choice(["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Phan", "Võ", "Trương", "Đặng", "Bùi"])
    middle = rng.choice(["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thanh", "Hữu", "Thị Thu"])
    given = rng.choice(
        ["An", "Bình", "Lan", "Hùng", "Hoa", "Tuấn", "Mai", "Dũng", "Hà", "Phương", "Sơn", "Trang"]
    )
    return f"{family} {middle} {given}"


CENTRE = RegionProfile(
    key="",
    root="",
    calendar="CN",
    resident_prefix="resident",
    id_type="resident_id",
    person_id=_resident_id,
    name=_chinese_name,
    company="东莞市{name}贸易有限公司",
    enterprise_user="enterprise",
    enterprise_id_type="uscc",
    enterprise_id=_uscc,
    notes={
        "request_supplement": "请补正材料",
        "refuse": "不符合受理条件",
        "suspend": "专家评审",
        "resume": "评审完成",
        "extend": "情况复杂，依法延长",
        "review": "审核通过",
        "deny": "不符合条件",
        "verify": "情况属实",
        "fix": "已整改",
        "reply": "已向评价人说明整改情况",
    },
    complaints=("等待时间太长", "材料要求说明不清", "窗口态度一般", "办理太慢"),
    # Public security is slow and often late, the housing fund fast and praised.
    traits={
        "ga": Trait(speed=1.25, satisfied=0.55, rated=0.5),
        "gjj": Trait(speed=0.35, satisfied=0.97, rated=0.6),
    },
    centre_clerks=("clerk", "clerk02", "clerk03"),
)
QUANG_NAM = RegionProfile(
    key="quang-nam",
    root="VN49",
    calendar="VN",
    resident_prefix="cong-dan",
    id_type="vn_citizen_id",
    person_id=_vn_citizen_id,
    name=_vietnamese_name,
    company="Công ty TNHH {name}",
    enterprise_user="doanh-nghiep-vn",
    enterprise_id_type="vn_enterprise",
    enterprise_id=_vn_enterprise_code,
    notes={
        "request_supplement": "Đề nghị bổ sung giấy tờ còn thiếu",
        "refuse": "Hồ sơ không thuộc thẩm quyền giải quyết",
        "suspend": "Lấy ý kiến cơ quan chuyên môn",
        "resume": "Đã có ý kiến của cơ quan chuyên môn",
        "extend": "Hồ sơ phức tạp, gia hạn theo quy định",
        "review": "Thẩm định đạt",
        "deny": "Không đủ điều kiện theo quy định",
        "verify": "Phản ánh đúng sự thật",
        "fix": "Đã chấn chỉnh",
        "reply": "Đã thông tin lại cho người đánh giá",
    },
    complaints=("Chờ đợi quá lâu", "Hướng dẫn hồ sơ chưa rõ", "Thái độ tiếp dân chưa tốt", "Giải quyết chậm"),
    # Building permits run late, the ward police are quick and well rated.
    scanned=0.8,  # the province digitises what its windows receive
    traits={
        "hoian-qldt": Trait(speed=1.3, satisfied=0.5, rated=0.5),
        "hoian-minhan-ca": Trait(speed=0.3, satisfied=0.96, rated=0.6),
    },
)
PROFILES = {profile.key: profile for profile in (CENTRE, QUANG_NAM)}
TRAITS = {code: trait for profile in PROFILES.values() for code, trait in profile.traits.items()}


@dataclass
class Plan:
    """What will happen to one case, drawn when it is filed; `due` is the next working day it moves."""

    case_id: int
    due: dt.date
    steps_left: int
    pace: float  # working days between the review steps, decision included
    supplement: bool
    refuse: bool
    deny: bool
    suspend: bool
    extend: bool
    bundle_case_id: int | None = None  # a child of a bundle case: accepted and delivered with it
    done: set = field(default_factory=set)


def build_history(
    *,
    seed: int = 2026,
    weeks: int = 13,
    per_day: float = 16,
    until: dt.date | None = None,
    profile: RegionProfile = CENTRE,
) -> Counter:
    """Write the history of the `weeks` before `until` (default today) of one region; returns what
    was made."""
    started = time.monotonic()
    # The history's notices are recorded like real ones, but were "sent" weeks ago: none is queued.
    with notices_held_back():
        return _build(profile, seed, weeks, per_day, until, started)


def _build(
    profile: RegionProfile, seed: int, weeks: int, per_day: float, until: dt.date | None, started: float
) -> Counter:
    rng = random.Random(seed)
    working = calendar(profile.calendar)
    until = until or clock.today()
    days = [
        until - dt.timedelta(days=n)
        for n in range(weeks * 7, 0, -1)
        if working.is_working_day(until - dt.timedelta(days=n))
    ]
    users = demo_users(profile)
    items = published_items_with_parts(profile)
    codes = {item.code for item in items}
    # A bundle belongs to the region whose procedures it joins.
    bundles = [
        b
        for b in Bundle.objects.prefetch_related("parts").order_by("code")
        if {p.item_code for p in b.parts.all()} <= codes
    ]
    made: Counter = Counter()
    plans: list[Plan] = []
    rectifications: list[int] = []
    for index, day in enumerate(days):
        moments = _Moments(day)
        with transaction.atomic():
            for _ in range(_poisson(rng, per_day)):
                plan = file_case(rng, profile, items, users, day, moments, made)
                if plan:
                    plans.append(plan)
            for _ in range(_poisson(rng, per_day * BUNDLE_SHARE) if bundles else 0):
                plans += _file_bundle(rng, profile, bundles, users, day, moments, made)
            for plan in [p for p in plans if p.due <= day]:
                # Several steps can fall on one day (an immediate item is accepted and decided at once).
                for _step in range(8):
                    if not advance_case(
                        rng, profile, plan, users, day, days[index + 1 :], moments, made, rectifications
                    ):
                        plans.remove(plan)
                        break
                    if plan.due > day:
                        break
            _work_on_rectifications(rng, profile, rectifications, users, moments, made)
            with clock.at(moments.next()):
                from onewindow.cases.services import send_apologies

                made["apologies"] += len(send_apologies(day))
    made["seconds"] = round(time.monotonic() - started, 1)
    return made


class _Moments:
    """Increasing moments of a working day, so that events keep their order."""

    def __init__(self, day: dt.date):
        self.current = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))

    def next(self) -> dt.datetime:
        self.current += dt.timedelta(seconds=17)
        return self.current


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def published_items_with_parts(profile: RegionProfile = CENTRE) -> list[ServiceItem]:
    """What applicants of the region can file at its departments with demo staff to handle it,
    loaded once with everything filing reads."""
    if profile.root:
        regions = regions_under(profile.root)
    else:
        further = {r.pk for p in PROFILES.values() if p.root for r in regions_under(p.root)}
        regions = list(Region.objects.exclude(pk__in=further))
    staffed = (
        ServiceItem.objects.published()
        .filter(department__staff__isnull=False, department__region__in=regions)
        .distinct()
    )
    return list(item_with_parts(staffed).order_by("code"))


def demo_users(profile: RegionProfile = CENTRE) -> dict[str, User]:
    for n in range(1, RESIDENTS + 1):
        ensure_user(
            f"{profile.resident_prefix}-{n:02d}",
            Role.CITIZEN,
            verified_id=(profile.id_type, profile.person_id(n)),
        )
    return {u.username: u for u in User.objects.all()}


def _answers(rng: random.Random, questions) -> dict[str, str]:
    """A situation drawn at random, asking each question only where it applies."""
    answers: dict[str, str] = {}
    while (question := rules.next_question(questions, answers)) is not None:
        answers[question.code] = rng.choice(question.options)
    return answers


def _pace(rng, case) -> float:
    """Working days between review steps: together they take about the case's department's `speed`
    of the promised time, more or less."""
    trait = TRAITS.get(case.department.code, USUAL)
    return case.promised_days * trait.speed * rng.uniform(0.6, 1.3) / max(1, len(case.review_steps))


def file_case(rng, profile, items, users, day, moments, made) -> Plan | None:
    from onewindow.cases import services

    item = rng.choice(items)
    answers = _answers(rng, item.rules().questions)
    result = checklist(item, answers)
    enterprise = item.for_enterprise and (not item.for_person or rng.random() < 0.5)
    online = "online" in item.channels and rng.random() < 0.35
    receivers = list(item.receiving_departments.all())
    # Where a procedure others take in is filed: mostly at the applicant's own ward or commune.
    unit = rng.choice([item.department, *receivers, *receivers]) if receivers else item.department
    clerk = _window_clerk(rng, profile, users, unit)
    if enterprise:
        filer = users[profile.enterprise_user] if online else clerk
        id_type = profile.enterprise_id_type
        number = filer.verified_id_number if online else profile.enterprise_id(rng.randint(1, 400))
        name = profile.company.format(name=profile.name(rng))
    else:
        resident = rng.randint(1, RESIDENTS)
        filer = users[f"{profile.resident_prefix}-{resident:02d}"] if online else clerk
        id_type, number = profile.id_type, profile.person_id(resident if online else rng.randint(100, 4000))
        name = profile.name(rng)
    submission = services.Submission(
        item=item.code,
        answers=answers,
        channel="online" if online else "window",
        materials={} if online else {m.code: "received" for m in result.materials},
        applicant=services.Applicant(
            name=name, id_type=id_type, id_number=number, phone=_phone(rng, profile)
        ),
        receiving_unit=unit.code if receivers else "",
    )
    try:
        with clock.at(moments.next()):
            case, _created = services.submit_case(filer, submission)
    except REFUSED_STEPS:
        made["refused_filings"] += 1
        return None
    made["cases"] += 1
    if not online and rng.random() < profile.scanned:
        _scan_at_the_window(filer, case, moments, made)
    trait = TRAITS.get(item.department.code, USUAL)
    return Plan(
        case_id=case.pk,
        due=day if not online else day + dt.timedelta(days=1),
        steps_left=len(case.review_steps),
        pace=_pace(rng, case),
        supplement=rng.random() < 0.12,
        refuse=rng.random() < 0.03,
        deny=rng.random() < 0.06,
        suspend=rng.random() < 0.04,
        extend=item.extension_days > 0 and rng.random() < (0.3 if trait.speed > 1 else 0.05),
    )


def _scan_at_the_window(clerk, case, moments, made) -> None:
    """The window scans the papers it received: each stored as the dossier's signed digital copy."""
    from onewindow.cases import services

    for material in [m for m in case.materials.all() if m.status == "received"]:
        try:
            with clock.at(moments.next()):
                services.upload_material(clerk, case.pk, material.code, "scan.pdf", _scan(case, material), {})
        except REFUSED_STEPS:
            made["refused_scans"] += 1
        else:
            made["scans"] += 1


def _scan(case, material) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1)
    canvas.drawString(72, 770, f"{case.number} {material.code}")
    canvas.save()
    return buffer.getvalue()


def _phone(rng, profile) -> str:
    if profile.calendar == "VN":
        return f"090{rng.randint(0, 10**7 - 1):07d}"
    return f"138{rng.randint(0, 10**8 - 1):08d}"


def _window_clerk(rng, profile, users, unit) -> User:
    """The centre's comprehensive windows take in everything; a province's cases are taken in and
    handed back by the one-stop section of the unit that receives them."""
    if profile.centre_clerks:
        return users[rng.choice(profile.centre_clerks)]
    return users[f"clerk-{unit.region.code.lower()}"]


def _file_bundle(rng, profile, bundles, users, day, moments, made) -> list[Plan]:
    """A "one thing" application at the window, accepted at once; a plan for each of its items."""
    from onewindow.cases import bundle_services, services
    from onewindow.catalog.bundles import merged_questions, resolve_bundle
    from onewindow.catalog.selectors import bundle_items, bundle_parts

    bundle = rng.choice(bundles)
    parts = bundle_parts(bundle, bundle_items(bundle))
    answers = _answers(rng, merged_questions(parts))
    asked = [m.code for m in resolve_bundle(parts, answers).materials if m.asked]
    if bundle.life_event is not None and bundle.life_event.audience == "enterprise":
        name, id_type = profile.company.format(name=profile.name(rng)), profile.enterprise_id_type
        number = profile.enterprise_id(rng.randint(401, 800))
    else:
        name, id_type, number = profile.name(rng), profile.id_type, profile.person_id(rng.randint(100, 4000))
    applicant = services.Applicant(name, id_type, number, phone=_phone(rng, profile))
    clerk = _window_clerk(rng, profile, users, None)
    try:
        with clock.at(moments.next()):
            parent = bundle_services.submit_bundle(
                clerk, bundle.code, applicant, answers, "window", dict.fromkeys(asked, "received")
            )
        with clock.at(moments.next()):
            bundle_services.accept_bundle(clerk, parent.pk)
    except REFUSED_STEPS:
        made["refused_bundle_filings"] += 1
        return []
    made["bundle_cases"] += 1
    plans = []
    for child in parent.children.select_related("department").order_by("pk"):  # producers first
        made["cases"] += 1
        plans.append(
            Plan(
                case_id=child.pk,
                due=day + dt.timedelta(days=1),
                steps_left=len(child.review_steps),
                pace=_pace(rng, child),
                supplement=False,
                refuse=False,
                deny=rng.random() < 0.03,
                suspend=False,
                extend=False,
                bundle_case_id=parent.pk,
            )
        )
    return plans


def advance_case(rng, profile, plan, users, day, later_days, moments, made, rectifications) -> bool:
    """One step of the case's plan on `day`; False once nothing more will happen to it."""
    from onewindow.cases import services
    from onewindow.cases.models import Case

    case = Case.objects.select_related(
        "item", "department", "receiving_department__region", "department__region"
    ).get(pk=plan.case_id)
    trait = TRAITS.get(case.department.code, USUAL)
    reviewer = users.get(f"reviewer-{case.department.code}")
    clerk = users["clerk"] if profile.centre_clerks else _window_clerk(rng, profile, users, case.front_desk)
    notes = profile.notes
    status = case.status

    def act(user, action, **extra) -> bool:
        try:
            with clock.at(moments.next()):
                services.act(user, plan.case_id, services.ActionInput(action=action, **extra))
        except REFUSED_STEPS:
            made["skipped_steps"] += 1
            return False
        made[action] += 1
        return True

    def later(working_days: float) -> None:
        """The next step `working_days` working days from today (0: today; past the history: never)."""
        steps = max(0, round(working_days))
        if steps == 0:
            plan.due = day
        elif steps <= len(later_days):
            plan.due = later_days[steps - 1]
        else:
            plan.due = dt.date.max

    if plan.bundle_case_id and status == "submitted":
        later(1)  # waits for another item's result; the platform starts it when that is decided
        return True
    if plan.bundle_case_id and status in ("approved", "denied"):
        return _deliver_bundle(rng, profile, plan, clerk, trait, moments, made, rectifications, later)
    missing = {m.code: "received" for m in case.materials.all() if m.required and m.status == "missing"}
    if status == "submitted":
        if plan.supplement and "supplement" not in plan.done:
            plan.done.add("supplement")
            code = next(iter(missing), None) or case.materials.first().code
            ok = act(clerk, "request_supplement", note=notes["request_supplement"], supplement=[code])
            later(rng.randint(1, 4))
            return ok
        if plan.refuse:
            act(clerk, "refuse", note=notes["refuse"])
            return False
        _pay_at_the_window(clerk, case, "filing", moments, made)
        ok = act(clerk, "accept", materials=missing)
        later(plan.pace)
        return ok
    if status == "supplement_requested":
        ok = act(clerk, "resubmit", materials=missing)
        later(0)
        return ok
    if status in ("accepted", "in_review"):
        if plan.suspend and "suspend" not in plan.done:
            plan.done.add("suspend")
            ok = act(reviewer, "suspend", note=notes["suspend"], suspension_kind="expert_review")
            later(rng.randint(2, 5))
            return ok
        if "suspend" in plan.done and "resume" not in plan.done:
            plan.done.add("resume")
            ok = act(reviewer, "resume", note=notes["resume"])
            later(0)
            return ok
        if plan.extend and "extend" not in plan.done:
            plan.done.add("extend")
            act(users["supervisor"], "extend", note=notes["extend"])
        if plan.steps_left > 1:
            plan.steps_left -= 1
            ok = act(reviewer, "review", note=notes["review"])
            later(plan.pace)
            return ok
        ok = act(reviewer, "deny" if plan.deny else "approve", note=notes["deny"] if plan.deny else "")
        later(rng.uniform(0, 2))
        return ok
    if status in ("approved", "denied"):
        method = rng.choice(["window", "window", "electronic", "post"])
        if status == "approved":
            _pay_at_the_window(clerk, case, "decision", moments, made)
        ok = act(
            clerk,
            "deliver",
            delivery_method=method,
            tracking_number="SF" + str(rng.randint(10**9, 10**10)) if method == "post" else "",
        )
        if ok and rng.random() < trait.rated:
            _rate(rng, profile, plan.case_id, trait, moments, made, rectifications)
        return False
    return False


def _pay_at_the_window(clerk, case, stage: str, moments, made) -> None:
    """A fee due at this stage, paid at the counter (the online payments of the demo are its own,
    made through the reference gateway while it runs)."""
    from onewindow.payments import services as payments

    if case.item.payment_stage != stage or not case.item.fee:
        return
    try:
        with clock.at(moments.next()):
            payments.record_at_window(clerk, case.pk)
    except REFUSED_STEPS:
        made["refused_payments"] += 1
        return
    made["fees_paid"] += 1


def _deliver_bundle(rng, profile, plan, clerk, trait, moments, made, rectifications, later) -> bool:
    """The bundle goes out once, when its last item is decided; until then its decided items wait."""
    from onewindow.cases import bundle_services
    from onewindow.cases.models import BundleCase

    parent = BundleCase.objects.get(pk=plan.bundle_case_id)
    if bundle_services.bundle_status(parent) != "ready":
        later(1)
        return True
    try:
        with clock.at(moments.next()):
            bundle_services.deliver_bundle(clerk, parent.pk, rng.choice(["window", "electronic"]))
    except REFUSED_STEPS:
        made["skipped_steps"] += 1
        return False
    made["bundle_deliveries"] += 1
    for child_id in parent.children.filter(status="delivered").values_list("pk", flat=True):
        if rng.random() < trait.rated:
            _rate(rng, profile, child_id, trait, moments, made, rectifications)
    return False


def _rate(rng, profile, case_id, trait, moments, made, rectifications) -> None:
    from onewindow.cases.models import Case
    from onewindow.evaluation import services as evaluation

    case = Case.objects.select_related("department", "applicant_user").get(pk=case_id)
    level = rng.choice([4, 5, 5]) if rng.random() < trait.satisfied else rng.choice([1, 2, 3])
    data = evaluation.RatingInput(
        level=level,
        channel=rng.choice(["qr", "pc", "mobile", "sms"]),
        text="" if level >= 3 else rng.choice(profile.complaints),
        tags=[] if level >= 3 else [rng.choice(["slow", "unclear", "attitude"])],
        consent_to_publish=rng.random() < 0.5,
    )
    try:
        with clock.at(moments.next()):
            rating = evaluation.rate_case(case, 1, data, rater=case.applicant_user)
    except REFUSED_STEPS:
        made["refused_ratings"] += 1
        return
    made["ratings"] += 1
    if hasattr(rating, "rectification"):
        rectifications.append(rating.rectification.pk)


def _work_on_rectifications(rng, profile, rectifications, users, moments, made) -> None:
    from onewindow.evaluation import services as evaluation
    from onewindow.evaluation.models import Rectification

    for rectification_id in list(rectifications):
        if rng.random() < 0.45:
            continue  # not today
        rectification = Rectification.objects.select_related("owner").get(pk=rectification_id)
        if rectification.stage == "closed":
            rectifications.remove(rectification_id)
            continue
        if rng.random() < 0.1:
            continue  # some are left to run late
        worker = rectification.owner or users["supervisor"]
        note = (
            profile.notes.get(rectification.stage, "")
            if rectification.stage in ("verify", "fix", "reply")
            else ""
        )
        try:
            with clock.at(moments.next()):
                evaluation.advance(worker, rectification_id, note, satisfied=rng.random() < 0.8)
        except REFUSED_STEPS:
            made["skipped_rectification_steps"] += 1
            rectifications.remove(rectification_id)
            continue
        made["rectification_steps"] += 1


DEMO_SEED, DEMO_WEEKS = 2026, 13
CASES_PER_DAY = {"": 16, "quang-nam": 10}


def ensure_history(weeks: int = DEMO_WEEKS, region: str = ""):
    """Build a region's demo history once per database (`region` "": the centre); the DemoHistory
    row it leaves, or None when it was there already (or `weeks` is 0)."""
    from .models import DemoHistory

    if weeks <= 0 or DemoHistory.objects.filter(region=region).exists():
        return None
    until = clock.today()
    made = build_history(
        seed=DEMO_SEED, weeks=weeks, per_day=CASES_PER_DAY[region], until=until, profile=PROFILES[region]
    )
    return DemoHistory.objects.create(
        region=region,
        seed=DEMO_SEED,
        first_day=until - dt.timedelta(weeks=weeks),
        last_day=until - dt.timedelta(days=1),
        cases=made["cases"],
        ratings=made["ratings"],
        seconds=made["seconds"],
    )
