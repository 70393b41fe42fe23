"""Finding articles for a question, as pure functions: words, synonyms, and a BM25 ranking.

Chinese is segmented with jieba (its search mode also yields the shorter words inside long ones:
社会保险 → 社会, 保险, 社会保险); Vietnamese and English are split on spaces and punctuation, and each
Vietnamese word also counts without its tone marks (so "bao hiem" finds "bảo hiểm"). A synonym group
makes every word of it count as the one asked (社保 finds 社会保险).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from onewindow.core.segmentation import jieba

_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOPWORD_TEXT = (
    "的 了 吗 呢 吧 啊 是 在 和 与 或 我 你 他 她 们 要 想 请问 怎么 如何 什么 哪里 "
    "可以 能 需要 办理 有 没有 "
    "the a an of to in on for is are how what where can i do my and or with "
    "tôi có không là của và cho ở thì"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
QUESTION_WEIGHT = 2.0  # a word of the question counts as twice one of the answer
K1, B = 1.2, 0.75


def fold(word: str) -> str:
    """The word without tone marks (Vietnamese đ becomes d)."""
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The searchable words of a text, lower-cased, stop words left out, repeats kept (they count)."""
    found = []
    for chunk in _WORD.findall(unicodedata.normalize("NFC", text.lower())):
        if _HAN.search(chunk):
            found.extend(w for w in jieba().cut_for_search(chunk) if w.strip())
        else:
            found.append(chunk)
            folded = fold(chunk)
            if folded != chunk:
                found.append(folded)
    return [w for w in found if w not in STOPWORDS]


def synonym_map(groups: Iterable[list[str]]) -> dict[str, frozenset[str]]:
    """word → every word of its groups (itself included)."""
    mapping: dict[str, set[str]] = {}
    for group in groups:
        members = {w for g in group for w in words(g)} | set(group)
        for word in members:
            mapping.setdefault(word, set()).update(members)
    return {word: frozenset(members) for word, members in mapping.items()}


def expand(query_words: list[str], synonyms: dict[str, frozenset[str]]) -> list[frozenset[str]]:
    """Each distinct query word as the set of words that count as it."""
    seen, expanded = set(), []
    for word in query_words:
        if word not in seen:
            seen.add(word)
            expanded.append(synonyms.get(word, frozenset()) | {word})
    return expanded


@dataclass(frozen=True)
class Document:
    key: object
    question: tuple[str, ...]
    answer: tuple[str, ...]


def rank(
    query: list[frozenset[str]], documents: list[Document], limit: int = 10
) -> list[tuple[object, float]]:
    """BM25 over the documents (question words weighted up), best first; only documents that match."""
    if not query or not documents:
        return []
    counts = [
        Counter({w: QUESTION_WEIGHT * n for w, n in Counter(d.question).items()}) + Counter(d.answer)
        for d in documents
    ]
    lengths = [QUESTION_WEIGHT * len(d.question) + len(d.answer) for d in documents]
    average = sum(lengths) / len(lengths) or 1.0
    total = len(documents)
    idfs = []
    for alternatives in query:
        having = sum(1 for c in counts if any(w in c for w in alternatives))
        idfs.append(math.log(1 + (total - having + 0.5) / (having + 0.5)))
    scored = []
    for document, count, length in zip(documents, counts, lengths, strict=True):
        score = 0.0
        for alternatives, idf in zip(query, idfs, strict=True):
            frequency = sum(count.get(w, 0) for w in alternatives)
            if not frequency:
                continue
            score += idf * frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * length / average))
        if score > 0:
            scored.append((document.key, score))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def normalize_question(text: str) -> str:
    """What the unanswered-questions report groups by: the question's distinct words, sorted."""
    return " ".join(sorted(set(words(text))))[:300]
