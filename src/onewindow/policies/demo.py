"""Demo data of the policy library and the proactive services: the 31 demo policies (modelled on
real ones, sources named), a few thousand generated enterprise profiles, the demo enterprise's own
profile assembled from the registers, the life-event triggers, and a citizen whose retirement is near
(so that the daily run has something to offer on the demo's first day)."""

from __future__ import annotations

import datetime as dt
import random
from importlib.resources import files

from django.db import transaction

from onewindow.core import clock
from onewindow.core.demo_users import ensure_user
from onewindow.core.ids import resident_id_check_digit, uscc_check_character
from onewindow.core.models import Role, User

from . import outreach, profiles, retirement, services, transfer
from .models import EnterpriseProfile, Policy, Trigger

GENERATED_PREFIX = "91441900MA9"  # generated enterprises' USCCs start so (Tianjin's: 9112…)
RETIRING_USERNAME = "retiring"
DEMO_ENTERPRISE_NAME = "东莞市新晨科技有限公司"

# GB/T 4754-2017 classes of a manufacturing city, with a weight each.
INDUSTRIES = [
    ("C3911", 8), ("C3969", 4), ("C3831", 4), ("C3874", 3), ("C2451", 5), ("C2110", 4), ("C1810", 5),
    ("C1951", 3), ("C3411", 3), ("C3523", 3), ("C2927", 4), ("C3311", 3), ("C1711", 2), ("C2710", 1),
    ("I6511", 4), ("I6513", 3), ("I6450", 2), ("M7320", 2), ("F5176", 4), ("F5211", 4), ("H6210", 4),
    ("G5430", 2), ("E4813", 2), ("K7010", 1), ("L7212", 2), ("Q8414", 1),
]  # fmt: skip
SIZE_BELOW = (("micro", 10), ("small", 100), ("medium", 300), ("large", 10**9))  # by headcount, simplified
TOWNS = ["441900003", "441900004", "441900101", "441900109", "441900113", "441900118", "441900121"]
TRIGGERS = [
    ("retirement-90", "退休一件事：您将在 90 天内达到法定退休年龄", "retirement", {}, 90,
     "bundle", "retirement"),
    ("newborn-30", "出生一件事：宝宝出生后，一次办好户口、医保和社保卡", "birth", {}, 30,
     "bundle", "newborn"),
    ("food-licence-60", "食品经营许可证将在 60 天内到期：申请延续", "certificate_expiry",
     {"certificate_type": "FOOD_LICENCE"}, 60, "item", "SC-005"),
    ("licence-term-90", "营业期限将在 90 天内届满：办理变更登记", "licence_expiry", {}, 90, "item", "SC-003"),
]  # fmt: skip


def demo_policies_text() -> str:
    return files("onewindow.policies").joinpath("fixtures/demo_policies.yaml").read_text(encoding="utf-8")


def _uscc(body: str) -> str:
    return body + uscc_check_character(body)


def generated_profiles(count: int, seed: int, today: dt.date) -> list[EnterpriseProfile]:
    """`count` believable enterprise profiles of a manufacturing city (a tenth in Tianjin)."""
    rng = random.Random(seed)
    codes, weights = zip(*INDUSTRIES, strict=True)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    found = []
    for n in range(count):
        tianjin = rng.random() < 0.1
        body = ("91120116MA" if tianjin else GENERATED_PREFIX[:-1]) + "".join(rng.choices(alphabet, k=7))
        industry = rng.choices(codes, weights)[0]
        employees = int(rng.lognormvariate(3.2, 1.1))
        size = (
            "micro"
            if employees < 10
            else "small"
            if employees < 100
            else "medium"
            if employees < 300
            else "large"
        )
        revenue = round(employees * rng.lognormvariate(3.0, 0.6), 1)
        tags = [
            tag
            for tag, chance in (
                ("high_tech", 0.12),
                ("tech_sme", 0.15),
                ("specialised_new", 0.05),
                ("little_giant", 0.01),
                ("export", 0.25),
            )  # fmt: skip
            if rng.random() < chance * (2 if industry.startswith(("C39", "C38", "I65")) else 1)
        ]
        founded = today - dt.timedelta(days=int(rng.uniform(60, 25 * 365)))
        found.append(
            EnterpriseProfile(
                uscc=_uscc(body),
                name=f"{'天津' if tianjin else '东莞'}示例企业{n + 1:04d}有限公司",
                industry=industry,
                region="120116" if tianjin else rng.choice(TOWNS),
                size=size,
                founded=founded,
                employees=employees,
                revenue=revenue,
                tax_credit=rng.choices("ABMCD", (30, 40, 20, 7, 3))[0] if rng.random() < 0.9 else "",
                tags=tags,
                certificates=["BUSINESS_LICENCE"] + (["FOOD_LICENCE"] if industry.startswith("H62") else []),
                approved_items=[],
                sources={"*": {"source": "generated for the demo", "at": today.isoformat()}},
                updated_at=clock.now(),
            )
        )
    return found


