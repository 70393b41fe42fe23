"""The hotline's scheduled jobs (settings.ONEWINDOW_SCHEDULE, run by `onewindow scheduler`)."""

from . import services


def supervise() -> dict:
    """Marks tickets near or past their limit (督办) and tells supervisors of the newly overdue."""
    return {"changed": services.supervise_due()}
