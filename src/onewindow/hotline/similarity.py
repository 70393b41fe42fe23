"""How alike two callers' texts are (pure): the overlap of their character pairs, which works for
Chinese without segmenting it and ignores the order of what was said."""

from __future__ import annotations

import re

SIMILAR = 0.35  # two accounts of the same blocked drain in other words score 0.4–0.7; unrelated texts < 0.15
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def bigrams(text: str) -> frozenset[str]:
    text = _NOISE.sub("", text.lower())
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def similar(a: str, b: str, threshold: float = SIMILAR) -> bool:
    return jaccard(bigrams(a), bigrams(b)) >= threshold
