"""The demo's history: written through the real services, the same for the same seed."""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count, F, Q

from onewindow.cases.models import BundleCase, Case, CaseEvent
from onewindow.core import clock
from onewindow.evaluation import rollups
from onewindow.evaluation.models import Rating
from onewindow.ops.history import build_history

pytestmark = pytest.mark.django_db
UNTIL = dt.date(2025, 6, 30)


def history_counts(seed: int) -> Counter:
    """Build two weeks of history inside a transaction that is rolled back; what it made."""
    with transaction.atomic():
        made = build_history(seed=seed, weeks=3, per_day=12, until=UNTIL)
        made.pop("seconds")
        made["events"] = CaseEvent.objects.count()
        made["statuses"] = tuple(sorted(Case.objects.values_list("status").annotate(n=Count("id"))))
        made["late"] = Case.objects.filter(decided_on__gt=F("due_date")).count()
        made["stored_equals_raw"] = rollups.stored_daily_figures(
            dt.date(2025, 1, 1), UNTIL
        ) == rollups.raw_daily_figures(dt.date(2025, 1, 1), UNTIL)
        transaction.set_rollback(True)
    return made


def test_the_same_seed_gives_the_same_history_through_the_services(demo):
    first, second = history_counts(7), history_counts(7)
    assert first == second
    assert first["bundle_cases"] >= 3 and first["bundle_deliveries"] >= 2
    assert first["cases"] > 100 and first["accept"] > 80 and first["deliver"] > 50 and first["ratings"] > 10
    assert first["stored_equals_raw"]  # the index's running totals equal a recomputation
    assert history_counts(8) != first


def test_the_history_tells_a_story_of_departments(demo):
    with transaction.atomic():
        build_history(seed=2026, weeks=6, per_day=16, until=UNTIL)
        decided = Case.objects.filter(decided_on__isnull=False).values("department__code")
        late = {
            row["department__code"]: row["late"] / row["n"]
            for row in decided.annotate(
                n=Count("id"), late=Count("id", filter=Q(decided_on__gt=F("due_date")))
            )
        }
        assert late["ga"] > 0.08 and late["gjj"] == 0  # public security is often late, the fund never
        levels = {
            code: sum(Rating.objects.filter(department__code=code).values_list("level", flat=True))
            / max(1, Rating.objects.filter(department__code=code).count())
            for code in ("ga", "gjj")
        }
        assert levels["gjj"] > levels["ga"]
        assert CaseEvent.objects.filter(action="apology").exists()
        assert Case.objects.filter(first_visit_complete=False).exists()  # come-backs
        first_day = Case.objects.order_by("submitted_at").first().submitted_at.date()
        assert first_day >= UNTIL - dt.timedelta(weeks=6)
        delivered_bundles = BundleCase.objects.filter(delivered_at__isnull=False)
        assert delivered_bundles.count() > 3
        for parent in delivered_bundles:  # one delivery for the whole application
            delivered = parent.children.filter(status="delivered")
            assert {child.delivered_at for child in delivered} == {parent.delivered_at}
        transaction.set_rollback(True)


def test_the_clock_can_be_set_for_a_block():
    moment = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)
    with clock.at(moment):
        assert clock.now() == moment and clock.today() == dt.date(2025, 3, 3)
    assert clock.now() != moment


def test_a_province_writes_its_own_history_through_its_one_stop_sections(demo):
    from onewindow.ops.demo import load_region_catalog
    from onewindow.ops.history import QUANG_NAM
    from onewindow.payments.models import Payment

    load_region_catalog("quang-nam")
    with transaction.atomic():
        made = build_history(seed=5, weeks=3, per_day=14, until=UNTIL, profile=QUANG_NAM)
        cases = Case.objects.select_related("department__region", "receiving_department", "taken_by")
        assert made["cases"] > 100 and made["deliver"] > 40 and made["fees_paid"] > 5
        assert {c.department.calendar for c in cases} == {"VN"}  # the centre's procedures are not filed
        at_wards = cases.filter(receiving_department__isnull=False)
        assert at_wards.exists() and {c.department.code for c in at_wards} <= {
            "hoian-tuphap",
            "hoian-tckh",
            "hoian-qldt",
        }
        # Each case went through the one-stop section that received it.
        for case in at_wards.filter(status="delivered")[:20]:
            accepted = case.events.get(action="accept").actor.username
            assert accepted == f"clerk-{case.receiving_department.region.code.lower()}"
        window = cases.filter(taken_by__isnull=False).first()
        assert window.applicant_id_type == "vn_citizen_id" and " " in window.applicant_name
        assert Payment.objects.filter(status="paid", currency="VND").count() == made["fees_paid"]
        # Most window cases' papers are scanned: signed digital copies counted at the decision.
        assert made["scans"] > 100 and made["refused_scans"] == 0
        assert sum(cases.values_list("materials_digitised", flat=True)) > 50
        transaction.set_rollback(True)
