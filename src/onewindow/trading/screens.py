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
    if len(bids) < 2 or bids[0] <= 0:
        raise ValueError("price screens need at least two positive bids")
    return {name: float(values[0]) for name, values in screens_of_rows(bids[np.newaxis, :]).items()}


def subgroup_screens(amounts: Sequence[float]) -> dict[str, float]:
    """Mean, minimum and maximum of each classic screen over the tender's subsets of three bids
    (keys like `spread_sub_mean`); empty for fewer than three bids."""
    bids = np.sort(np.asarray(amounts, dtype=float))
    if len(bids) < SUBGROUP_SIZE:
        return {}
    subsets = np.array(list(itertools.combinations(range(len(bids)), SUBGROUP_SIZE)))
    if len(subsets) > SUBGROUP_LIMIT:
        chosen = np.random.default_rng(len(bids)).choice(len(subsets), SUBGROUP_LIMIT, replace=False)
        subsets = subsets[np.sort(chosen)]
    values = screens_of_rows(bids[subsets])  # each row sorted: the bids are, and combinations keep order
    summary = {}
    for name in CLASSIC:
        summary[f"{name}_sub_mean"] = float(values[name].mean())
        summary[f"{name}_sub_min"] = float(values[name].min())
        summary[f"{name}_sub_max"] = float(values[name].max())
    return summary


def screens_of_rows(bids: np.ndarray) -> dict[str, np.ndarray]:
    """The screens of many tenders of one size at once: `bids` is (tenders, bids), each row sorted
    ascending and positive. One implementation for a tender and for its thousands of subsets."""
    count = bids.shape[1]
    lowest = bids[:, 0]
    mean = bids.mean(axis=1)
    sd = bids.std(axis=1, ddof=1)
    lowest_gap = bids[:, 1] - lowest
    losing_sd = bids[:, 1:].std(axis=1, ddof=1) if count >= 3 else np.zeros(len(bids))
    mean_gap = (bids[:, -1] - lowest) / (count - 1)
    return {
        "coefficient_of_variation": sd / mean,
        "spread": (bids[:, -1] - lowest) / lowest,
        "kurtosis": _kurtosis(bids) if count >= 4 else np.zeros(len(bids)),
        "skewness": _skewness(bids) if count >= 3 else np.zeros(len(bids)),
        "relative_distance": _ratio(lowest_gap, losing_sd),
        "normalised_distance": _ratio(lowest_gap, mean_gap, when_both_zero=1.0),
        "ks_statistic": _ks_against_uniform(bids),
        "percentage_difference": lowest_gap / lowest,
    }


def tender_features(amounts: Sequence[float]) -> dict[str, float]:
    """What the screening model reads of a tender: the screens, the number of bids and the size of
    the contract (log of the lowest bid: cartels form in some markets more than others, and an
    authority's own history says which). The subgroup versions are left out: on both development
    sets they lowered the cross-validated AUC (docs/trading.md); alerts still show them."""
    features = price_screens(amounts)
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


def _ratio(numerator: np.ndarray, denominator: np.ndarray, when_both_zero: float = 0.0) -> np.ndarray:
    safe = np.where(denominator > 0, denominator, 1.0)
    without_bound = np.where(numerator > 0, CLIP, when_both_zero)
    return np.where(denominator > 0, np.minimum(numerator / safe, CLIP), without_bound)


def _moments(bids: np.ndarray):
    centred = bids - bids.mean(axis=1, keepdims=True)
    m2 = (centred**2).mean(axis=1)
    # Equal bids (up to rounding) have no shape: their skewness and kurtosis are those of a normal.
    flat = m2 <= 1e-18 * bids.mean(axis=1) ** 2
    return centred, np.where(flat, 1.0, m2), flat


def _skewness(bids: np.ndarray) -> np.ndarray:
    """Adjusted Fisher–Pearson skewness (the sample statistic spreadsheets and scipy's bias=False give)."""
    n = bids.shape[1]
    centred, m2, flat = _moments(bids)
    m3 = (centred**3).mean(axis=1)
    return np.where(flat, 0.0, math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def _kurtosis(bids: np.ndarray) -> np.ndarray:
    """Bias-corrected excess kurtosis (0 for a normal distribution)."""
    n = bids.shape[1]
    centred, m2, flat = _moments(bids)
    g2 = (centred**4).mean(axis=1) / m2**2 - 3.0
    return np.where(flat, 0.0, (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6.0))


def _ks_against_uniform(bids: np.ndarray) -> np.ndarray:
    """Kolmogorov–Smirnov distance between the bids' empirical distribution and a uniform one over
    their range: 0 for evenly spaced bids, near 1 for bids bunched at one end."""
    n = bids.shape[1]
    span = bids[:, -1] - bids[:, 0]
    position = (bids - bids[:, :1]) / np.where(span > 0, span, 1.0)[:, np.newaxis]
    above = np.arange(1, n + 1) / n - position
    below = position - np.arange(0, n) / n
    return np.where(span > 0, np.maximum(above.max(axis=1), below.max(axis=1)), 1.0)
