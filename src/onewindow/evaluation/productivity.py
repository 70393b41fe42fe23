"""Staff productivity and time per dossier against a province's targets (pure).

Quảng Nam asks each official to handle a number of dossiers a year by the kind of area the unit
serves (urban 1,600, rural 1,200, disadvantaged 800), and each dossier to take at most 30 minutes of
processing at the one-stop section and 15 minutes of waiting."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

DOSSIERS_PER_OFFICIAL = {"urban": 1600, "rural": 1200, "disadvantaged": 800}
PROCESSING_MINUTES = 30
WAITING_MINUTES = 15


@dataclass(frozen=True)
class Productivity:
    dossiers: int  # taken in at the unit's one-stop sections in the period
    officials: int  # its window clerks and reviewers
    days: int  # calendar days of the period
    area: str  # Region.Area
    processing_minutes: float | None = None  # mean service time at its windows
    waiting_minutes: float | None = None  # mean wait at its windows

    @property
    def per_official_per_year(self) -> float | None:
        if not self.officials or self.days <= 0:
            return None
        return self.dossiers / self.officials * 365 / self.days

    @property
    def target(self) -> int | None:
        return DOSSIERS_PER_OFFICIAL.get(self.area)

    @property
    def share_of_target(self) -> float | None:
        per = self.per_official_per_year
        return None if per is None or not self.target else per / self.target

    @property
    def processing_within_target(self) -> bool | None:
        return None if self.processing_minutes is None else self.processing_minutes <= PROCESSING_MINUTES

    @property
    def waiting_within_target(self) -> bool | None:
        return None if self.waiting_minutes is None else self.waiting_minutes <= WAITING_MINUTES


def mean_minutes(seconds: list[float]) -> float | None:
    return fmean(seconds) / 60 if seconds else None
