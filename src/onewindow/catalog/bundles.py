""" "One thing" bundles as pure functions: merged questions and materials, dependencies, time.

Items of a bundle share questions by code (asked once) and materials by code (asked once). A
material that another item of the bundle produces as its result is passed on inside the platform;
one the platform gets from shared data is not asked either, nor one the applicant's own e-certificates
cover (`held`, known only once the applicant is). Item B waits for item A when B needs
A's result (or the bundle says so); independent items run in parallel, so the bundle takes the
longest chain of promised days, while applying separately takes them one after another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .rules import AnswersError, ItemRules, QuestionSpec, answer_errors, next_question, resolve


@dataclass(frozen=True)
class BundlePart:
    code: str
    rules: ItemRules
    result_material: str = ""
    after: tuple[str, ...] = ()
    shared_data: frozenset[str] = frozenset()  # material codes the platform obtains itself


@dataclass(frozen=True)
class MergedMaterial:
    code: str
    needed_by: tuple[str, ...]
    provided_by: str = ""  # the bundle item whose result it is
    shared_data: bool = False
    held: bool = False  # one of the applicant's e-certificates stands for it

    @property
    def asked(self) -> bool:
        return not self.provided_by and not self.shared_data and not self.held


@dataclass(frozen=True)
class BundleResolution:
    answers: dict[str, str]
    materials_by_item: dict[str, list[str]]
    limits_by_item: dict[str, dict[str, Any]]
    waits_for: dict[str, tuple[str, ...]]
    stages: list[list[str]]
    materials: list[MergedMaterial] = field(default_factory=list)

    @property
    def materials_if_separate(self) -> int:
        return sum(len(codes) for codes in self.materials_by_item.values())

    @property
    def materials_in_bundle(self) -> int:
        return sum(1 for m in self.materials if m.asked)

    def days(self, code: str) -> int:
        limits = self.limits_by_item[code]
        return 0 if limits["immediate"] else int(limits["promised_days"])

    def legal_days(self, code: str) -> int:
        """The item's legal limit; an item without one is held to its promise."""
        legal = self.limits_by_item[code]["legal_days"]
        return self.days(code) if legal is None else int(legal)

    @property
    def legal_days_if_separate(self) -> int:
        """The legal limits added up: what the law lets the departments take one after another."""
        return sum(self.legal_days(code) for code in self.materials_by_item)

    @property
    def visits_if_separate(self) -> int:
        """Each department's own visits, added up."""
        return sum(int(limits["max_visits"]) for limits in self.limits_by_item.values())

    @property
    def visits_in_bundle(self) -> int:
        """One window takes the application and hands out the results: the most any item needs."""
        return max((int(limits["max_visits"]) for limits in self.limits_by_item.values()), default=0)

    @property
    def days_if_separate(self) -> int:
        """One item after another, as an applicant going from department to department would."""
        return sum(self.days(code) for code in self.materials_by_item)

    @property
    def days_in_bundle(self) -> int:
        """The longest chain of promised days through the dependency graph (parallel elsewhere)."""
        finish: dict[str, int] = {}
        for stage in self.stages:
            for code in stage:
                finish[code] = self.days(code) + max((finish[w] for w in self.waits_for[code]), default=0)
        return max(finish.values(), default=0)


@dataclass(frozen=True)
class BundleFigures:
    """What the bundle saves a typical applicant, and its fastest time over every situation."""

    typical: BundleResolution
    fastest_days: int
    situations: int

    def as_dict(self) -> dict[str, Any]:
        typical = self.typical
        return {
            "answers": typical.answers,
            "materials_if_separate": typical.materials_if_separate,
            "materials_in_bundle": typical.materials_in_bundle,
            "legal_days_if_separate": typical.legal_days_if_separate,
            "days_in_bundle": typical.days_in_bundle,
            "fastest_days_in_bundle": self.fastest_days,
            "visits_if_separate": typical.visits_if_separate,
            "visits_in_bundle": typical.visits_in_bundle,
        }


MAX_SITUATIONS = 5000


def situations(questions: Sequence[QuestionSpec], limit: int = MAX_SITUATIONS) -> list[dict[str, str]]:
    """Every complete set of answers, asking each question only where it applies (ValueError past
    `limit`: a bundle with that many situations needs its fastest time stated, not searched)."""
    found: list[dict[str, str]] = []

    def extend(answers: dict[str, str]) -> None:
        question = next_question(questions, answers)
        if question is None:
            found.append(answers)
            if len(found) > limit:
                raise ValueError(f"more than {limit} situations")
            return
        for option in question.options:
            extend({**answers, question.code: option})

    extend({})
    return found


