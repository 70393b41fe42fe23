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
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from onewindow.cases.notifications import notices_held_back
from onewindow.catalog import rules
from onewindow.catalog.calendars import calendar
from onewindow.catalog.models import Bundle, ServiceItem
from onewindow.catalog.selectors import checklist, item_with_parts
from onewindow.core import clock
from onewindow.core.demo_users import ensure_user
from onewindow.core.errors import InvalidInput
from onewindow.core.ids import resident_id_check_digit, uscc_check_character
from onewindow.core.models import Role, User
from onewindow.core.permissions import Conflict, Forbidden, NotFound

REFUSED_STEPS = (InvalidInput, Conflict, Forbidden, NotFound)
BUNDLE_SHARE = 0.06  # "one thing" applications per single-item case
RESIDENTS = 30  # online applicants with verified accounts: resident-01 … resident-30
FAMILY_NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_NAMES = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"


@dataclass(frozen=True)
class Trait:
    speed: float  # share of the promised time a decision takes, on average
    satisfied: float  # chance that a rating is 4 or 5
    rated: float = 0.4  # chance that a delivered case is rated


TRAITS = {
    "ga": Trait(speed=1.25, satisfied=0.55, rated=0.5),
    "gjj": Trait(speed=0.35, satisfied=0.97, rated=0.6),
}
USUAL = Trait(speed=0.65, satisfied=0.85)


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
    *, seed: int = 2026, weeks: int = 13, per_day: float = 16, until: dt.date | None = None
) -> Counter:
    """Write the history of the `weeks` before `until` (default today); returns what was made."""
    started = time.monotonic()
    # The history's notices are recorded like real ones, but were "sent" weeks ago: none is queued.
    with notices_held_back():
        return _build(seed, weeks, per_day, until, started)


def _build(seed: int, weeks: int, per_day: float, until: dt.date | None, started: float) -> Counter:
    rng = random.Random(seed)
    cn = calendar("CN")
    until = until or clock.today()
    days = [
        until - dt.timedelta(days=n)
        for n in range(weeks * 7, 0, -1)
        if cn.is_working_day(until - dt.timedelta(days=n))
    ]
    users = demo_users()
    items = published_items_with_parts()
    bundles = list(Bundle.objects.order_by("code"))
    made: Counter = Counter()
    plans: list[Plan] = []
    rectifications: list[int] = []
    for index, day in enumerate(days):
        moments = _Moments(day)
        with transaction.atomic():
            for _ in range(_poisson(rng, per_day)):
                plan = file_case(rng, items, users, day, moments, made)
                if plan:
                    plans.append(plan)
            for _ in range(_poisson(rng, per_day * BUNDLE_SHARE)):
                plans += _file_bundle(rng, bundles, users, day, moments, made)
            for plan in [p for p in plans if p.due <= day]:
                # Several steps can fall on one day (an immediate item is accepted and decided at once).
                for _step in range(8):
                    if not advance_case(
                        rng, plan, users, day, days[index + 1 :], moments, made, rectifications
                    ):
                        plans.remove(plan)
                        break
                    if plan.due > day:
                        break
            _work_on_rectifications(rng, rectifications, users, moments, made)
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


def published_items_with_parts() -> list[ServiceItem]:
    """What applicants can file at departments with demo staff to handle it (another demo region
    writes its own history), loaded once with everything filing reads."""
    staffed = ServiceItem.objects.published().filter(department__staff__isnull=False).distinct()
    return list(item_with_parts(staffed).order_by("code"))


def demo_users() -> dict[str, User]:
    for n in range(1, RESIDENTS + 1):
        ensure_user(f"resident-{n:02d}", Role.CITIZEN, verified_id=("resident_id", _resident_id(n)))
    return {u.username: u for u in User.objects.all()}


def _resident_id(n: int) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=n * 613 % 20000)
    first17 = f"441900{born:%Y%m%d}{100 + n % 900:03d}"
    return first17 + resident_id_check_digit(first17)


def _enterprise_id(n: int) -> str:
    first17 = f"91441900MA4{n:06d}"
    return first17 + uscc_check_character(first17)


def _name(rng: random.Random) -> str:
    return rng.choice(FAMILY_NAMES) + "".join(rng.choice(GIVEN_NAMES) for _ in range(rng.randint(1, 2)))


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


def file_case(rng, items, users, day, moments, made) -> Plan | None:
    from onewindow.cases import services

    item = rng.choice(items)
    answers = _answers(rng, item.rules().questions)
    result = checklist(item, answers)
    enterprise = item.for_enterprise and (not item.for_person or rng.random() < 0.5)
    online = "online" in item.channels and rng.random() < 0.35
    if enterprise:
        filer = users["enterprise"] if online else users["clerk"]
        id_type, number = "uscc", filer.verified_id_number if online else _enterprise_id(rng.randint(1, 400))
        name = f"东莞市{_name(rng)}贸易有限公司"
    else:
        resident = rng.randint(1, RESIDENTS)
        filer = users[f"resident-{resident:02d}"] if online else users[f"clerk{rng.choice(['', '02', '03'])}"]
        id_type, number = "resident_id", _resident_id(resident if online else rng.randint(100, 4000))
        name = _name(rng)
    submission = services.Submission(
        item=item.code,
        answers=answers,
        channel="online" if online else "window",
        materials={} if online else {m.code: "received" for m in result.materials},
        applicant=services.Applicant(
            name=name, id_type=id_type, id_number=number, phone=f"138{rng.randint(0, 10**8 - 1):08d}"
        ),
    )
    try:
        with clock.at(moments.next()):
            case, _created = services.submit_case(filer, submission)
    except REFUSED_STEPS:
        made["refused_filings"] += 1
        return None
    made["cases"] += 1
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


