"""The service-quality index as pure functions: a configuration (groups, indicators, weights,
targets) loaded from data, and the scoring of one unit's figures.

Scoring follows Decision 766: an indicator scores its full points at its target and proportionally
below it (for "lower is better", at or below the target and proportionally above it). An indicator
without data (a zero denominator, or a figure the platform does not have yet, such as online
payments) is left out and its points go to the other indicators of its group; a group without any
data is left out and the total is rescaled to the full 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class Indicator:
    code: str
    points: float
    target: float
    numerator: str
    denominator: str
    better: str = "higher"


@dataclass(frozen=True)
class Group:
    code: str
    points: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Config:
    code: str
    name: str
    groups: tuple[Group, ...]

    @property
    def total_points(self) -> float:
        return sum(g.points for g in self.groups)


def config_problems(data: dict) -> list[str]:
    problems = []
    for g in data.get("groups") or []:
        indicators = g.get("indicators") or []
        if abs(sum(i.get("points", 0) for i in indicators) - g.get("points", 0)) > 1e-9:
            problems.append(
                f"group {g.get('code')}: the indicators' points do not add up to {g.get('points')}"
            )
        for i in indicators:
            if not (i.get("target") or 0) > 0:
                problems.append(f"indicator {i.get('code')}: the target must be above zero")
            if i.get("better", "higher") not in ("higher", "lower"):
                problems.append(f"indicator {i.get('code')}: better must be higher or lower")
    if not data.get("groups"):
        problems.append("no groups")
    return problems


def load(text: str) -> Config:
    data = yaml.safe_load(text)
    problems = config_problems(data)
    if problems:
        raise ValueError("; ".join(problems))
    return Config(
        code=str(data["code"]),
        name=data["name"],
        groups=tuple(
            Group(
                g["code"],
                float(g["points"]),
                tuple(Indicator(**{**i, "points": float(i["points"])}) for i in g["indicators"]),
            )
            for g in data["groups"]
        ),
    )


def default_config() -> Config:
    return load(files("onewindow.evaluation").joinpath("index_766.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    numerator: float | None
    denominator: float | None
    value: float | None  # the share; None without data
    score: float | None  # points earned, before the group's redistribution


@dataclass(frozen=True)
class GroupScore:
    group: Group
    indicators: tuple[IndicatorScore, ...]
    score: float | None  # out of the group's points; None without data


@dataclass(frozen=True)
class Score:
    groups: tuple[GroupScore, ...]
    total: float | None  # out of 100 (the configuration's total)


def indicator_value(indicator: Indicator, figures: dict) -> tuple[float | None, float | None, float | None]:
    numerator, denominator = figures.get(indicator.numerator), figures.get(indicator.denominator)
    if numerator is None or not denominator:
        return numerator, denominator, None
    return numerator, denominator, numerator / denominator


def indicator_score(indicator: Indicator, value: float | None) -> float | None:
    if value is None:
        return None
    if indicator.better == "lower":
        share = 1.0 if value <= indicator.target else indicator.target / value
    else:
        share = min(1.0, value / indicator.target)
    return indicator.points * share


def score(config: Config, figures: dict) -> Score:
    groups = []
    for group in config.groups:
        scored = []
        for indicator in group.indicators:
            numerator, denominator, value = indicator_value(indicator, figures)
            scored.append(
                IndicatorScore(indicator, numerator, denominator, value, indicator_score(indicator, value))
            )
        with_data = [s for s in scored if s.score is not None]
        available = sum(s.indicator.points for s in with_data)
        group_score = group.points * sum(s.score for s in with_data) / available if with_data else None
        groups.append(GroupScore(group, tuple(scored), group_score))
    counted = [g for g in groups if g.score is not None]
    total = None
    if counted:
        total = config.total_points * sum(g.score for g in counted) / sum(g.group.points for g in counted)
    return Score(tuple(groups), total)


def derived(figures: dict) -> dict:
    """Figures computed from others: shares the configuration refers to by name."""
    found = dict(figures)
    if "ratings" in found:
        found["ratings_not_bad"] = found["ratings"] - found.get("ratings_bad", 0)
    if "materials_total" in found:
        found["materials_not_shared"] = found["materials_total"] - found.get("materials_shared", 0)
    return found
