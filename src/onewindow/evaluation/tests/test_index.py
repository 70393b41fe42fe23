"""The index on the demo data, checked against a hand computation, indicator by indicator."""

import datetime as dt
import io

import pytest
from django.test import Client

from onewindow.evaluation import index, selectors, services

pytestmark = pytest.mark.django_db
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))


@pytest.fixture
def gjj_row(cases):
    # GJ-001 was delivered at the window and is rated "dissatisfied"; GJ-002 waits for a supplement.
    services.rate_case(cases["GJ-001"], 1, services.RatingInput(level=2, channel="pc"))
    rows = selectors.index_table("department", *MARCH)
    return next(r for r in rows if r.unit.code == "gjj"), rows


def test_each_indicator_by_hand(gjj_row):
    row, _rows = gjj_row
    found = {s.indicator.code: (s.value, s.score) for g in row.score.groups for s in g.indicators}
    expected = {
        # publicity: no demo item of gjj has every element (legal basis, conditions, limit, phone,
        # place, materials, steps); all five were published 2025-01-01, within the year.
        "catalog_complete": (0 / 5, 0.0),
        "catalog_fresh": (5 / 5, 8.0),
        # progress: one decision, on the day it was accepted, within the one promised day
        "on_time": (1 / 1, 8.0),
        "few_supplements": (1 / 1, 6.0),
        "processing_time": (None, None),  # GJ-001 is done on the spot: no promised days to use
        # online: 4 of 5 items online (target 0.9), both cases filed at the window, no payments recorded
        "items_online": (4 / 5, 8 * (0.8 / 0.9)),
        "filed_online": (0 / 2, 0.0),
        "paid_online": (None, None),
        # digitisation: delivered at the window; three materials, none as files, none shared
        "electronic_results": (0 / 1, 0.0),
        "digitised_dossiers": (0 / 3, 0.0),
        "digitised_results": (0 / 1, 0.0),  # GJ-001's result is no e-certificate
        "shared_data": (0 / 3, 0.0),
        # satisfaction: one bad rating, not yet rectified; no hotline complaint against two cases filed;
        # GJ-002 running, not overdue
        "satisfied": (0 / 1, 0.0),
        "rectified": (0 / 1, 0.0),
        "complaints": (0 / 2, 2.0),
        "overdue": (0 / 1, 4.0),
    }
    assert found.keys() == expected.keys()
    for code, (value, score) in expected.items():
        assert found[code][0] == pytest.approx(value) if value is not None else found[code][0] is None, code
        assert found[code][1] == pytest.approx(score) if score is not None else found[code][1] is None, code
    groups = {g.group.code: g.score for g in row.score.groups}
    assert groups["publicity"] == pytest.approx(8)
    assert groups["progress"] == pytest.approx(20)
    assert groups["online"] == pytest.approx(
        22 * (8 * 0.8 / 0.9) / 16
    )  # paid_online's 6 points go to the others
    assert groups["digitisation"] == pytest.approx(0)
    assert groups["satisfaction"] == pytest.approx(2 + 4)
    assert row.score.total == pytest.approx(8 + 20 + 22 * (8 * 0.8 / 0.9) / 16 + 0 + 6)
    assert row.ratios["come_back"] == 0.0 and row.ratios["online"] == 0.8


def test_scoring_rules():
    indicator = index.Indicator("x", 10, 0.5, "n", "d")
    assert index.indicator_score(indicator, 0.25) == 5
    assert index.indicator_score(indicator, 0.9) == 10
    lower = index.Indicator("y", 4, 0.02, "n", "d", better="lower")
    assert index.indicator_score(lower, 0.01) == 4 and index.indicator_score(lower, 0.04) == 2
    with pytest.raises(ValueError, match="do not add up"):
        index.load(
            "code: x\nname: x\ngroups:\n- {code: a, points: 10, indicators: "
            "[{code: i, points: 9, target: 1, numerator: n, denominator: d}]}"
        )


