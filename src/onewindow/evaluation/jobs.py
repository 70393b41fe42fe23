"""The index's scheduled jobs (settings.ONEWINDOW_SCHEDULE, run by `onewindow scheduler`)."""

import datetime as dt

from onewindow.core import clock

from . import rollups


def reconcile_yesterday() -> dict:
    """Yesterday's running totals recomputed from the cases and ratings: the day's figures as they stand
    once the day is over (late ratings, corrections), the same as `onewindow index rebuild` would."""
    yesterday = clock.today() - dt.timedelta(days=1)
    return {"day": yesterday.isoformat(), "rows": rollups.rebuild(yesterday, yesterday)}


def fold_changes() -> dict:
    """The pending changes to the running totals added in (readers fold first anyway: this keeps the
    pending table short)."""
    return {"rows": rollups.fold()}
