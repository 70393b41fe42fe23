"""The hotline's routing model: which first-level category (and so which department) a citizen's
message belongs to, with a confidence in [0, 1].

Chosen for messages the model has never seen, from a small training set (about two hundred
messages): character unigrams and bigrams (robust to unseen words and place names) beside jieba
words, on the title three times and the first 150 characters of the body (long bodies drift into
stories that name many things); a linear SVM with balanced class weights, its margins turned into
confidences by a softmax. A category tree (level1, level2, level3) given at training time adds each
leaf's names as a short example of its first-level category: it teaches the model words its few
messages lack.
Cross-validated figures are in docs/hotline.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import jieba

from onewindow.core import csvfiles

TEXT_COLUMNS = ("id", "created", "title", "body")
BODY_CHARACTERS = 150
MODEL_FILE = "model.joblib"
META_FILE = "model.json"

jieba.setLogLevel(logging.WARNING)


class RoutingInputError(ValueError):
    """Bad input, with a one-line message naming the problem."""


def words(text: str) -> list[str]:
    return [w for w in jieba.lcut(re.sub(r"\s+", "", text)) if w.strip()]


def message_text(title: str, body: str) -> str:
    return f"{title}。" * 3 + body.strip()[:BODY_CHARACTERS]


def read_messages(path: str | Path, with_category: bool) -> list[dict]:
    """Rows of a messages CSV (UTF-8): id, created, title, body [, category]; other columns ignored."""
    rows = _read_csv(path, (*TEXT_COLUMNS, "category") if with_category else TEXT_COLUMNS)
    for line, row in enumerate(rows, start=2):
        if with_category and not (row.get("category") or "").strip():
            raise RoutingInputError(f"{path}: line {line}: category is empty")
    return rows


def read_taxonomy(path: str | Path) -> list[tuple[str, str]]:
    """(level1, "level2 level3") pairs of a category tree CSV with columns level1, level2, level3."""
    rows = _read_csv(path, ("level1", "level2", "level3"))
    return [(r["level1"], f"{r['level2']} {r['level3']}") for r in rows]


def _read_csv(path: str | Path, columns: tuple[str, ...]) -> list[dict]:
    """The rows of a UTF-8 CSV file that has `columns` (among others) and at least one row."""
    try:
        return csvfiles.read_rows(path, columns)
    except csvfiles.CsvInputError as error:
        raise RoutingInputError(str(error)) from None


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    features = make_union(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(
            tokenizer=words, token_pattern=None, lowercase=False, sublinear_tf=True, ngram_range=(1, 2)
        ),
    )
    return make_pipeline(features, LinearSVC(C=1.0, class_weight="balanced"))


# Scales the SVM's margins before the softmax: a margin of 1 over the runner-up reads as about 0.95.
SHARPNESS = 3.0


def _probabilities(pipeline, texts):
    """Softmax over the SVM's decision values: confidences that sum to 1 and rank messages by margin
    (calibrating on a few hundred messages cost more accuracy than it gave)."""
    import numpy as np

    scores = pipeline.decision_function(texts) * SHARPNESS
    scores -= scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


@dataclass
class RoutingModel:
    pipeline: object
    meta: dict

    @classmethod
    def train(cls, messages: list[dict], taxonomy: list[tuple[str, str]] = ()) -> RoutingModel:
        texts = [message_text(m["title"], m["body"]) for m in messages]
        labels = [m["category"].strip() for m in messages]
        known = set(labels)
        extra = [(category, names) for category, names in taxonomy if category in known]
        counts = {label: labels.count(label) for label in sorted(known)}
        if len(known) < 2:
            raise RoutingInputError("the training data needs at least two categories")
        if min(counts.values()) < 3:
            rare = ", ".join(label for label, count in counts.items() if count < 3)
            raise RoutingInputError(f"each category needs at least 3 messages; too few: {rare}")
        pipeline = _pipeline()
        pipeline.fit(texts + [names for _c, names in extra], labels + [c for c, _n in extra])
        meta = {
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "messages": len(messages),
            "taxonomy_examples": len(extra),
            "categories": counts,
        }
        return cls(pipeline, meta)

    def predict(self, messages: list[dict]) -> list[tuple[str, float]]:
        """(category, confidence) per message, in order."""
        return [ranked[0] for ranked in self.suggest(messages, 1)]

    def suggest(self, messages: list[dict], top: int = 3) -> list[list[tuple[str, float]]]:
        """The `top` likeliest (category, confidence) per message, likeliest first."""
        probabilities = _probabilities(self.pipeline, [message_text(m["title"], m["body"]) for m in messages])
        classes = self.pipeline.classes_
        return [
            [(str(classes[i]), float(row[i])) for i in row.argsort()[::-1][:top]] for row in probabilities
        ]

    def save(self, folder: str | Path) -> Path:
        import joblib

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump(self.pipeline, folder / MODEL_FILE)
        (folder / META_FILE).write_text(json.dumps(self.meta, ensure_ascii=False, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> RoutingModel:
        """A model written by `save` (a folder the administrator trusts: it holds a pickled pipeline)."""
        import joblib

        folder = Path(folder)
        if not (folder / MODEL_FILE).is_file() or not (folder / META_FILE).is_file():
            raise RoutingInputError(f"{folder}: not a model folder (no {MODEL_FILE} and {META_FILE})")
        return cls(
            joblib.load(folder / MODEL_FILE), json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        )


def cross_validate(
    messages: list[dict], taxonomy=(), folds: int = 5, seed: int = 0, threshold: float = 0.6
) -> dict:
    """Macro-F1 and accuracy over `folds` stratified folds (the taxonomy joins each training fold only),
    the accuracy on the most confident half of the predictions, and the share and accuracy of those
    at or above the automatic-dispatch `threshold`."""
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    labels = np.array([m["category"].strip() for m in messages])
    predicted = np.empty(len(messages), dtype=object)
    confidence = np.zeros(len(messages))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        model = RoutingModel.train([messages[i] for i in train], taxonomy)
        for i, (category, sure) in zip(test, model.predict([messages[i] for i in test]), strict=True):
            predicted[i], confidence[i] = category, sure
    half = np.argsort(-confidence)[: len(messages) // 2]
    sure = confidence >= threshold
    return {
        "messages": len(messages),
        "folds": folds,
        "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 3),
        "accuracy": round(float(accuracy_score(labels, predicted)), 3),
        "accuracy_most_confident_half": round(float(accuracy_score(labels[half], predicted[half])), 3),
        "confidence_at_half": round(float(confidence[half].min()), 3),
        "threshold": threshold,
        "share_at_threshold": round(float((confidence >= threshold).mean()), 3),
        "accuracy_at_threshold": round(float(accuracy_score(labels[sure], predicted[sure])), 3)
        if sure.any()
        else None,
    }
