"""Retraining the routing model from closed tickets' final categories. The newest tenth of them is
held back; a model trained on the rest replaces the one in use only if it is at least as good on
that slice (macro-F1), and then it is retrained on everything before it is saved."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction

from onewindow.core import clock

from . import dispatch, states
from .models import ModelVersion, Ticket
from .routing import RoutingInputError, RoutingModel

HELD_BACK = 0.1
MIN_EXAMPLES = 30


def closed_examples() -> list[dict]:
    rows = (
        Ticket.objects.filter(status=states.CLOSED)
        .exclude(category="")
        .order_by("registered_at", "id")
        .values("title", "body", "category")
    )
    return list(rows)


def macro_f1(model: RoutingModel, examples: list[dict]) -> float:
    from sklearn.metrics import f1_score

    predicted = [category for category, _c in model.predict(examples)]
    return float(f1_score([e["category"] for e in examples], predicted, average="macro", zero_division=0))


def retrain(folder: Path | None = None) -> ModelVersion:
    """Trains, compares on the held-back newest tickets, and replaces the model in use if not worse."""
    folder = Path(folder or settings.HOTLINE_MODEL_DIR)
    examples = closed_examples()
    if len(examples) < MIN_EXAMPLES:
        raise RoutingInputError(
            f"only {len(examples)} closed tickets with a category; at least {MIN_EXAMPLES} needed"
        )
    cut = len(examples) - max(1, int(len(examples) * HELD_BACK))
    training, held_back = examples[:cut], examples[cut:]
    candidate = RoutingModel.train(training)
    new_score = macro_f1(candidate, held_back)
    current = dispatch.current_model() if folder == Path(settings.HOTLINE_MODEL_DIR) else _load(folder)
    old_score = macro_f1(current, held_back) if current is not None else None
    accepted = old_score is None or new_score >= old_score
    stamp = clock.now()
    if accepted:
        final = RoutingModel.train(examples)
        staging = folder.with_name(f"{folder.name}.new")
        shutil.rmtree(staging, ignore_errors=True)
        final.save(staging)
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)  # the folder swaps at once: predictions never read a half-written model
    with transaction.atomic():
        return ModelVersion.objects.create(
            trained_at=stamp,
            examples=len(training),
            held_back=len(held_back),
            new_macro_f1=round(new_score, 4),
            old_macro_f1=None if old_score is None else round(old_score, 4),
            accepted=accepted,
            folder=str(folder),
        )


def _load(folder: Path) -> RoutingModel | None:
    try:
        return RoutingModel.load(folder)
    except RoutingInputError:
        return None
