"""`onewindow bench policies`: a full match of the published policies against every enterprise, and
one enterprise's profile change, on a seeded database (a child process on its own database)."""

from __future__ import annotations

import datetime as dt
import random
import time

from onewindow.core.bench import figures, run_child

INDUSTRIES = ["A0111", "C1311", "C2710", "C3911", "C3912", "C3981", "E4813", "F5123", "G5191", "I6510",
              "I6520", "M7320", "M7511", "C2614", "C3411", "C3562"]  # fmt: skip
TAGS = ["high_tech", "specialised_new", "export", "listed", "sme_innovation", "green_factory"]


def run(db: str | None, enterprises: int, policies: int) -> dict:
    return run_child("policies", ["--enterprises", str(enterprises), "--policies", str(policies)], db)


def random_rule(rng: random.Random) -> dict:
    parts = [
        {
            "field": "industry",
            "op": "under",
            "value": rng.sample(["C", "C39", "C27", "I65", "M", "C3911"], 2),
        },
        {"field": "employees", "op": rng.choice([">=", "<="]), "value": rng.choice([10, 50, 100, 300])},
        {"field": "tax_credit", "op": "at_least", "value": rng.choice("AB")},
    ]
    if rng.random() < 0.5:
        parts.append({"field": "tags", "op": "has", "value": rng.choice(TAGS)})
    if rng.random() < 0.5:
        parts.append({"field": "age", "op": "<=", "value": rng.choice([3, 5, 10])})
    if rng.random() < 0.3:
        parts.append({"any": [{"field": "size", "op": "in", "value": ["micro", "small"]},
                              {"field": "revenue", "op": "<", "value": 5000}]})  # fmt: skip
    return {"all": parts}


def measure(enterprises: int, policies: int) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    from onewindow.core import clock

    from . import eligibility, services
    from .models import EnterpriseProfile, Policy

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(4)
    today = clock.today()
    now = clock.now()
    started = time.perf_counter()
    batch = []
    for n in range(enterprises):
        batch.append(
            EnterpriseProfile(
                uscc=f"91441900MA{n:08d}", name=f"Enterprise {n}", industry=rng.choice(INDUSTRIES),
                region=rng.choice(["441900003", "441900101", "441900120"]),
                size=rng.choice(eligibility.SIZES),
                founded=today - dt.timedelta(days=rng.randint(100, 10950)),
                employees=rng.randint(1, 2000), revenue=rng.uniform(10, 100_000),
                tax_credit=rng.choice("ABMCD"), tags=rng.sample(TAGS, rng.randint(0, 2)), updated_at=now,
            )
        )  # fmt: skip
        if len(batch) == 10_000:
            EnterpriseProfile.objects.bulk_create(batch)
            batch = []
    EnterpriseProfile.objects.bulk_create(batch)
    seeding = time.perf_counter() - started
    for n in range(policies):
        Policy.objects.create(
            code=f"bench-{n}", title=f"Policy {n}", issuer="Bench", valid_from=today - dt.timedelta(days=30),
            benefit="—", how="exempt", rule=random_rule(rng), status="published",
        )  # fmt: skip

    started = time.perf_counter()
    ids, columns = services.load_columns(today)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    matched = sum(int(eligibility.match(p.rule, columns)[0].sum()) for p in services.published(today))
    computed = time.perf_counter() - started
    started = time.perf_counter()
    first = services.match_all(today)
    full = time.perf_counter() - started
    Policy.objects.filter(code="bench-0").update(rule=random_rule(random.Random(99)))  # one policy changed
    started = time.perf_counter()
    again = services.match_all(today)
    rerun = time.perf_counter() - started
    changes = []
    for profile in EnterpriseProfile.objects.order_by("?")[:50]:
        profile.employees = (profile.employees or 0) + 60
        profile.save(update_fields=["employees"])
        started = time.perf_counter()
        services.profile_changed(profile, today)
        changes.append(time.perf_counter() - started)
    return {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "enterprises": len(ids),
        "policies": policies,
        "seeding_seconds": round(seeding, 1),
        "load_columns_seconds": round(loaded, 2),
        "match_all_in_memory_seconds": round(computed, 2),
        "eligible_pairs": matched,
        "near_misses": first.near_misses,
        "first_match_all_seconds": round(full, 2),
        "first_match_rows_written": first.written,
        "rerun_after_one_policy_changed_seconds": round(rerun, 2),
        "rerun_rows_written": again.written,
        "profile_change": figures(changes),
    }