def _file_bundle(rng, bundles, users, day, moments, made) -> list[Plan]:
    """A "one thing" application at the window, accepted at once; a plan for each of its items."""
    from onewindow.cases import bundle_services, services
    from onewindow.catalog.bundles import merged_questions, resolve_bundle
    from onewindow.catalog.selectors import bundle_items, bundle_parts

    bundle = rng.choice(bundles)
    parts = bundle_parts(bundle, bundle_items(bundle))
    answers = _answers(rng, merged_questions(parts))
    asked = [m.code for m in resolve_bundle(parts, answers).materials if m.asked]
    if bundle.life_event is not None and bundle.life_event.audience == "enterprise":
        name, id_type = f"东莞市{_name(rng)}科技有限公司", "uscc"
        number = _enterprise_id(rng.randint(401, 800))
    else:
        name, id_type, number = _name(rng), "resident_id", _resident_id(rng.randint(100, 4000))
    applicant = services.Applicant(name, id_type, number, phone=f"139{rng.randint(0, 10**8 - 1):08d}")
    clerk = users[f"clerk{rng.choice(['', '02', '03'])}"]
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


def advance_case(rng, plan, users, day, later_days, moments, made, rectifications) -> bool:
    """One step of the case's plan on `day`; False once nothing more will happen to it."""
    from onewindow.cases import services
    from onewindow.cases.models import Case

    case = Case.objects.select_related("item", "department").get(pk=plan.case_id)
    trait = TRAITS.get(case.department.code, USUAL)
    reviewer = users.get(f"reviewer-{case.department.code}")
    clerk = users["clerk"]
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
        return _deliver_bundle(rng, plan, clerk, trait, moments, made, rectifications, later)
    missing = {m.code: "received" for m in case.materials.all() if m.required and m.status == "missing"}
    if status == "submitted":
        if plan.supplement and "supplement" not in plan.done:
            plan.done.add("supplement")
            code = next(iter(missing), None) or case.materials.first().code
            ok = act(clerk, "request_supplement", note="请补正材料", supplement=[code])
            later(rng.randint(1, 4))
            return ok
        if plan.refuse:
            act(clerk, "refuse", note="不符合受理条件")
            return False
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
            ok = act(reviewer, "suspend", note="专家评审", suspension_kind="expert_review")
            later(rng.randint(2, 5))
            return ok
        if "suspend" in plan.done and "resume" not in plan.done:
            plan.done.add("resume")
            ok = act(reviewer, "resume", note="评审完成")
            later(0)
            return ok
        if plan.extend and "extend" not in plan.done:
            plan.done.add("extend")
            act(users["supervisor"], "extend", note="情况复杂，依法延长")
        if plan.steps_left > 1:
            plan.steps_left -= 1
            ok = act(reviewer, "review", note="审核通过")
            later(plan.pace)
            return ok
        ok = act(reviewer, "deny" if plan.deny else "approve", note="不符合条件" if plan.deny else "")
        later(rng.uniform(0, 2))
        return ok
    if status in ("approved", "denied"):
        method = rng.choice(["window", "window", "electronic", "post"])
        ok = act(
            clerk,
            "deliver",
            delivery_method=method,
            tracking_number="SF" + str(rng.randint(10**9, 10**10)) if method == "post" else "",
        )
        if ok and rng.random() < trait.rated:
            _rate(rng, plan.case_id, trait, moments, made, rectifications)
        return False
    return False


def _deliver_bundle(rng, plan, clerk, trait, moments, made, rectifications, later) -> bool:
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
            _rate(rng, child_id, trait, moments, made, rectifications)
    return False


def _rate(rng, case_id, trait, moments, made, rectifications) -> None:
    from onewindow.cases.models import Case
    from onewindow.evaluation import services as evaluation

    case = Case.objects.select_related("department", "applicant_user").get(pk=case_id)
    level = rng.choice([4, 5, 5]) if rng.random() < trait.satisfied else rng.choice([1, 2, 3])
    data = evaluation.RatingInput(
        level=level,
        channel=rng.choice(["qr", "pc", "mobile", "sms"]),
        text=""
        if level >= 3
        else rng.choice(["等待时间太长", "材料要求说明不清", "窗口态度一般", "办理太慢"]),
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


def _work_on_rectifications(rng, rectifications, users, moments, made) -> None:
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
        note = {"verify": "情况属实", "fix": "已整改", "reply": "已向评价人说明整改情况"}.get(
            rectification.stage, ""
        )
        try:
            with clock.at(moments.next()):
                evaluation.advance(worker, rectification_id, note, satisfied=rng.random() < 0.8)
        except REFUSED_STEPS:
            made["skipped_rectification_steps"] += 1
            rectifications.remove(rectification_id)
            continue
        made["rectification_steps"] += 1


DEMO_SEED, DEMO_WEEKS, DEMO_CASES_PER_DAY = 2026, 13, 16


def ensure_history(weeks: int = DEMO_WEEKS):
    """Build the demo's history once per database; the DemoHistory row it leaves, or None when it
    was there already (or `weeks` is 0)."""
    from .models import DemoHistory

    if weeks <= 0 or DemoHistory.objects.exists():
        return None
    until = clock.today()
    made = build_history(seed=DEMO_SEED, weeks=weeks, per_day=DEMO_CASES_PER_DAY, until=until)
    return DemoHistory.objects.create(
        seed=DEMO_SEED,
        first_day=until - dt.timedelta(weeks=weeks),
        last_day=until - dt.timedelta(days=1),
        cases=made["cases"],
        ratings=made["ratings"],
        seconds=made["seconds"],
    )
