"""Reads for ratings: a department's public figures, rectification work lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from onewindow.core import clock
from onewindow.core.models import Role

from . import rectification as stages
from .models import BAD_LEVELS, Level, Rating, Rectification


@dataclass(frozen=True)
class PublicFigures:
    counts: list[tuple[int, str, int]]  # level, label, ratings
    total: int
    bad: int
    rectified: int

    @property
    def rectification_rate(self) -> float | None:
        return None if not self.bad else self.rectified / self.bad


def public_figures(department) -> PublicFigures:
    """Counts per level of the ratings that count (appeals upheld are left out), and the share of
    bad ratings whose rectification is closed."""
    counted = Rating.objects.filter(department=department, excluded=False)
    by_level = dict(counted.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    bad = counted.filter(level__in=BAD_LEVELS)
    rectified = bad.filter(rectification__stage=stages.CLOSED, rectification__outcome="rectified").count()
    return PublicFigures(
        counts=[(value, label, by_level.get(value, 0)) for value, label in Level.choices],
        total=sum(by_level.values()),
        bad=bad.count(),
        rectified=rectified,
    )


def published_replies(department, limit: int = 5):
    return (
        Rectification.objects.filter(
            department=department,
            stage=stages.CLOSED,
            outcome="rectified",
            rating__consent_to_publish=True,
            rating__excluded=False,
        )
        .exclude(reply="")
        .select_related("rating")
        .order_by("-closed_at")[:limit]
    )


def rectifications_for(user, state: str = "open"):
    found = Rectification.objects.select_related("rating", "rating__case", "department", "owner")
    if user.role == Role.REVIEWER:
        found = found.filter(Q(department_id=user.department_id) | Q(owner=user))
    elif user.role not in (Role.SUPERVISOR, Role.ADMIN):
        found = found.filter(owner=user)
    if state == "open":
        found = found.exclude(stage=stages.CLOSED)
    elif state == "late":
        found = found.exclude(stage=stages.CLOSED).filter(due_date__lt=clock.today())
    return found.order_by("due_date", "id")
