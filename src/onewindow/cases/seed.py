"""`onewindow seed --cases N`: realistic synthetic cases for benchmarks, written in bulk (COPY on
PostgreSQL), then the index's daily figures rebuilt from them.

Cases spread over the months before `--until`, across the published items (so departments get
their share), with valid ID numbers, a mix of channels and states, supplement requests,
decisions on time and late, deliveries, and ratings (bad ones partly rectified).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import connection, transaction
from django.utils import timezone

from onewindow.catalog.models import ItemStatus, ServiceItem
from onewindow.core.ids import resident_id_check_digit
from onewindow.evaluation import rollups
from onewindow.evaluation.models import Rating, Rectification

from .models import Case

CHANNELS = ["window"] * 5 + ["online"] * 3 + ["mobile"] * 2
CASE_COLUMNS = (
    "number", "tracking_token", "item_id", "department_id", "channel", "status", "applicant_name",
    "applicant_id_type", "applicant_id_number", "applicant_phone", "applicant_email", "answers",
    "review_steps", "step", "suspended_from", "waiting_for", "submitted_at", "accepted_on", "decided_on",
    "delivered_at", "due_date", "due_date_provisional", "extension_days", "promised_days", "immediate",
    "delivery_method", "pickup_code", "tracking_number", "first_visit_complete", "supplement_requests",
    "working_days_used", "materials_total", "materials_shared", "materials_digitised",
)  # fmt: skip


def _person(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
    first17 = f"441900{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_id_check_digit(first17)


def _case_row(n: int, item, rng: random.Random, submitted_on: dt.date) -> tuple:
    submitted_at = timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(9))) + dt.timedelta(
        minutes=rng.randrange(480)
    )
    channel = rng.choice(CHANNELS)
    fate = rng.random()
    accepted = fate > 0.06
    promised = item.promised_days
    due = (
        submitted_on + dt.timedelta(days=promised + promised // 2 + 2) if accepted else None
    )  # about in working days
    supplements = rng.choice([0] * 7 + [1] * 2 + [2])
    status, decided, delivered, method, used = "accepted", None, None, "", None
    if not accepted:
        status = rng.choice(["submitted", "refused", "supplement_requested"])
    elif fate > 0.2:
        late = rng.random() < 0.03
        decided = (
            due + dt.timedelta(days=rng.randrange(1, 5))
            if late
            else submitted_on
            + dt.timedelta(days=rng.randrange(0, max(1, due.toordinal() - submitted_on.toordinal() + 1)))
        )
        used = max(0, min(promised + 3, (decided - submitted_on).days * 5 // 7))
        status = "denied" if rng.random() < 0.04 else "approved"
        if rng.random() < 0.85:
            delivered = timezone.make_aware(dt.datetime.combine(decided, dt.time(15)))
            method = rng.choice(["window", "electronic", "electronic", "post"])
            status = "delivered"
    elif fate > 0.12:
        status = "in_review"
    materials = rng.randint(2, 8)
    shared = rng.randint(0, materials // 2) if decided else 0
    first_visit = None if status == "submitted" else (supplements == 0 and accepted)
    return (
        f"{item.department.region.code}-{submitted_on:%Y%m%d}-S{n:09d}", secrets.token_urlsafe(12)[:16],
        item.pk, item.department_id, channel, status, f"申请人{n}", "resident_id", _person(rng),
        f"138{rng.randrange(10**8):08d}", "", "{}", "[]", 0, "", "[]", submitted_at,
        submitted_on if accepted else None, decided, delivered,
        due if status not in ("submitted", "refused") else None, False,
        0, promised, item.immediate, method, "", "", first_visit, supplements if accepted else 0, used,
        materials if decided else 0, shared, rng.randint(0, materials - shared) if decided else 0,
    )  # fmt: skip


def seed_cases(count: int, until: dt.date, months: int = 12, seed: int = 1, batch: int = 20_000) -> dict:
    rng = random.Random(seed)
    items = list(ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related("department__region"))
    if not items:
        raise ValueError("load the catalog first (onewindow demo --no-serve)")
    start = until - dt.timedelta(days=30 * months)
    days = (until - start).days + 1
    offset = Case.objects.count()
    made = 0
    while made < count:
        # In the order of their days, as a city's cases are written: a month's cases then lie together
        # in the table, and the index's month recomputation reads that month, not the whole table.
        rows = [
            _case_row(
                offset + made + i,
                rng.choice(items),
                rng,
                start + dt.timedelta(days=(made + i) * days // count),
            )
            for i in range(min(batch, count - made))
        ]
        _insert(Case._meta.db_table, CASE_COLUMNS, rows)
        made += len(rows)
    ratings = _seed_ratings(rng, start)
    rebuilt = rollups.rebuild_all()
    return {
        "cases": made,
        "ratings": ratings,
        "figure_rows": rebuilt,
        "since": start.isoformat(),
        "until": until.isoformat(),
    }


def _insert(table: str, columns, rows) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _seed_ratings(rng: random.Random, start: dt.date) -> int:
    """About a third of the ended cases rated; bad ratings rectified four times in five."""
    ended = Case.objects.filter(
        status__in=["delivered", "denied"], ratings__isnull=True, decided_on__gte=start
    )
    ended = ended.values_list("pk", "department_id", "department__region_id", "decided_on")
    made = 0
    batch: list[Rating] = []
    for pk, department, region, decided in ended.iterator(chunk_size=20_000):
        if rng.random() > 0.35:
            continue
        level = rng.choices([5, 4, 3, 2, 1], weights=[70, 20, 6, 3, 1])[0]
        rated_on = decided + dt.timedelta(days=rng.randrange(3))
        at = timezone.make_aware(dt.datetime.combine(rated_on, dt.time(18)))
        batch.append(
            Rating(
                case_id=pk,
                department_id=department,
                region_id=region,
                level=level,
                channel="mobile",
                rated_at=at,
                rated_on=rated_on,
            )
        )
        if len(batch) >= 20_000:
            made += _save_ratings(batch, rng)
            batch = []
    return made + _save_ratings(batch, rng)


def _save_ratings(batch: list[Rating], rng: random.Random) -> int:
    if not batch:
        return 0
    with transaction.atomic():
        created = Rating.objects.bulk_create(batch)
        rectifications = []
        for r in created:
            if r.level > 2:
                continue
            done = rng.random() < 0.8
            rectifications.append(
                Rectification(
                    rating=r,
                    department_id=r.department_id,
                    opened_at=r.rated_at,
                    stage="closed" if done else "verify",
                    closed_at=r.rated_at if done else None,
                    outcome="rectified" if done else "",
                    due_date=None if done else r.rated_on + dt.timedelta(days=7),
                )
            )
        Rectification.objects.bulk_create(rectifications)
    return len(created)
