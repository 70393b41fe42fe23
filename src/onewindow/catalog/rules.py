"""Situation rules: which questions apply, which materials and steps, which time limits.

Pure functions over plain data (no ORM), shared by the API, the guide pages, the admin and the
catalog import.

A condition is JSON:
    {"q": "<question>", "is": "<option>"}
    {"q": "<question>", "in": ["<option>", ...]}
    {"all": [<condition>, ...]}   {"any": [<condition>, ...]}   {"not": <condition>}
`null` means "always". A question that does not apply (its own condition is false) has no answer,
so `is` and `in` over it are false.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Condition = Mapping[str, Any] | None

OVERRIDABLE_LIMITS = ("legal_days", "promised_days", "max_visits", "immediate", "fee")


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    options: tuple[str, ...]
    when: Condition = None


@dataclass(frozen=True)
class ConditionalPart:
    """A material or process step: included when its condition holds."""

    code: str
    when: Condition = None


@dataclass(frozen=True)
class LimitRule:
    when: Condition
    overrides: Mapping[str, Any]


@dataclass(frozen=True)
class ItemRules:
    questions: tuple[QuestionSpec, ...] = ()
    materials: tuple[ConditionalPart, ...] = ()
    steps: tuple[ConditionalPart, ...] = ()
    limit_rules: tuple[LimitRule, ...] = ()
    limits: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolution:
    answers: dict[str, str]
    materials: list[str]
    steps: list[str]
    limits: dict[str, Any]


class AnswersError(Exception):
    """The answers cannot be resolved; `problems` are (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))


class _Undecided(Exception):
    """A condition refers to a question that applies but has no answer yet."""


# --- validation of conditions (admin, import) --------------------------------------------------

_FORMS = ({"q", "is"}, {"q", "in"}, {"all"}, {"any"}, {"not"})


def condition_errors(
    condition: Any, questions: Mapping[str, Sequence[str]], path: str = "when"
) -> list[tuple[str, str]]:
    """Problems with a condition, as (path, message) pairs; `questions` maps code → option codes."""
    if condition is None:
        return []
    if not isinstance(condition, Mapping):
        return [(path, 'a condition must be an object such as {"q": "question", "is": "option"}')]
    keys = set(condition)
    if keys not in _FORMS:
        return [(path, f"unknown condition form {sorted(keys)}; use q+is, q+in, all, any or not")]
    if keys == {"not"}:
        if condition["not"] is None:
            return [(f"{path}.not", "must be a condition")]
        return condition_errors(condition["not"], questions, f"{path}.not")
    if keys in ({"all"}, {"any"}):
        (combinator,) = keys
        parts = condition[combinator]
        if not isinstance(parts, list) or not parts:
            return [(f"{path}.{combinator}", "must be a non-empty list of conditions")]
        errors = []
        for index, part in enumerate(parts):
            if part is None:
                errors.append((f"{path}.{combinator}[{index}]", "must be a condition"))
            else:
                errors += condition_errors(part, questions, f"{path}.{combinator}[{index}]")
        return errors
    question = condition["q"]
    if not isinstance(question, str) or question not in questions:
        known = ", ".join(questions) or "none"
        return [(f"{path}.q", f"unknown question {question!r} (known here: {known})")]
    wanted = [condition["is"]] if "is" in condition else condition["in"]
    if "in" in condition and (not isinstance(wanted, list) or not wanted):
        return [(f"{path}.in", "must be a non-empty list of option codes")]
    options = questions[question]
    return [
        (
            f"{path}.{'is' if 'is' in condition else 'in'}",
            f"unknown option {option!r} of question {question!r} (options: {', '.join(options)})",
        )
        for option in wanted
        if not isinstance(option, str) or option not in options
    ]


def item_rule_errors(rules: ItemRules) -> list[tuple[str, str]]:
    """Every reference in an item's rules checked; questions may only depend on earlier questions."""
    errors: list[tuple[str, str]] = []
    seen: dict[str, tuple[str, ...]] = {}
    for index, question in enumerate(rules.questions):
        if question.code in seen:
            errors.append((f"questions[{index}].code", f"duplicate question code {question.code!r}"))
        if not question.options:
            errors.append((f"questions[{index}].options", "a question needs at least one option"))
        if len(set(question.options)) != len(question.options):
            errors.append((f"questions[{index}].options", "duplicate option codes"))
        errors += condition_errors(question.when, seen, f"questions[{index}].when")
        seen.setdefault(question.code, question.options)
    for kind, parts in (("materials", rules.materials), ("steps", rules.steps)):
        codes = set()
        for index, part in enumerate(parts):
            if part.code in codes:
                errors.append((f"{kind}[{index}].code", f"duplicate code {part.code!r}"))
            codes.add(part.code)
            errors += condition_errors(part.when, seen, f"{kind}[{index}].when")
    for index, rule in enumerate(rules.limit_rules):
        errors += condition_errors(rule.when, seen, f"rules[{index}].when")
        errors += override_errors(rule.overrides, f"rules[{index}]")
    return errors


