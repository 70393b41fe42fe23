"""Cases' scheduled jobs (settings.ONEWINDOW_SCHEDULE, run by `onewindow scheduler`)."""

from .services import send_apologies


def apologies() -> dict:
    return {"apologies": len(send_apologies())}
