"""Answers from register values, as pure functions: a question's `prefill` spec names the register
and field; the value is the option itself, or a number mapped by `at_least` thresholds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def answer_from(
    spec: Mapping[str, Any] | None, values: Mapping[str, Any], options: Sequence[str]
) -> str | None:
    """The option the register's `values` give for a question with this `spec`, or None."""
    if not spec or spec.get("field") not in values:
        return None
    value = values[spec["field"]]
    thresholds = spec.get("at_least")
    if thresholds:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        for bound, option in sorted(thresholds, key=lambda pair: -float(pair[0])):
            if number >= float(bound) and option in options:
                return option
        return None
    return str(value) if str(value) in options else None
