"""Matching on the database: all policies against all profiles keeps exactly the pairs the evaluator
finds eligible; a re-run writes only what changed; a profile change reports the newly matched."""

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.policies import eligibility, services
from onewindow.policies.models import EnterpriseProfile, Match, Policy

pytestmark = pytest.mark.django_db

RULE = {
    "all": [
        {"field": "industry", "op": "under", "value": ["C39"]},
        {"field": "employees", "op": ">=", "value": 50},
        {"field": "tags", "op": "has", "value": "high_tech"},
    ]
}


def profile(n, **values):
    return EnterpriseProfile.objects.create(
        uscc=f"91441900MA{n:08d}", name=f"E{n}", updated_at=clock.now(), **values
    )


def test_all_against_all_then_one_profile_change(today):
    Policy.objects.create(code="p1", title="p1", issuer="x", valid_from=dt.date(2025, 1, 1), benefit="b",
                          how="exempt", rule=RULE, status="published")  # fmt: skip
    Policy.objects.create(code="draft", title="d", issuer="x", valid_from=dt.date(2025, 1, 1), benefit="b",
                          how="exempt", rule={"field": "employees", "op": ">=", "value": 0})  # fmt: skip
    firms = [
        profile(1, industry="C3911", employees=60, tags=["high_tech"]),
        profile(2, industry="C3911", employees=48, tags=["high_tech"]),  # near miss: headcount
        profile(3, industry="I6510", employees=500, tags=[]),
    ]
    run = services.match_all()
    assert (run.policies, run.enterprises, run.eligible, run.near_misses) == (1, 3, 1, 1)
    expected = {f.pk for f in firms if eligibility.evaluate(RULE, f.as_profile(), clock.today()).eligible}
    assert set(Match.objects.values_list("profile_id", flat=True)) == expected == {firms[0].pk}
    assert services.match_all().written == 0

    firms[1].employees = 52
    firms[1].save()
    assert [p.code for p in services.profile_changed(firms[1])] == ["p1"]
    assert services.profile_changed(firms[1]) == []  # told once
    assert Match.objects.count() == 2


def test_set_fields_read_from_the_database_match_whole_codes_only(today):
    Policy.objects.create(code="tag", title="t", issuer="x", valid_from=dt.date(2025, 1, 1), benefit="b",
                          how="exempt", rule={"field": "tags", "op": "has", "value": "high_tech"},
                          status="published")  # fmt: skip
    Policy.objects.create(code="cjk", title="t", issuer="x", valid_from=dt.date(2025, 1, 1), benefit="b",
                          how="exempt", rule={"field": "tags", "op": "has", "value": "专精特新"},
                          status="published")  # fmt: skip
    firms = [
        profile(1, tags=["high_tech"]),
        profile(2, tags=["high_tech_candidate", "export"]),
        profile(3, tags=["专精特新"]),
        profile(4, tags=[]),
    ]
    services.match_all()
    found = set(Match.objects.values_list("policy__code", "profile__name"))
    assert found == {("tag", firms[0].name), ("cjk", firms[2].name)}
