import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.catalog.bundles import (
    BundlePart,
    bundle_figures,
    merged_questions,
    resolve_bundle,
    situations,
    stages,
    static_dependency_errors,
)
from onewindow.catalog.rules import AnswersError, ConditionalPart, ItemRules, LimitRule, QuestionSpec


def item(materials, days, questions=(), immediate=False, when=None):
    return ItemRules(
        questions=tuple(questions),
        materials=tuple(ConditionalPart(code, (when or {}).get(code)) for code in materials),
        limits={"promised_days": days, "immediate": immediate, "legal_days": None, "max_visits": 1, "fee": 0},
    )


KIND = QuestionSpec("kind", ("employee", "flexible"))
RETIREMENT = [
    BundlePart(
        "pension",
        item(
            ["id_card", "form", "file", "household"],
            10,
            [KIND],
            when={"file": {"q": "kind", "is": "employee"}, "household": {"q": "kind", "is": "flexible"}},
        ),
        result_material="approval",
        shared_data=frozenset({"household"}),
    ),
    BundlePart("medical", item(["id_card", "approval", "medical_form"], 5, [KIND])),
    BundlePart("fund", item(["id_card", "approval", "bank_card"], 1)),
]


def test_merge_materials_dependencies_and_time():
    result = resolve_bundle(RETIREMENT, {"kind": "employee"})
    assert result.materials_if_separate == 3 + 3 + 3
    assert [m.code for m in result.materials if m.asked] == [
        "id_card",
        "form",
        "file",
        "medical_form",
        "bank_card",
    ]
    assert result.materials_in_bundle == 5
    approval = next(m for m in result.materials if m.code == "approval")
    assert (approval.provided_by, approval.needed_by, approval.asked) == (
        "pension",
        ("medical", "fund"),
        False,
    )
    assert result.waits_for == {"pension": (), "medical": ("pension",), "fund": ("pension",)}
    assert result.stages == [["pension"], ["medical", "fund"]]
    assert (result.days_if_separate, result.days_in_bundle) == (16, 15)


def test_shared_data_materials_are_not_asked():
    result = resolve_bundle(RETIREMENT, {"kind": "flexible"})
    household = next(m for m in result.materials if m.code == "household")
    assert household.shared_data and not household.asked


def test_a_shared_question_is_asked_once_and_all_answers_are_checked():
    assert [q.code for q in merged_questions(RETIREMENT)] == ["kind"]
    with pytest.raises(AnswersError) as failure:
        resolve_bundle(RETIREMENT, {})
    assert failure.value.problems == [("answers.kind", "this question needs an answer")]
    with pytest.raises(AnswersError):
        resolve_bundle(RETIREMENT, {"kind": "employee", "colour": "red"})


def test_explicit_waits_and_cycles():
    parts = [
        BundlePart("a", item(["x"], 1), result_material="ra"),
        BundlePart("b", item(["ra"], 1), after=("c",)),
        BundlePart("c", item(["y"], 2)),
    ]
    assert stages(resolve_bundle(parts, {}).waits_for) == [["a", "c"], ["b"]]
    cyclic = [
        BundlePart("a", item(["rb"], 1), result_material="ra"),
        BundlePart("b", item(["ra"], 1), result_material="rb"),
    ]
    assert "cycle" in static_dependency_errors(cyclic, {"a": {"rb"}, "b": {"ra"}})[0]
    assert "unknown item 'z'" in static_dependency_errors([BundlePart("a", item([], 1), after=("z",))], {})[0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 15), min_size=1, max_size=7), st.data())
def test_the_bundle_never_takes_longer_than_applying_separately(days, data):
    parts = []
    for index, limit in enumerate(days):
        earlier = [f"i{k}" for k in range(index)]
        after = tuple(data.draw(st.lists(st.sampled_from(earlier), unique=True))) if earlier else ()
        parts.append(BundlePart(f"i{index}", item([f"m{index}"], limit), after=after))
    result = resolve_bundle(parts, {})
    assert max(days) <= result.days_in_bundle <= result.days_if_separate == sum(days)
    position = {code: index for index, stage in enumerate(result.stages) for code in stage}
    assert all(position[w] < position[code] for code, waits in result.waits_for.items() for w in waits)


def test_situations_ask_a_conditional_question_only_where_it_applies():
    questions = [
        QuestionSpec("kind", ("employee", "flexible")),
        QuestionSpec("employer", ("company", "agency"), {"q": "kind", "is": "employee"}),
        QuestionSpec("years", ("enough", "short")),
    ]
    found = situations(questions)
    assert len(found) == (2 + 1) * 2
    assert {"kind": "flexible", "years": "short"} in found
    assert all(("employer" in answers) == (answers["kind"] == "employee") for answers in found)
    with pytest.raises(ValueError, match="more than 5 situations"):
        situations(questions, limit=5)


def test_figures_compare_the_typical_situation_and_find_the_fastest():
    slow_for_flexible = ItemRules(
        questions=(KIND,),
        materials=(ConditionalPart("id_card"),),
        limit_rules=(LimitRule({"q": "kind", "is": "flexible"}, {"promised_days": 1}),),
        limits={"promised_days": 10, "immediate": False, "legal_days": 20, "max_visits": 2, "fee": 0},
    )
    parts = [
        BundlePart("pension", slow_for_flexible, result_material="approval"),
        BundlePart("fund", item(["id_card", "approval"], 3)),
    ]
    figures = bundle_figures(parts, {"kind": "employee"})
    typical = figures.typical
    assert (typical.materials_if_separate, typical.materials_in_bundle) == (3, 1)
    # The fund has no legal limit: it is held to its promise.
    assert (typical.legal_days_if_separate, typical.days_in_bundle) == (20 + 3, 10 + 3)
    assert (figures.fastest_days, figures.situations) == (1 + 3, 2)
    assert (typical.visits_if_separate, typical.visits_in_bundle) == (3, 2)
    assert figures.as_dict()["answers"] == {"kind": "employee"}
    with pytest.raises(AnswersError):
        bundle_figures(parts, {})
