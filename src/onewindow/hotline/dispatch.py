"""Which department a new ticket goes to: a routing rule's keyword, else the model when it is sure
enough, else an agent (with the model's three likeliest categories beside the ticket)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .routing import META_FILE, RoutingModel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Routing:
    category: str = ""
    confidence: float | None = None
    suggestions: list = field(default_factory=list)  # [[category, confidence], …], likeliest first
    by: str = ""  # "rule", "model", or "" when an agent decides


def rule_category(text: str, rules: list[tuple[str, list[str]]]) -> str:
    """The category of the first rule with a keyword in the text ('' when none)."""
    for category, keywords in rules:
        if any(keyword and keyword in text for keyword in keywords):
            return category
    return ""


def decide(text_rule: str, suggestions: list, threshold: float, routable: set[str]) -> Routing:
    """Pure: a rule wins; else the model's best guess if confident enough and a department takes it."""
    if text_rule:
        return Routing(text_rule, None, suggestions, "rule")
    if suggestions:
        category, confidence = suggestions[0]
        if confidence >= threshold and category in routable:
            return Routing(category, confidence, suggestions, "model")
        return Routing("", confidence, suggestions, "")
    return Routing()


_lock = threading.Lock()
_loaded: dict = {}


def current_model() -> RoutingModel | None:
    """The model in HOTLINE_MODEL_DIR, loaded once per version of its files (None if there is none)."""
    folder = Path(settings.HOTLINE_MODEL_DIR)
    meta = folder / META_FILE
    try:
        stamp = (str(folder), meta.stat().st_mtime_ns)
    except OSError:
        return None
    with _lock:
        if _loaded.get("stamp") != stamp:
            try:
                _loaded.update(stamp=stamp, model=RoutingModel.load(folder))
            except Exception:  # a half-written or foreign folder: agents dispatch by hand meanwhile
                log.exception("the hotline model in %s could not be loaded", folder)
                _loaded.update(stamp=stamp, model=None)
        return _loaded["model"]


def suggestions_for(title: str, body: str) -> list:
    model = current_model()
    if model is None:
        return []
    return [[category, round(p, 4)] for category, p in model.suggest([{"title": title, "body": body}], 3)[0]]
