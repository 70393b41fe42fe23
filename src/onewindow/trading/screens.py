"""Price screens for bid rigging: statistics of one tender's bids that tell competitive bidding from
coordinated bidding (Imhof, Karagök & Rutz 2018; Huber & Imhof 2019; García Rodríguez et al. 2022).

Pure functions over a tender's bid amounts. Cover bids in a cartel sit close together and the
designated winner sits clearly below them, so collusive tenders show a small spread and coefficient
of variation, a large distance between the two lowest bids relative to the others, and an unusual
shape (kurtosis, skewness, distance from a uniform spread).

The "subgroup versions" compute the same screens on every subset of three bids of a tender (a
cartel is often only part of the bidders) and summarise them by their mean, minimum and maximum.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

# The seven screens of the literature, in the order the baseline model reads them.
CLASSIC = (
    "coefficient_of_variation",
    "spread",
    "kurtosis",
    "skewness",
    "relative_distance",
    "normalised_distance",
    "ks_statistic",
)
SCREENS = (*CLASSIC, "percentage_difference")
SUBGROUP_SIZE = 3
# Enough subsets to summarise a tender of any size; past this, a fixed-seed sample of them.
SUBGROUP_LIMIT = 400
# A distance "without bound" (the losing bids are all equal) is clipped here, so models and pages get
# a number.
CLIP = 50.0


def price_screens(amounts: Sequence[float]) -> dict[str, float]:
    """The screens of one tender's bids (at least two, all positive). Kurtosis needs four bids and
    skewness three; with fewer they are 0, the value of a normal distribution."""
    bids = np.sort(np.asarray(amounts, dtype=float))
    n = len(bids)
    if n < 2 or bids[0] <= 0:
        raise ValueError("price screens need at least two positive bids")
    mean, sd = bids.mean(), bids.std(ddof=1)
    lowest_gap = bids[1] - bids[0]
    losing = bids[1:]
    losing_sd = losing.std(ddof=1) if len(losing) >= 2 else 0.0
    mean_gap = float(np.diff(bids).mean())
    return {
        "coefficient_of_variation": float(sd / mean),
        "spread": float((bids[-1] - bids[0]) / bids[0]),
        "kurtosis": _kurtosis(bids) if n >= 4 else 0.0,
        "skewness": _skewness(bids) if n >= 3 else 0.0,
        "relative_distance": _ratio(lowest_gap, losing_sd),
        "normalised_distance": _ratio(lowest_gap, mean_gap, when_both_zero=1.0),
        "ks_statistic": _ks_against_uniform(bids),
        "percentage_difference": float(lowest_gap / bids[0]),
    }


def subgroup_screens(amounts: Sequence[float]) -> dict[str, float]:
    """Mean, minimum and maximum of each classic screen over the tender's subsets of three bids
    (keys like `spread_sub_mean`); empty for fewer than three bids."""
    bids = np.sort(np.asarray(amounts, dtype=float))
    if len(bids) < SUBGROUP_SIZE:
        return {}
    subsets = list(itertools.combinations(range(len(bids)), SUBGROUP_SIZE))
    if len(subsets) > SUBGROUP_LIMIT:
        chosen = np.random.default_rng(len(bids)).choice(len(subsets), SUBGROUP_LIMIT, replace=False)
        subsets = [subsets[i] for i in sorted(chosen)]
    values = np.array([[price_screens(bids[list(s)])[name] for name in CLASSIC] for s in subsets])
    summary = {}
    for column, name in enumerate(CLASSIC):
        summary[f"{name}_sub_mean"] = float(values[:, column].mean())
        summary[f"{name}_sub_min"] = float(values[:, column].min())
        summary[f"{name}_sub_max"] = float(values[:, column].max())
    return summary


def tender_features(amounts: Sequence[float]) -> dict[str, float]:
    """What the screening model reads of a tender: the screens, their subgroup versions, the number
    of bids and the size of the contract (log of the lowest bid: cartels form in some markets more
    than others, and an authority's own history says which)."""
    features = price_screens(amounts)
    features.update(subgroup_screens(amounts))
    features["bids"] = float(len(amounts))
    features["log_lowest_bid"] = math.log(min(amounts))
    return features


# What fires on a single tender with no model trained yet: thresholds from the screening literature's
# collusive tenders (Imhof 2019: coefficients of variation under about 3 %, a winner far below
# tightly packed cover bids). A trained model replaces them with a score.
RULES = {
    "coefficient_of_variation": ("<", 0.03),
    "spread": ("<", 0.08),
    "relative_distance": (">", 1.5),
    "normalised_distance": (">", 2.0),
    "kurtosis": (">", 2.0),
}


def fired(screens: dict[str, float]) -> list[str]:
    """The screens whose value is on the collusive side of its threshold."""
    result = []
    for name, (side, threshold) in RULES.items():
        value = screens.get(name)
        if value is not None and (value < threshold if side == "<" else value > threshold):
            result.append(name)
    return result


def _ratio(numerator: float, denominator: float, when_both_zero: float = 0.0) -> float:
    if denominator > 0:
        return float(min(numerator / denominator, CLIP))
    return CLIP if numerator > 0 else when_both_zero


def _skewness(bids: np.ndarray) -> float:
    """Adjusted Fisher–Pearson skewness (the sample statistic spreadsheets and scipy's bias=False give)."""
    n = len(bids)
    centred = bids - bids.mean()
    m2, m3 = (centred**2).mean(), (centred**3).mean()
    if m2 <= 1e-18 * bids.mean() ** 2:
        return 0.0
    return float(math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def _kurtosis(bids: np.ndarray) -> float:
    """Bias-corrected excess kurtosis (0 for a normal distribution)."""
    n = len(bids)
    centred = bids - bids.mean()
    m2, m4 = (centred**2).mean(), (centred**4).mean()
    if m2 <= 1e-18 * bids.mean() ** 2:
        return 0.0
    g2 = m4 / m2**2 - 3.0
    return float((n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6.0))


def _ks_against_uniform(bids: np.ndarray) -> float:
    """Kolmogorov–Smirnov distance between the bids' empirical distribution and a uniform one over
    their range: 0 for evenly spaced bids, near 1 for bids bunched at one end."""
    n = len(bids)
    if bids[-1] == bids[0]:
        return 1.0
    position = (bids - bids[0]) / (bids[-1] - bids[0])
    above = np.arange(1, n + 1) / n - position
    below = position - np.arange(0, n) / n
    return float(max(above.max(), below.max()))
