"""Reads: forwarded cases for the window, the outbox for the operator, a result's certificates."""

from __future__ import annotations

from onewindow.certificates import selectors as certificate_selectors
from onewindow.core.models import SUPERVISORS, Role, User

from .models import ForwardedCase, MessageStatus, OutgoingMessage

WINDOW_STAFF = (Role.CLERK, *SUPERVISORS)


def visible_forwarded(user: User):
    """The window staff and supervisors see the cases their region sent elsewhere."""
    if user.role not in WINDOW_STAFF:
        return ForwardedCase.objects.none()
    return ForwardedCase.objects.select_related("peer", "taken_by")


def waiting_messages():
    return OutgoingMessage.objects.filter(status=MessageStatus.PENDING).select_related("peer")


def result_certificates(forwarded: ForwardedCase) -> list[certificate_selectors.Verdict]:
    """The certificates the partner issued with its decision, verified here (its trust list)."""
    return [certificate_selectors.verify_signed(token) for token in forwarded.result_certificates]