def retiring_citizen_id(today: dt.date, days_ahead: int = 45) -> str:
    """A man's resident ID whose statutory retirement (gradual reform) falls `days_ahead` days after
    `today`, or the nearest day before it: a citizen the retirement trigger offers the bundle to."""
    target = today + dt.timedelta(days=days_ahead)
    born = dt.date(target.year - 63, 1, 1)
    best = None
    while born <= target - dt.timedelta(days=60 * 365):
        when = retirement.retirement_date("male", born)
        if when <= target and (best is None or when > best[0]):
            best = (when, born)
        born += dt.timedelta(days=1)
    first17 = f"441900{best[1]:%Y%m%d}031"  # the 17th digit odd: a man
    return first17 + resident_id_check_digit(first17)


def _retiring_citizen(today: dt.date) -> None:
    from onewindow.shareddata.demo import load_registers
    from onewindow.shareddata.models import Register, RegisterRecord

    if User.objects.filter(username=RETIRING_USERNAME).exists():
        return
    holder = retiring_citizen_id(today)
    ensure_user(RETIRING_USERNAME, Role.CITIZEN, verified_id=("resident_id", holder))
    User.objects.filter(username=RETIRING_USERNAME).update(first_name="周建国")
    load_registers()
    registers = {r.code: r for r in Register.objects.all()}
    born = retirement.birth_date_from_id(holder)
    for code, values in (
        ("population", {"name": "周建国", "gender": "男", "birth_date": born.isoformat(),
                        "phone": "13800138031"}),
        ("social_insurance", {"insured_as": "employee", "pension_years": 36, "medical_years": 31,
                              "other_province": "none"}),
    ):  # fmt: skip
        RegisterRecord.objects.get_or_create(
            register=registers[code], subject_id=holder, defaults={"values": values}
        )


def _demo_enterprise(today: dt.date) -> None:
    """The demo enterprise's register record says what a register knows (industry, headcount 48:
    two short of the software award's 50); it declares its revenue, tax grade and recognitions."""
    from onewindow.ops.demo import DEMO_ENTERPRISE_ID
    from onewindow.shareddata.demo import load_registers
    from onewindow.shareddata.models import Register, RegisterRecord

    load_registers()
    register = Register.objects.get(code="enterprise")
    record, _created = RegisterRecord.objects.get_or_create(
        register=register,
        subject_id=DEMO_ENTERPRISE_ID,
        defaults={"values": {"name": "东莞市新晨科技有限公司"}},
    )
    record.values = record.values | {
        "industry": "I6511",
        "region": "441900101",
        "founded": "2019-06-18",
        "employees": 48,
        "size": "small",
    }
    record.save(update_fields=["values"])
    at = today.isoformat()
    declared = {
        "revenue": {"value": 1860.0, "at": at},
        "tax_credit": {"value": "A", "at": at},
        "tags": {"value": ["high_tech", "tech_sme"], "at": at},
    }
    earlier = EnterpriseProfile.objects.filter(uscc=DEMO_ENTERPRISE_ID).first()
    profiles.refresh(DEMO_ENTERPRISE_ID, today, None if earlier and earlier.declared else declared)


def load_triggers() -> int:
    made = 0
    for code, name, event, condition, lead, kind, offer in TRIGGERS:
        _trigger, created = Trigger.objects.get_or_create(
            code=code,
            defaults={"name": name, "event": event, "condition": condition, "lead_days": lead,
                      "offer_kind": kind, "offer_code": offer, "channel": "sms"},
        )  # fmt: skip
        made += created
    return made


def load_demo_policies(enterprises: int = 3000, seed: int = 18, today: dt.date | None = None) -> dict:
    """Only into an empty policy table (the triggers and the retiring citizen whenever missing);
    returns what it wrote."""
    today = today or clock.today()
    load_triggers()
    _retiring_citizen(today)
    if Policy.objects.exists():
        return {}
    with transaction.atomic():
        counts = transfer.import_policies(demo_policies_text())
        EnterpriseProfile.objects.bulk_create(generated_profiles(enterprises, seed, today), batch_size=2000)
        _demo_enterprise(today)
        run = services.match_all(today)
    offers = outreach.run_daily(today)
    return {
        "policies": counts["created"],
        "enterprises": run.enterprises,
        "eligible": run.eligible,
        "offers": sum(offers.values()),
    }