def test_rankings_change_and_periods(gjj_row):
    _row, rows = gjj_row
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    totals = [r.score.total for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert selectors.period_bounds("2025-02") == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert selectors.previous_bounds(*MARCH) == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert selectors.previous_bounds(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
    )
    assert selectors.previous_bounds(dt.date(2025, 3, 10), dt.date(2025, 3, 19)) == (
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 9),
    )
    regions = selectors.index_table("region", *MARCH)
    assert {r.unit.code for r in regions} >= {"441900", "440000"}


def test_dashboard_drills_down_to_the_cases(gjj_row, users, cases):
    client = Client()
    client.force_login(users["supervisor"])
    page = client.get("/evaluation/index/", {"period": "2025-03"})
    assert page.status_code == 200 and "/evaluation/index/department/gjj/" in page.content.decode()
    unit = client.get("/evaluation/index/department/gjj/", {"period": "2025-03"}).content.decode()
    assert "figure=decided_on_time" in unit
    behind = client.get("/evaluation/index/cases/", {"code": "gjj", "figure": "decided", "period": "2025-03"})
    assert cases["GJ-001"].number in behind.content.decode()
    assert cases["GJ-002"].number not in behind.content.decode()
    xlsx = client.get("/evaluation/index/", {"period": "2025-03", "export": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "rank" and sheet.max_row == 11
    csv_text = client.get("/evaluation/index/", {"period": "2025-03", "export": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[0].startswith("rank,previous_rank,code")
    client.force_login(users["clerk"])
    assert client.get("/evaluation/index/").status_code == 404


def test_index_and_rating_api(api_client, token_for, cases):
    token = services.rating_token(cases["GJ-001"])
    bad = api_client.post("/api/v1/ratings", {"token": token, "level": 7}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "level"
    rated = api_client.post(
        "/api/v1/ratings", {"token": token, "level": 1, "tags": ["slow"]}, content_type="application/json"
    )
    assert rated.status_code == 201 and rated.json()["rectification_opened"] is True
    again = api_client.post("/api/v1/ratings", {"token": token, "level": 5}, content_type="application/json")
    assert again.status_code == 409
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for('supervisor')}"}
    found = api_client.get("/api/v1/index", {"level": "department", "period": "2025-03"}, **headers).json()
    gjj = next(r for r in found["rows"] if r["code"] == "gjj")
    satisfaction = next(g for g in gjj["groups"] if g["code"] == "satisfaction")
    assert next(i for i in satisfaction["indicators"] if i["code"] == "satisfied")["denominator"] == 1
    wrong = api_client.get("/api/v1/index", {"period": "March"}, **headers)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "period"
    citizen = {"HTTP_AUTHORIZATION": f"Bearer {token_for('citizen')}"}
    assert api_client.get("/api/v1/index", {"period": "2025-03"}, **citizen).status_code == 403


def test_absurd_periods_are_refused_with_the_field(api_client, token_for, demo):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for('supervisor')}"}
    for query, field in (
        ({"since": "2026-11-26", "until": "8317-08-11"}, "since"),
        ({"since": "2025-02-01", "until": "2025-01-01"}, "since"),
        ({"period": "2025-13"}, "period"),
        ({"period": "0001"}, "period"),
    ):
        answer = api_client.get("/api/v1/index", query, **headers)
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field, query


def test_the_index_without_a_period_is_the_month_so_far_and_errors_say_it_once(api_client, token_for, today):
    """Issue 21: no period means the current month so far; a bad period's message is not repeated."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for('supervisor')}"}
    today.set(dt.date(2025, 3, 18))
    found = api_client.get("/api/v1/index", {"level": "department"}, **headers)
    assert found.status_code == 200 and (found.json()["since"], found.json()["until"]) == (
        "2025-03-01",
        "2025-03-18",
    )
    wrong = api_client.get("/api/v1/index", {"period": "March"}, **headers).json()["errors"][0]["message"]
    assert wrong == "use YYYY-MM or YYYY, or give since and until"
    half = api_client.get("/api/v1/index", {"since": "2025-03-01"}, **headers).json()["errors"][0]
    assert half["field"] == "until"
    schema = api_client.get("/api/v1/openapi.json").json()
    period = next(p for p in schema["paths"]["/api/v1/index"]["get"]["parameters"] if p["name"] == "period")
    assert "current month" in period["description"]
