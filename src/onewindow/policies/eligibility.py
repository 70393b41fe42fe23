"""Eligibility rules of support policies over an enterprise profile: validated, evaluated with a reason
per rule, and compiled to vectorised filters that match one policy against every enterprise at once.

Pure (no ORM). A rule is JSON, as the catalog's situation rules are:
    {"all": [<rule>, ...]}   {"any": [<rule>, ...]}   {"not": <rule>}
    {"field": "<field>", "op": "<op>", "value": <value>}

Fields and their operators:
    industry       under [codes]          GB/T 4754 code (section letter + up to 4 digits): a rule on a
                                          division ("C13") matches its groups and classes ("C1311")
    region         under [codes]          administrative division code, by prefix as well
    size           in [sizes]             micro, small, medium, large
    age            >=, <=, >, <  years    since the enterprise was founded (whole years, on `today`)
    employees      >=, <=, >, <  number
    revenue        >=, <=, >, <  number   last year's revenue, 10,000 yuan
    tax_credit     at_least  grade        A > B > M > C > D (an enterprise without a grade has none)
    tags           has  tag               high_tech, specialised_new, …
    certificates   has  type              e-certificate types held
    approved_items has  item code         catalog items with an approved case
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Rule = Mapping[str, Any]

SIZES = ("micro", "small", "medium", "large")
TAX_GRADES = ("D", "C", "M", "B", "A")  # worst to best
COMPARISONS = (">=", "<=", ">", "<")
FIELDS: dict[str, tuple[str, ...]] = {
    "industry": ("under",),
    "region": ("under",),
    "size": ("in",),
    "age": COMPARISONS,
    "employees": COMPARISONS,
    "revenue": COMPARISONS,
    "tax_credit": ("at_least",),
    "tags": ("has",),
    "certificates": ("has",),
    "approved_items": ("has",),
}
SET_FIELDS = ("tags", "certificates", "approved_items")
PLAIN_CODE = re.compile(r"[A-Za-z0-9_.-]+")
NUMBER_FIELDS = ("age", "employees", "revenue")


@dataclass(frozen=True)
class Profile:
    """What matching reads of one enterprise (a value None: not known, so no rule on it holds)."""

    industry: str = ""
    region: str = ""
    size: str = ""
    founded: dt.date | None = None
    employees: int | None = None
    revenue: float | None = None
    tax_credit: str = ""
    tags: frozenset[str] = frozenset()
    certificates: frozenset[str] = frozenset()
    approved_items: frozenset[str] = frozenset()


def age_on(founded: dt.date | None, today: dt.date) -> int | None:
    """Whole years from `founded` to `today` (a birthday rule: the anniversary counts)."""
    if founded is None:
        return None
    return today.year - founded.year - ((today.month, today.day) < (founded.month, founded.day))


# ---------------------------------------------------------------------------------------- validation


def validate(rule: Rule, where: str = "rule") -> list[tuple[str, str]]:
    """(place, message) for everything wrong with `rule`; empty when it is well formed."""
    if not isinstance(rule, Mapping):
        return [(where, "a rule is an object")]
    for combinator in ("all", "any"):
        if combinator in rule:
            parts = rule[combinator]
            if set(rule) != {combinator} or not isinstance(parts, list) or not parts:
                return [(where, f'"{combinator}" takes a non-empty list and nothing beside it')]
            return [e for i, part in enumerate(parts) for e in validate(part, f"{where}.{combinator}[{i}]")]
    if "not" in rule:
        if set(rule) != {"not"}:
            return [(where, '"not" takes one rule and nothing beside it')]
        return validate(rule["not"], f"{where}.not")
    if set(rule) != {"field", "op", "value"}:
        return [(where, 'a condition has exactly "field", "op" and "value" (or is all/any/not)')]
    name, op, value = rule["field"], rule["op"], rule["value"]
    if name not in FIELDS:
        return [(f"{where}.field", f"unknown field {name!r}; one of {', '.join(FIELDS)}")]
    if op not in FIELDS[name]:
        return [(f"{where}.op", f"{name} takes {', '.join(FIELDS[name])}, not {op!r}")]
    return [(f"{where}.value", problem) for problem in _value_problems(name, op, value)]


def _value_problems(name: str, op: str, value) -> list[str]:
    if op == "under":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            return ["a non-empty list of codes"]
    elif op == "in":
        if not isinstance(value, list) or not value or not set(value) <= set(SIZES):
            return [f"a non-empty list of {', '.join(SIZES)}"]
    elif op in COMPARISONS:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            return ["a number, 0 or more"]
    elif op == "at_least":
        if value not in TAX_GRADES:
            return [f"one of {', '.join(reversed(TAX_GRADES))}"]
    elif op == "has" and (not isinstance(value, str) or not value.strip()):
        return ["a code"]
    return []


# ---------------------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Check:
    """One condition of a policy, on one enterprise: held or not, with the value it saw."""

    rule: Rule
    passed: bool
    seen: Any


@dataclass
class Verdict:
    eligible: bool
    checks: list[Check] = field(default_factory=list)
    parts: list[bool] = field(default_factory=list)  # each requirement of the policy (see `requirements`)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def near_miss(self) -> bool:
        """Not eligible, and one requirement alone stands in the way."""
        return not self.eligible and self.parts.count(False) == 1


def requirements(rule: Rule) -> list[Rule]:
    """What a policy requires, one by one: the parts of a top-level "all", or the rule itself."""
    return list(rule["all"]) if "all" in rule else [rule]


def evaluate(rule: Rule, profile: Profile, today: dt.date) -> Verdict:
    """Whether `profile` is eligible, each requirement's result, and every condition's (in order)."""
    checks: list[Check] = []
    parts = [_holds(part, profile, today, checks) for part in requirements(rule)]
    return Verdict(all(parts), checks, parts)


def _holds(rule: Rule, profile: Profile, today: dt.date, checks: list[Check]) -> bool:
    if "all" in rule:
        results = [_holds(part, profile, today, checks) for part in rule["all"]]
        return all(results)
    if "any" in rule:
        results = [_holds(part, profile, today, checks) for part in rule["any"]]
        return any(results)
    if "not" in rule:
        inner: list[Check] = []
        held = not _holds(rule["not"], profile, today, inner)
        checks.append(Check(rule, held, [c.seen for c in inner]))
        return held
    seen = _value_of(rule["field"], profile, today)
    passed = _condition(rule["op"], rule["value"], seen)
    checks.append(Check(rule, passed, seen))
    return passed


def _value_of(name: str, profile: Profile, today: dt.date):
    if name == "age":
        return age_on(profile.founded, today)
    return getattr(profile, name)


def _condition(op: str, value, seen) -> bool:
    if seen is None or seen == "":
        return False
    if op == "under":
        return any(under(seen, code) for code in value)
    if op == "in":
        return seen in value
    if op == "has":
        return value in seen
    if op == "at_least":
        return seen in TAX_GRADES and TAX_GRADES.index(seen) >= TAX_GRADES.index(value)
    return {">=": seen >= value, "<=": seen <= value, ">": seen > value, "<": seen < value}[op]


def under(code: str, ancestor: str) -> bool:
    """Whether `code` is `ancestor` or below it in a code hierarchy written by prefix."""
    return code.upper().startswith(ancestor.strip().upper())


# --------------------------------------------------------------------------------- vectorised matching


class Columns:
    """Every enterprise's profile as columns (numpy arrays), for matching a policy against all at once.
    Built once per matching run from lists (one per field, in the same enterprise order); each set
    field's members become one boolean column when first asked."""

    def __init__(self, values: Mapping[str, Sequence], today: dt.date):
        self.count = len(values["industry"])
        self.industry = np.array([(v or "").upper() for v in values["industry"]], dtype=str)
        self.region = np.array([(v or "").upper() for v in values["region"]], dtype=str)
        self.size = np.array([v or "" for v in values["size"]], dtype=str)
        self.tax_rank = np.array(
            [TAX_GRADES.index(v) if v in TAX_GRADES else -1 for v in values["tax_credit"]]
        )
        self.numbers = {
            "age": _numbers([age_on(founded, today) for founded in values["founded"]]),
            "employees": _numbers(values["employees"]),
            "revenue": _numbers(values["revenue"]),
        }
        self._sets = {name: values[name] for name in SET_FIELDS}
        self._members: dict[tuple[str, str], np.ndarray] = {}

    @classmethod
    def of(cls, profiles: Sequence[Profile], today: dt.date) -> Columns:
        names = ("industry", "region", "size", "founded", "employees", "revenue", "tax_credit", *SET_FIELDS)
        return cls({name: [getattr(p, name) for p in profiles] for name in names}, today)

    def has(self, name: str, member: str) -> np.ndarray:
        """Whether each enterprise's set `name` holds `member`. A set may come as a JSON array, as the
        database keeps it: a plain code, quoted, is then looked for in the text (it has no quotes,
        escapes or letters a database would write otherwise, so it is found only as a whole element)."""
        key = (name, member)
        if key not in self._members:
            quoted = json.dumps(member) if PLAIN_CODE.fullmatch(member) else None

            def holds(found) -> bool:
                if isinstance(found, str):
                    return quoted in found if quoted else member in json.loads(found)
                return member in (found or ())

            self._members[key] = np.fromiter((holds(s) for s in self._sets[name]), bool, self.count)
        return self._members[key]


