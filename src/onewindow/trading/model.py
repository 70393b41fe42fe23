"""The tender-level screening model: trained on an authority's own tenders with their proven labels,
it scores new tenders (higher: more suspicious).

Chosen for other countries' data, judged by cross-validation split by tender (docs/trading.md):
extremely randomised trees over the scale-free price screens, the number of bids and the contract
size. Trees need no scaling and take the screens' thresholds as the data has
them; many shallow-leaved trees average away the noise of a few hundred tenders. The baseline it is
compared with is a random forest on the seven classic screens alone.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from onewindow.core import csvfiles
from onewindow.trading import screens

# `winner` and `bidder_id` must be there (the format's columns) but the model reads neither: winner flags
# added nothing, and bidder identities do not carry over to other firms and countries.
COLUMNS = ("tender_id", "bidder_id", "amount", "winner")
LABEL = "collusive"
MIN_BIDS = 3
MODEL_FILE = "model.joblib"
META_FILE = "model.json"


class BidsInputError(ValueError):
    """Bad input, with a one-line message naming the file, line and column."""


@dataclass
class Tender:
    tender_id: str
    amounts: list[float]
    collusive: int | None = None


def read_bids(path: str | Path, with_label: bool) -> list[Tender]:
    """The tenders of a bids CSV (one row per bid: tender_id, bidder_id, amount, winner [, collusive];
    other columns ignored), in the order they first appear."""
    needed = (*COLUMNS, LABEL) if with_label else COLUMNS
    try:
        rows = csvfiles.read_rows(path, needed)
    except csvfiles.CsvInputError as error:
        raise BidsInputError(str(error)) from None
    tenders: dict[str, Tender] = {}
    for line, row in enumerate(rows, start=2):
        tender_id = (row["tender_id"] or "").strip()
        if not tender_id:
            raise BidsInputError(f"{path}: line {line}: tender_id is empty")
        amount = _number(path, line, "amount", row["amount"])
        if not amount > 0:
            raise BidsInputError(f"{path}: line {line}: amount must be above 0, not {row['amount']!r}")
        tender = tenders.setdefault(tender_id, Tender(tender_id, []))
        tender.amounts.append(amount)
        if with_label:
            label = _flag(path, line, LABEL, row[LABEL])
            tender.collusive = max(tender.collusive or 0, label)
    return list(tenders.values())


def _number(path, line: int, column: str, raw) -> float:
    try:
        value = float((raw or "").strip())
    except ValueError:
        raise BidsInputError(f"{path}: line {line}: {column} is not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise BidsInputError(f"{path}: line {line}: {column} is not a finite number: {raw!r}")
    return value


def _flag(path, line: int, column: str, raw) -> int:
    value = (raw or "").strip().lower()
    if value in {"1", "1.0", "true"}:
        return 1
    if value in {"0", "0.0", "false"}:
        return 0
    raise BidsInputError(f"{path}: line {line}: {column} must be 0 or 1, not {raw!r}")


def screenable(tenders: list[Tender]) -> list[Tender]:
    return [t for t in tenders if len(t.amounts) >= MIN_BIDS]


def feature_matrix(tenders: list[Tender], names: tuple[str, ...] | None = None):
    import numpy as np

    rows = [screens.tender_features(t.amounts) for t in tenders]
    names = names or tuple(rows[0])
    return np.array([[row.get(name, 0.0) for name in names] for row in rows]), names


def _classifier(seed: int = 0):
    from sklearn.ensemble import ExtraTreesClassifier

    return ExtraTreesClassifier(
        n_estimators=500, min_samples_leaf=2, max_features="sqrt", random_state=seed, n_jobs=1
    )


def _baseline(seed: int = 0):
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=500, random_state=seed, n_jobs=1)


def _labels(tenders: list[Tender]):
    import numpy as np

    labels = np.array([t.collusive for t in tenders])
    if len(set(labels.tolist())) < 2:
        raise BidsInputError("the training data needs collusive and competitive tenders (both labels)")
    if min(int(labels.sum()), int(len(labels) - labels.sum())) < 2:
        raise BidsInputError("the training data needs at least two tenders of each label")
    return labels


@dataclass
class ScreeningModel:
    estimator: object
    meta: dict

    @classmethod
    def train(cls, tenders: list[Tender], seed: int = 0) -> ScreeningModel:
        usable = screenable(tenders)
        if not usable:
            raise BidsInputError(f"no tender has {MIN_BIDS} or more bids")
        labels = _labels(usable)
        features, names = feature_matrix(usable)
        estimator = _classifier(seed).fit(features, labels)
        meta = {
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "tenders": len(usable),
            "collusive": int(labels.sum()),
            "left_out_fewer_than_3_bids": len(tenders) - len(usable),
            "features": list(names),
        }
        return cls(estimator, meta)

    def score(self, tenders: list[Tender]) -> list[tuple[str, float]]:
        """(tender_id, score in [0, 1]) per tender with three or more bids, in order."""
        usable = screenable(tenders)
        if not usable:
            return []
        features, _names = feature_matrix(usable, tuple(self.meta["features"]))
        probabilities = self.estimator.predict_proba(features)[:, list(self.estimator.classes_).index(1)]
        return [(t.tender_id, float(p)) for t, p in zip(usable, probabilities, strict=True)]

    def save(self, folder: str | Path) -> Path:
        import joblib

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump(self.estimator, folder / MODEL_FILE)
        (folder / META_FILE).write_text(json.dumps(self.meta, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> ScreeningModel:
        """A model written by `save` (a folder the administrator trusts: it holds a pickled model)."""
        import joblib

        folder = Path(folder)
        if not (folder / MODEL_FILE).is_file() or not (folder / META_FILE).is_file():
            raise BidsInputError(f"{folder}: not a model folder (no {MODEL_FILE} and {META_FILE})")
        return cls(joblib.load(folder / MODEL_FILE), json.loads((folder / META_FILE).read_text()))


def cross_validate(tenders: list[Tender], folds: int = 5, repeats: int = 5) -> dict:
    """Tender-level ROC AUC of the model and of the baseline (a random forest on the seven classic
    screens), over `repeats` shuffles of `folds` stratified folds split by tender; means and ranges."""
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    usable = screenable(tenders)
    labels = _labels(usable)
    features, names = feature_matrix(usable)
    classic = [names.index(name) for name in screens.CLASSIC]
    results: dict[str, list[float]] = defaultdict(list)
    for repeat in range(repeats):
        splitter = StratifiedKFold(folds, shuffle=True, random_state=repeat)
        for label, estimator, columns in (
            ("model", _classifier(repeat), slice(None)),
            ("baseline", _baseline(repeat), classic),
        ):
            predicted = cross_val_predict(
                estimator, features[:, columns], labels, cv=splitter, method="predict_proba"
            )[:, 1]
            results[label].append(float(roc_auc_score(labels, predicted)))

    def summary(values):
        return {
            "mean": round(float(np.mean(values)), 3),
            "min": round(min(values), 3),
            "max": round(max(values), 3),
        }

    return {
        "tenders": len(usable),
        "collusive": int(labels.sum()),
        "left_out_fewer_than_3_bids": len(tenders) - len(usable),
        "folds": folds,
        "repeats": repeats,
        "auc": summary(results["model"]),
        "baseline_auc": summary(results["baseline"]),
    }
