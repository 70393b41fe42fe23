"""Decision 766 from province to commune: the province, its districts and its communes each ranked
within their tier, its departments among themselves, every group filled by the province's history,
and the table in the national portal's layout."""

import csv
import datetime as dt
import io

import pytest
from django.db import transaction
from django.test import Client

from onewindow.catalog.models import Region
from onewindow.core import clock
from onewindow.core.models import User
from onewindow.evaluation import selectors
from onewindow.evaluation.index_views import national_class
from onewindow.ops.demo import load_region_catalog
from onewindow.ops.history import QUANG_NAM, build_history

pytestmark = pytest.mark.django_db
UNTIL = dt.date(2025, 6, 30)
SINCE = dt.date(2025, 6, 1)


@pytest.fixture
def province_history(demo):
    load_region_catalog("quang-nam")
    with transaction.atomic():
        build_history(seed=11, weeks=5, per_day=12, until=UNTIL, profile=QUANG_NAM)
        yield
        transaction.set_rollback(True)


def _groups_filled(row) -> bool:
    return all(group.score is not None for group in row.score.groups)


def test_the_province_ranks_from_province_to_commune(province_history):
    # One history for the three checks: it takes most of the time.
    _localities_rank_within_their_tier_and_the_active_ones_fill_every_group()
    _the_province_departments_rank_among_themselves()
    _the_national_layout_export()
    _productivity_against_the_area_targets()


def _localities_rank_within_their_tier_and_the_active_ones_fill_every_group():
    rows = selectors.index_table("region", SINCE, UNTIL, within="VN49")
    by_code = {r.unit.code: r for r in rows}
    assert all(code.startswith("VN49") for code in by_code)  # the Chinese centre is not in the area
    assert (by_code["VN49"].unit.tier, by_code["VN49-503"].unit.tier, by_code["VN49-50301"].unit.tier) == (
        0,
        1,
        2,
    )
    for tier in (0, 1, 2):
        ranks = [r.rank for r in rows if r.unit.tier == tier]
        assert sorted(ranks) == list(range(1, len(ranks) + 1)), tier
    # Every commune performs the commune procedures and every district the district ones: each fills
    # every group.
    assert {r.unit.code for r in rows if r.unit.tier == 2} >= {"VN49-50301", "VN49-50302", "VN49-51701"}
    assert [r.unit.code for r in rows if not _groups_filled(r)] == []


def _the_province_departments_rank_among_themselves():
    rows = selectors.index_table("department", SINCE, UNTIL, within="VN49")
    assert sorted(r.rank for r in rows) == list(range(1, len(rows) + 1))
    assert len(rows) == 17 and [r.unit.code for r in rows if not _groups_filled(r)] == []
    # Births, marriages, permits and land titles are kept as e-certificates by whoever decided them.
    kept = {r.unit.code: r.figures["results_digitised"] for r in rows}
    assert kept["hoian-minhan"] > 0 and kept["hoian-camchau"] > 0 and kept["hoian-gddt"] == 0
    assert not any(r.unit.code in ("ga", "gjj") for r in rows)


def _the_national_layout_export():
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    answer = client.get("/evaluation/index/", {"since": SINCE, "until": UNTIL, "level": "region",
                                              "within": "VN49", "export": "766"})  # fmt: skip
    assert answer.status_code == 200 and "chi-so-766-region" in answer["Content-Disposition"]
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[0][:4] == ["STT", "Cấp", "Mã đơn vị", "Tên đơn vị"] and table[0][-1] == "Xếp loại"
    rows = {row[2]: row for row in table[1:]}
    assert rows["VN49"][1] == "Tỉnh" and rows["VN49-503"][1] == "Huyện" and rows["VN49-50301"][1] == "Xã"
    assert rows["VN49"][-1] in {"Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"}
    page = client.get(
        "/evaluation/index/", {"level": "region", "within": "VN49", "since": SINCE, "until": UNTIL}
    )
    assert "Phường Minh An" in page.content.decode()


def _productivity_against_the_area_targets():
    from onewindow.hall.demo import load_region_hall_history

    with clock.at(dt.datetime(2025, 6, 28, 12, tzinfo=dt.UTC)):  # the hall's last five working days
        assert load_region_hall_history(Region.objects.get(code="VN49"), days=5) > 100
    rows = {r.unit.code: r for r in selectors.productivity_table(SINCE, UNTIL, within="VN49")}
    island, ward = rows["VN49-51701"].figures, rows["VN49-50301"].figures
    assert (island.area, island.target, ward.target) == ("disadvantaged", 800, 1600)
    # Minh An: its clerk, its People's Committee's and its police's reviewers.
    assert ward.officials == 3 and ward.dossiers > 0
    assert ward.per_official_per_year == pytest.approx(ward.dossiers / 3 * 365 / 30)
    assert ward.processing_minutes is not None and ward.waiting_minutes is not None
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    page = client.get(
        "/evaluation/productivity/", {"within": "VN49", "period": "2025-06"}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert page.status_code == 200 and "Phường Minh An" in page.content.decode()


def test_the_productivity_rules():
    from onewindow.evaluation.productivity import Productivity

    figures = Productivity(
        dossiers=300, officials=2, days=73, area="rural", processing_minutes=31, waiting_minutes=15
    )
    assert figures.per_official_per_year == pytest.approx(750) and figures.share_of_target == pytest.approx(
        0.625
    )
    assert (figures.processing_within_target, figures.waiting_within_target) == (False, True)
    nobody = Productivity(dossiers=5, officials=0, days=30, area="")
    assert (nobody.per_official_per_year, nobody.target, nobody.share_of_target) == (None, None, None)
    assert nobody.processing_within_target is None


def test_the_classes_of_decision_766():
    assert [national_class(v) for v in (95, 90, 89.9, 80, 75, 50, 49.9, None)] == [
        "Xuất sắc", "Xuất sắc", "Tốt", "Tốt", "Khá", "Trung bình", "Yếu", "",
    ]  # fmt: skip