def _numbers(values) -> np.ndarray:
    """Floats with NaN for unknown: every comparison with NaN is false, as with an unknown value."""
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def mask(rule: Rule, columns: Columns) -> np.ndarray:
    """Eligibility of every enterprise in `columns` (a boolean per enterprise), as `evaluate` decides."""
    if "all" in rule:
        result = np.ones(columns.count, bool)
        for part in rule["all"]:
            result &= mask(part, columns)
        return result
    if "any" in rule:
        result = np.zeros(columns.count, bool)
        for part in rule["any"]:
            result |= mask(part, columns)
        return result
    if "not" in rule:
        return ~mask(rule["not"], columns)
    name, op, value = rule["field"], rule["op"], rule["value"]
    if op == "under":
        column = columns.industry if name == "industry" else columns.region
        result = np.zeros(columns.count, bool)
        for code in value:
            prefix = code.strip().upper()
            result |= np.char.startswith(column, prefix) & (column != "")
        return result
    if op == "in":
        return np.isin(columns.size, list(value))
    if op == "has":
        return columns.has(name, value).copy()
    if op == "at_least":
        return columns.tax_rank >= TAX_GRADES.index(value)
    numbers = columns.numbers[name]
    with np.errstate(invalid="ignore"):
        return {">=": numbers >= value, "<=": numbers <= value, ">": numbers > value, "<": numbers < value}[
            op
        ]


