"""The situation rules are pure: tested without the database."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.catalog.rules import (
    AnswersError,
    ConditionalPart,
    ItemRules,
    LimitRule,
    QuestionSpec,
    answer_errors,
    applicable_questions,
    condition_errors,
    item_rule_errors,
    next_question,
    override_errors,
    resolve,
)

QUESTIONS = {"route": ("talent", "family", "property"), "relation": ("spouse", "parent")}

RETIREMENT = ItemRules(
    questions=(
        QuestionSpec("insured_as", ("employee", "flexible")),
        QuestionSpec("retire_type", ("normal", "special_job", "illness")),
        QuestionSpec("special_years", ("ten", "more"), when={"q": "retire_type", "is": "special_job"}),
    ),
    materials=(
        ConditionalPart("id_card"),
        ConditionalPart("household_register", {"q": "insured_as", "is": "flexible"}),
        ConditionalPart("personnel_file", {"q": "insured_as", "is": "employee"}),
        ConditionalPart("special_job_proof", {"q": "retire_type", "is": "special_job"}),
        ConditionalPart("extra_proof", {"q": "special_years", "is": "ten"}),
        ConditionalPart("not_special", {"not": {"q": "special_years", "in": ["ten", "more"]}}),
    ),
    steps=(
        ConditionalPart("accept"),
        ConditionalPart("publicity", {"q": "retire_type", "in": ["special_job", "illness"]}),
    ),
    limit_rules=(
        LimitRule(
            {"all": [{"q": "insured_as", "is": "employee"}, {"q": "retire_type", "is": "normal"}]},
            {"promised_days": 2},
        ),
        LimitRule(
            {"any": [{"q": "retire_type", "is": "special_job"}, {"q": "retire_type", "is": "illness"}]},
            {"promised_days": 20, "max_visits": 2},
        ),
    ),
    limits={"legal_days": 30, "promised_days": 10, "max_visits": 1, "immediate": False, "fee": 0},
)


# --- condition validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition",
    [
        None,
        {"q": "route", "is": "talent"},
        {"q": "route", "in": ["talent", "family"]},
        {"all": [{"q": "route", "is": "family"}, {"q": "relation", "is": "spouse"}]},
        {"any": [{"q": "route", "is": "family"}, {"not": {"q": "relation", "is": "spouse"}}]},
    ],
)
def test_valid_conditions_have_no_errors(condition):
    assert condition_errors(condition, QUESTIONS) == []


@pytest.mark.parametrize(
    ("condition", "path", "words"),
    [
        ({"q": "nope", "is": "x"}, "when.q", "unknown question 'nope'"),
        ({"q": "route", "is": "nope"}, "when.is", "unknown option 'nope'"),
        ({"q": "route", "in": ["talent", "nope"]}, "when.in", "unknown option 'nope'"),
        ({"q": "route", "in": []}, "when.in", "non-empty list"),
        ({"q": "route"}, "when", "unknown condition form"),
        ({"question": "route", "is": "talent"}, "when", "unknown condition form"),
        ({"all": []}, "when.all", "non-empty list"),
        ({"any": "route"}, "when.any", "non-empty list"),
        (
            {"all": [{"q": "route", "is": "talent"}, {"q": "relation", "is": "cousin"}]},
            "when.all[1].is",
            "cousin",
        ),
        ({"not": None}, "when.not", "must be a condition"),
        (["route"], "when", "must be an object"),
        ({"q": "route", "is": True}, "when.is", "unknown option True"),
    ],
)
def test_invalid_conditions_name_the_place(condition, path, words):
    errors = condition_errors(condition, QUESTIONS)
    assert errors, condition
    assert errors[0][0] == path
    assert words in errors[0][1]


def test_a_question_may_only_depend_on_earlier_questions():
    rules = ItemRules(
        questions=(
            QuestionSpec("a", ("x",), when={"q": "b", "is": "y"}),
            QuestionSpec("b", ("y",)),
        )
    )
    assert item_rule_errors(rules) == [("questions[0].when.q", "unknown question 'b' (known here: none)")]


def test_item_rule_errors_find_duplicates_and_bad_overrides():
    rules = ItemRules(
        questions=(QuestionSpec("a", ("x", "x")), QuestionSpec("a", ())),
        materials=(ConditionalPart("m"), ConditionalPart("m", {"q": "a", "is": "z"})),
        limit_rules=(LimitRule({"q": "a", "is": "x"}, {"promised_days": -1, "colour": "red"}),),
    )
    fields = {path for path, _ in item_rule_errors(rules)}
    assert fields == {
        "questions[0].options",
        "questions[1].code",
        "questions[1].options",
        "materials[1].code",
        "materials[1].when.is",
        "rules[0].promised_days",
        "rules[0].colour",
    }


@pytest.mark.parametrize(
    ("overrides", "bad"),
    [
        ({"promised_days": 1.5}, "promised_days"),
        ({"immediate": "yes"}, "immediate"),
        ({"fee": -1}, "fee"),
        ({"max_visits": True}, "max_visits"),
        ({}, None),
    ],
)
def test_override_values_are_typed(overrides, bad):
    errors = override_errors(overrides, "r")
    assert errors
    assert errors[0][0] == (f"r.{bad}" if bad else "r")


def test_legal_days_may_be_cleared_and_fee_may_be_decimal():
    assert override_errors({"legal_days": None, "fee": 12.5, "immediate": True}, "r") == []


# --- evaluation --------------------------------------------------------------------------------


def test_resolve_picks_materials_steps_and_limits():
    result = resolve(RETIREMENT, {"insured_as": "employee", "retire_type": "normal"})
    assert result.materials == ["id_card", "personnel_file", "not_special"]
    assert result.steps == ["accept"]
    assert result.limits["promised_days"] == 2
    assert result.limits["max_visits"] == 1


def test_conditional_question_must_be_answered_when_it_applies():
    with pytest.raises(AnswersError) as failure:
        resolve(RETIREMENT, {"insured_as": "flexible", "retire_type": "special_job"})
    assert failure.value.problems == [("answers.special_years", "this question needs an answer")]
    result = resolve(
        RETIREMENT, {"insured_as": "flexible", "retire_type": "special_job", "special_years": "ten"}
    )
    assert result.materials == ["id_card", "household_register", "special_job_proof", "extra_proof"]
    assert result.steps == ["accept", "publicity"]
    assert result.limits == {**RETIREMENT.limits, "promised_days": 20, "max_visits": 2}


def test_answers_to_questions_that_no_longer_apply_are_dropped():
    result = resolve(RETIREMENT, {"insured_as": "employee", "retire_type": "illness", "special_years": "ten"})
    assert "special_years" not in result.answers
    assert "extra_proof" not in result.materials
    assert "not_special" in result.materials


def test_missing_answers_are_all_named():
    with pytest.raises(AnswersError) as failure:
        resolve(RETIREMENT, {})
    assert [field for field, _ in failure.value.problems] == ["answers.insured_as", "answers.retire_type"]


def test_unknown_codes_are_errors_not_ignored():
    assert answer_errors(RETIREMENT.questions, {"colour": "red", "insured_as": "robot"}) == [
        ("answers.colour", "unknown question 'colour' (questions: insured_as, retire_type, special_years)"),
        ("answers.insured_as", "unknown option 'robot' (options: employee, flexible)"),
    ]
    with pytest.raises(AnswersError):
        resolve(RETIREMENT, {"insured_as": "employee", "retire_type": "normal", "colour": "red"})


def test_applicable_questions_wait_for_the_answer_they_depend_on():
    codes = lambda answers: [q.code for q in applicable_questions(RETIREMENT.questions, answers)]  # noqa: E731
    assert codes({}) == ["insured_as", "retire_type"]
    assert codes({"retire_type": "normal"}) == ["insured_as", "retire_type"]
    assert codes({"retire_type": "special_job"}) == ["insured_as", "retire_type", "special_years"]
    assert next_question(RETIREMENT.questions, {"insured_as": "employee"}).code == "retire_type"
    assert next_question(RETIREMENT.questions, {"insured_as": "employee", "retire_type": "normal"}) is None


def test_an_item_without_questions_gives_its_fixed_list():
    rules = ItemRules(materials=(ConditionalPart("id_card"),), limits={"promised_days": 0})
    assert resolve(rules, {}).materials == ["id_card"]


# --- properties ------------------------------------------------------------------------------


@st.composite
def items_and_answers(draw):
    """A random item whose questions may depend on earlier ones, and a random complete set of answers."""
    count = draw(st.integers(1, 5))
    questions = []
    for index in range(count):
        options = tuple(f"o{k}" for k in range(draw(st.integers(1, 3))))
        when = None
        if questions and draw(st.booleans()):
            earlier = draw(st.sampled_from(questions))
            when = {"q": earlier.code, "is": draw(st.sampled_from(earlier.options))}
        questions.append(QuestionSpec(f"q{index}", options, when))

    def condition():
        question = draw(st.sampled_from(questions))
        simple = {"q": question.code, "in": draw(st.lists(st.sampled_from(question.options), min_size=1))}
        return draw(st.sampled_from([simple, {"not": simple}, {"any": [simple]}, None]))

    materials = tuple(ConditionalPart(f"m{i}", condition()) for i in range(draw(st.integers(0, 6))))
    rules = ItemRules(
        questions=tuple(questions),
        materials=materials,
        limit_rules=(
            LimitRule(condition() or {"q": "q0", "in": list(questions[0].options)}, {"promised_days": 1}),
        ),
        limits={"promised_days": 5},
    )
    answers = {}
    while (question := next_question(rules.questions, answers)) is not None:
        answers[question.code] = draw(st.sampled_from(question.options))
    return rules, answers


@settings(max_examples=300, deadline=None)
@given(items_and_answers())
def test_generated_rules_validate_and_resolve(case):
    rules, answers = case
    assert item_rule_errors(rules) == []
    result = resolve(rules, answers)
    assert set(result.materials) <= {m.code for m in rules.materials}
    assert [m.code for m in rules.materials if m.code in result.materials] == result.materials  # order kept
    assert result.limits["promised_days"] in (1, 5)
    assert resolve(rules, answers) == result  # deterministic


@settings(max_examples=300, deadline=None)
@given(items_and_answers(), st.data())
def test_dropping_any_asked_answer_is_reported(case, data):
    rules, answers = case
    if not answers:
        return
    asked = [q.code for q in applicable_questions(rules.questions, answers)]
    dropped = data.draw(st.sampled_from(asked))
    partial = {k: v for k, v in answers.items() if k != dropped}
    with pytest.raises(AnswersError) as failure:
        resolve(rules, partial)
    assert f"answers.{dropped}" in {field for field, _ in failure.value.problems}