def override_errors(overrides: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(overrides, Mapping) or not overrides:
        return [(path, f"must change at least one of {', '.join(OVERRIDABLE_LIMITS)}")]
    errors = []
    for name, value in overrides.items():
        if name not in OVERRIDABLE_LIMITS:
            errors.append(
                (f"{path}.{name}", f"cannot be changed by a rule; use one of {', '.join(OVERRIDABLE_LIMITS)}")
            )
        elif name == "immediate":
            if not isinstance(value, bool):
                errors.append((f"{path}.{name}", "must be true or false"))
        elif name == "fee":
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                errors.append((f"{path}.{name}", "must be an amount, 0 or more"))
        elif name == "legal_days" and value is None:
            continue
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append((f"{path}.{name}", "must be a whole number, 0 or more"))
    return errors


# --- evaluation -------------------------------------------------------------------------------


def _holds(condition: Condition, answers: Mapping[str, str], not_applicable: set[str]) -> bool:
    if condition is None:
        return True
    if "all" in condition:
        return all(_holds(part, answers, not_applicable) for part in condition["all"])
    if "any" in condition:
        return any(_holds(part, answers, not_applicable) for part in condition["any"])
    if "not" in condition:
        return not _holds(condition["not"], answers, not_applicable)
    question = condition["q"]
    if question in answers:
        answer = answers[question]
        return answer == condition["is"] if "is" in condition else answer in condition["in"]
    if question in not_applicable:
        return False
    raise _Undecided(question)


def applicable_questions(questions: Sequence[QuestionSpec], answers: Mapping[str, str]) -> list[QuestionSpec]:
    """The questions to ask, in order, given the answers so far.

    Stops at the first question whose applicability depends on an answer not given yet: the guide asks
    questions in order, so what follows is decided once that answer comes.
    """
    given: dict[str, str] = {}
    not_applicable: set[str] = set()
    result = []
    for question in questions:
        try:
            applies = _holds(question.when, given, not_applicable)
        except _Undecided:
            break
        if applies:
            result.append(question)
            if question.code in answers:
                given[question.code] = answers[question.code]
        else:
            not_applicable.add(question.code)
    return result


def answer_errors(questions: Sequence[QuestionSpec], answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Unknown question codes and unknown option codes (never silently ignored)."""
    by_code = {q.code: q for q in questions}
    errors = []
    for code, option in answers.items():
        question = by_code.get(code)
        if question is None:
            errors.append(
                (f"answers.{code}", f"unknown question {code!r} (questions: {', '.join(by_code) or 'none'})")
            )
        elif not isinstance(option, str) or option not in question.options:
            errors.append(
                (f"answers.{code}", f"unknown option {option!r} (options: {', '.join(question.options)})")
            )
    return errors


def next_question(questions: Sequence[QuestionSpec], answers: Mapping[str, str]) -> QuestionSpec | None:
    """The first applicable question without an answer, or None when the answers are complete."""
    for question in applicable_questions(questions, answers):
        if question.code not in answers:
            return question
    return None


def resolve(rules: ItemRules, answers: Mapping[str, Any]) -> Resolution:
    """The materials, steps and limits that fit the answers; AnswersError when answers are bad or missing."""
    errors = answer_errors(rules.questions, answers)
    if errors:
        raise AnswersError(errors)
    applicable = applicable_questions(rules.questions, answers)
    asked = {q.code for q in applicable}
    missing = [q.code for q in applicable if q.code not in answers]
    if missing:
        raise AnswersError([(f"answers.{code}", "this question needs an answer") for code in missing])
    kept = {code: answers[code] for code in asked}
    not_applicable = {q.code for q in rules.questions} - asked
    materials = [m.code for m in rules.materials if _holds(m.when, kept, not_applicable)]
    steps = [s.code for s in rules.steps if _holds(s.when, kept, not_applicable)]
    limits = dict(rules.limits)
    for rule in rules.limit_rules:
        if _holds(rule.when, kept, not_applicable):
            limits.update(rule.overrides)
    return Resolution(answers=kept, materials=materials, steps=steps, limits=limits)
