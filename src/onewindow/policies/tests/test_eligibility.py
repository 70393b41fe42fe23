"""The pure eligibility rules: validation by place, a reason per condition, near misses, and the
vectorised matcher agreeing with the evaluator on random rules and profiles."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.policies import eligibility as e

TODAY = dt.date(2026, 12, 1)
HIGH_TECH_SMALL = {
    "all": [
        {"field": "industry", "op": "under", "value": ["C39", "I65"]},
        {"field": "employees", "op": ">=", "value": 50},
        {"field": "tags", "op": "has", "value": "high_tech"},
        {"field": "size", "op": "in", "value": ["small", "medium"]},
    ]
}


def test_a_rule_on_a_division_matches_its_classes_and_reasons_are_kept_per_condition():
    firm = e.Profile(industry="C3911", size="small", employees=48, tags=frozenset({"high_tech"}))
    verdict = e.evaluate(HIGH_TECH_SMALL, firm, TODAY)
    assert not verdict.eligible and verdict.near_miss
    assert [(c.rule["field"], c.passed, c.seen) for c in verdict.checks] == [
        ("industry", True, "C3911"),
        ("employees", False, 48),
        ("tags", True, frozenset({"high_tech"})),
        ("size", True, "small"),
    ]
    assert e.evaluate(HIGH_TECH_SMALL, e.Profile(industry="c3911", size="small", employees=50,
                                                 tags=frozenset({"high_tech"})), TODAY).eligible  # fmt: skip


def test_unknown_values_satisfy_no_condition_but_their_negation():
    unknown = e.Profile()
    assert not e.evaluate({"field": "employees", "op": "<", "value": 10}, unknown, TODAY).eligible
    assert e.evaluate(
        {"not": {"field": "tax_credit", "op": "at_least", "value": "B"}}, unknown, TODAY
    ).eligible


@pytest.mark.parametrize(
    ("founded", "age"),
    [(dt.date(2021, 12, 1), 5), (dt.date(2021, 12, 2), 4), (dt.date(2024, 2, 29), 2), (None, None)],
)
def test_age_counts_whole_years_on_the_anniversary(founded, age):
    assert e.age_on(founded, TODAY) == age


def test_tax_grades_are_ordered():
    rule = {"field": "tax_credit", "op": "at_least", "value": "B"}
    assert [e.evaluate(rule, e.Profile(tax_credit=g), TODAY).eligible for g in "ABMCD"] == [1, 1, 0, 0, 0]


@pytest.mark.parametrize(
    ("rule", "place", "message"),
    [
        ([], "rule", "a rule is an object"),
        ({"all": []}, "rule", "non-empty list"),
        ({"all": [{"field": "staff", "op": ">=", "value": 1}]}, "rule.all[0].field", "unknown field 'staff'"),
        ({"not": {"field": "size", "op": ">=", "value": 1}}, "rule.not.op", "size takes in"),
        ({"field": "employees", "op": ">=", "value": "50"}, "rule.value", "a number"),
        ({"field": "tax_credit", "op": "at_least", "value": "AA"}, "rule.value", "one of A, B, M, C, D"),
        ({"field": "industry", "op": "under", "value": "C13"}, "rule.value", "list of codes"),
        ({"field": "size", "op": "in", "value": ["huge"]}, "rule.value", "micro, small"),
        ({"field": "tags", "op": "has"}, "rule", "exactly"),
    ],
)
def test_bad_rules_are_named_by_place(rule, place, message):
    problems = e.validate(rule)
    assert problems and problems[0][0] == place and message in problems[0][1]


def test_well_formed_rules_pass_validation():
    assert e.validate(HIGH_TECH_SMALL) == []


codes = st.sampled_from(["", "C", "C13", "C1311", "C3911", "I65", "I6510", "A01"])
regions = st.sampled_from(["", "4419", "441900", "441900003", "4401", "440106"])
members = st.sampled_from(
    ["high_tech", "specialised_new", "export", "RESIDENT_ID", "BUSINESS_LICENCE", "SC-001"]
)
profiles = st.builds(
    e.Profile,
    industry=codes,
    region=regions,
    size=st.sampled_from(("", *e.SIZES)),
    founded=st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2026, 12, 1)),
    employees=st.none() | st.integers(0, 2000),
    revenue=st.none() | st.floats(0, 1e6, allow_nan=False),
    tax_credit=st.sampled_from(("", *e.TAX_GRADES)),
    tags=st.frozensets(members, max_size=3),
    certificates=st.frozensets(members, max_size=3),
    approved_items=st.frozensets(members, max_size=2),
)


def condition(field, op, values):
    return st.builds(lambda f, o, v: {"field": f, "op": o, "value": v}, field, op, values)


def conditions():
    number = st.integers(0, 2000) | st.floats(0, 1e6, allow_nan=False)
    prefixes = st.lists(codes.filter(bool) | regions.filter(bool), min_size=1, max_size=3)
    return st.one_of(
        condition(st.sampled_from(["industry", "region"]), st.just("under"), prefixes),
        condition(st.just("size"), st.just("in"), st.lists(st.sampled_from(e.SIZES), min_size=1)),
        condition(st.sampled_from(e.NUMBER_FIELDS), st.sampled_from(e.COMPARISONS), number),
        condition(st.just("tax_credit"), st.just("at_least"), st.sampled_from(e.TAX_GRADES)),
        condition(st.sampled_from(e.SET_FIELDS), st.just("has"), members),
    )


rules = st.recursive(
    conditions(),
    lambda inner: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(inner, min_size=1, max_size=4)),
        st.builds(lambda parts: {"any": parts}, st.lists(inner, min_size=1, max_size=4)),
        st.builds(lambda part: {"not": part}, inner),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(rules, st.lists(profiles, min_size=1, max_size=30), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))
def test_the_vectorised_matcher_agrees_with_the_evaluator(rule, firms, today):
    assert e.validate(rule) == []
    verdicts = [e.evaluate(rule, firm, today) for firm in firms]
    columns = e.Columns.of(firms, today)
    assert e.mask(rule, columns).tolist() == [v.eligible for v in verdicts]
    eligible, near = e.match(rule, columns)
    assert eligible.tolist() == [v.eligible for v in verdicts]
    assert near.tolist() == [v.parts.index(False) if v.near_miss else -1 for v in verdicts]


def test_matching_is_vectorised_over_many_enterprises():
    firms = [e.Profile(industry="C3911", employees=n % 100, size="small") for n in range(10_000)]
    rule = {
        "all": [
            {"field": "industry", "op": "under", "value": ["C39"]},
            {"field": "employees", "op": ">=", "value": 50},
        ]
    }
    result = e.mask(rule, e.Columns.of(firms, TODAY))
    assert isinstance(result, np.ndarray) and result.sum() == 5_000


def test_each_condition_is_explained_in_plain_words():
    from django.utils import translation

    firm = e.Profile(
        industry="C3911", size="small", employees=48, tags=frozenset({"high_tech"}), tax_credit="M"
    )
    rule = {"all": [*HIGH_TECH_SMALL["all"], {"field": "tax_credit", "op": "at_least", "value": "B"},
                    {"field": "revenue", "op": "<=", "value": 100}]}  # fmt: skip
    with translation.override("en"):
        words = [e.explain(check) for check in e.evaluate(rule, firm, TODAY).checks]
    assert words == [
        "your industry C3911 is one of C39, I65",
        "your headcount 48 is below the required 50",
        "you are recognised as high_tech",
        "your size class small is one of small, medium",
        "your tax credit grade M is below the required B",
        "your revenue (10,000 yuan) is not known: declare it in your profile",
    ]
