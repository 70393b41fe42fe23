"""Scheduled payment work: yesterday's reconciliation, and pending payments asked after (a notice
that never came, a payer who closed the page)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from .gateways import GatewayError
from .models import Payment

log = logging.getLogger("onewindow.payments")


def reconcile_yesterday() -> dict:
    from .services import reconcile_day

    day = timezone.now().astimezone(dt.UTC).date() - dt.timedelta(days=1)
    try:
        report = reconcile_day(day)
    except GatewayError as error:
        log.error("reconciliation of %s not run: %s", day, error)
        return {"day": day.isoformat(), "error": str(error)}
    return {"day": day.isoformat(), "matched": report.matched, "mismatches": len(report.mismatches)}


def refresh_pending(older_than_minutes: int = 10, within_days: int = 2) -> dict:
    from .services import refresh

    now = timezone.now()
    pending = Payment.objects.filter(
        status=Payment.Status.PENDING,
        channel=Payment.Channel.ONLINE,
        created_at__lt=now - dt.timedelta(minutes=older_than_minutes),
        created_at__gte=now - dt.timedelta(days=within_days),
    ).exclude(pay_url="")
    settled = sum(refresh(payment).status != Payment.Status.PENDING for payment in pending[:500])
    return {"settled": settled}