def match(rule: Rule, columns: Columns) -> tuple[np.ndarray, np.ndarray]:
    """For every enterprise: eligible (bool), and the index of the one requirement it misses (a near
    miss), or -1 (eligible, or more than one missing)."""
    failing = np.array([~mask(part, columns) for part in requirements(rule)])
    count = failing.sum(axis=0)
    near = np.where(count == 1, failing.argmax(axis=0), -1)
    return count == 0, near


# ---------------------------------------------------------------------------------------- in words

_FIELD_WORDS = {
    "industry": gettext_lazy("your industry"),
    "region": gettext_lazy("your registered region"),
    "size": gettext_lazy("your size class"),
    "age": gettext_lazy("your enterprise's age in years"),
    "employees": gettext_lazy("your headcount"),
    "revenue": gettext_lazy("your revenue (10,000 yuan)"),
    "tax_credit": gettext_lazy("your tax credit grade"),
}


def explain(check: Check) -> str:
    """One condition's result in plain words, for the enterprise ("your headcount 48 is below the
    required 50")."""
    rule = check.rule
    if "not" in rule:
        return (
            _("a condition that rules the policy out does not apply")
            if check.passed
            else _("a condition that rules the policy out applies to you")
        )
    name, op, value, seen = rule["field"], rule["op"], rule["value"], check.seen
    if op == "has":
        return _has_words(name, value, check.passed)
    what = _FIELD_WORDS[name]
    if seen is None or seen == "":
        return _("%(what)s is not known: declare it in your profile") % {"what": what}
    values = {"what": what, "seen": seen, "value": ", ".join(value) if isinstance(value, list) else value}
    if op in ("under", "in"):
        text = (
            _("%(what)s %(seen)s is one of %(value)s")
            if check.passed
            else _("%(what)s %(seen)s is not one of %(value)s")
        )
    elif op == "at_least":
        text = (
            _("%(what)s %(seen)s meets the required %(value)s")
            if check.passed
            else _("%(what)s %(seen)s is below the required %(value)s")
        )
    elif check.passed:
        text = _("%(what)s %(seen)s meets the condition (%(op)s %(value)s)")
        values["op"] = op
    else:
        text = {
            ">=": _("%(what)s %(seen)s is below the required %(value)s"),
            ">": _("%(what)s %(seen)s is not above %(value)s"),
            "<=": _("%(what)s %(seen)s is above the allowed %(value)s"),
            "<": _("%(what)s %(seen)s is not below %(value)s"),
        }[op]
    return text % values


def _has_words(name: str, value: str, passed: bool) -> str:
    words = {
        "tags": (_("you are recognised as %(value)s"), _("you are not recognised as %(value)s")),
        "certificates": (_("you hold a %(value)s e-certificate"), _("you hold no %(value)s e-certificate")),
        "approved_items": (
            _("you have an approved case of %(value)s"),
            _("you have no approved case of %(value)s"),
        ),
    }[name]
    return (words[0] if passed else words[1]) % {"value": value}


def requirement_results(rule: Rule, profile: Profile, today: dt.date) -> list[tuple[bool, list[Check]]]:
    """Each requirement of `rule` (see `requirements`): whether `profile` meets it, and its conditions'
    checks, for saying why in words."""
    return [(verdict.eligible, verdict.checks) for verdict in
            (evaluate(part, profile, today) for part in requirements(rule))]  # fmt: skip
