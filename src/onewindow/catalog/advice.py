"""Channel advice (渠道推荐): how an applicant should apply, from the items' channels and visits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ONLINE = "online"  # everything online, no visit
ONLINE_THEN_WINDOW = "online_then_window"  # pre-register online with uploads, then one visit
POST = "post"
WINDOW = "window"


@dataclass(frozen=True)
class Route:
    channels: tuple[str, ...]
    max_visits: int
    originals: bool  # an original must be shown


def channel_advice(routes: Iterable[Route]) -> tuple[str, int]:
    """(advice, visits) for one item or for a bundle handled at one window."""
    routes = list(routes)
    visits = max((r.max_visits for r in routes), default=0)
    online = all(set(r.channels) & {"online", "mobile"} for r in routes)
    if online and visits == 0:  # the item data promise no visit: originals are checked electronically
        return ONLINE, 0
    if online:
        return ONLINE_THEN_WINDOW, max(visits, 1)
    if all("post" in r.channels for r in routes) and not any(r.originals for r in routes):
        return POST, 0
    return WINDOW, max(visits, 1)