def bundle_figures(parts: Sequence[BundlePart], typical_answers: Mapping[str, Any]) -> BundleFigures:
    """The figures a bureau reports for a bundle, computed from its items' data: materials and legal
    days if filed separately against the bundle for the typical applicant, and the fastest time."""
    typical = resolve_bundle(parts, typical_answers)
    every = situations(merged_questions(parts))
    fastest = min(resolve_bundle(parts, answers).days_in_bundle for answers in every)
    return BundleFigures(typical, fastest, len(every))


def merged_questions(parts: Sequence[BundlePart]) -> list[QuestionSpec]:
    """Each question once, in the order first met; options are the union over the items."""
    merged: dict[str, QuestionSpec] = {}
    for part in parts:
        for question in part.rules.questions:
            if question.code in merged:
                known = merged[question.code]
                options = known.options + tuple(o for o in question.options if o not in known.options)
                merged[question.code] = QuestionSpec(question.code, options, known.when)
            else:
                merged[question.code] = question
    return list(merged.values())


def stages(waits_for: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Items grouped in the order they can start (topological levels); ValueError on a cycle."""
    remaining = {code: set(waits) for code, waits in waits_for.items()}
    result = []
    while remaining:
        ready = [code for code, waits in remaining.items() if not waits]
        if not ready:
            raise ValueError(f"the items wait for each other in a cycle: {', '.join(sorted(remaining))}")
        result.append(ready)
        for code in ready:
            del remaining[code]
        for waits in remaining.values():
            waits.difference_update(ready)
    return result


def waits_for(
    parts: Sequence[BundlePart], materials_of: Mapping[str, Iterable[str]]
) -> dict[str, tuple[str, ...]]:
    """For each item, the items it waits for: those producing a material it needs, and its `after`."""
    codes = {p.code for p in parts}
    producers = {p.result_material: p.code for p in parts if p.result_material}
    waits = {}
    for part in parts:
        needs = {
            producers[m] for m in materials_of.get(part.code, ()) if producers.get(m, part.code) != part.code
        }
        waits[part.code] = tuple(sorted(needs | {a for a in part.after if a in codes}))
    return waits


def static_dependency_errors(
    parts: Sequence[BundlePart], materials_of: Mapping[str, Iterable[str]]
) -> list[str]:
    """Problems visible without answers: unknown `after` codes and cycles over all possible materials."""
    codes = {p.code for p in parts}
    errors = [f"{p.code} starts after unknown item {a!r}" for p in parts for a in p.after if a not in codes]
    try:
        stages(waits_for(parts, materials_of))
    except ValueError as error:
        errors.append(str(error))
    return errors


def resolve_bundle(
    parts: Sequence[BundlePart], answers: Mapping[str, Any], held: Iterable[str] = ()
) -> BundleResolution:
    """The merged checklist for these answers; AnswersError names every unknown or missing answer.
    `held`: the material codes the applicant's e-certificates stand for."""
    held = frozenset(held)
    problems = answer_errors(merged_questions(parts), answers)
    if problems:
        raise AnswersError(problems)
    resolutions, missing = {}, []
    for part in parts:
        own = {q.code for q in part.rules.questions}
        try:
            resolutions[part.code] = resolve(part.rules, {k: v for k, v in answers.items() if k in own})
        except AnswersError as error:
            missing += [problem for problem in error.problems if problem not in missing]
    if missing:
        raise AnswersError(missing)
    producers = {p.result_material: p.code for p in parts if p.result_material}
    waits = waits_for(parts, {code: r.materials for code, r in resolutions.items()})
    merged: dict[str, dict] = {}
    for part in parts:
        for code in resolutions[part.code].materials:
            entry = merged.setdefault(code, {"needed_by": [], "shared": False})
            entry["needed_by"].append(part.code)
            entry["shared"] = entry["shared"] or code in part.shared_data
    materials = []
    for code, entry in merged.items():
        producer = producers.get(code, "")
        provided_by = producer if producer and producer not in entry["needed_by"] else ""
        materials.append(
            MergedMaterial(
                code,
                tuple(entry["needed_by"]),
                provided_by=provided_by,
                shared_data=entry["shared"],
                held=code in held and not entry["shared"] and not provided_by,
            )
        )
    combined = {}
    for resolution in resolutions.values():
        combined.update(resolution.answers)
    return BundleResolution(
        answers=combined,
        materials_by_item={code: r.materials for code, r in resolutions.items()},
        limits_by_item={code: r.limits for code, r in resolutions.items()},
        waits_for=waits,
        stages=stages(waits),
        materials=materials,
    )
