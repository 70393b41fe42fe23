"""Sending webhook deliveries: the worker's task, claims with leases, order per subject, backoff.

`deliver_pending(endpoint_id)` sends what is due for one endpoint, oldest event first, and books its
own next wake-up when something is left for later. A worker killed mid-batch leaves leases that run
out; the next run takes those deliveries again. The receiver may therefore see a message twice, with
the same webhook-id, and drops the repeat (as the Standard Webhooks specification expects).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import time
import urllib.parse

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task

from onewindow.core.tasks import backoff_seconds, enqueue_once

from . import signing
from .models import DeliveryAttempt, DeliveryStatus, WebhookDelivery, WebhookEndpoint

BATCH = 100
TIMEOUT_SECONDS = 10
# Answers that mean "the receiver is down or overloaded", not "this message is wrong".
RECEIVER_DOWN = {408, 429, 500, 502, 503, 504}


def body(delivery: WebhookDelivery) -> bytes:
    event = delivery.event
    message = {
        "type": event.type,
        "timestamp": event.occurred_at.isoformat(),
        "data": {"event_id": event.pk, "subject": event.subject, **event.payload},
    }
    return json.dumps(message, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def _unleased(now) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def _pending_due(now):
    """Pending deliveries whose time has come and that no worker holds."""
    return WebhookDelivery.objects.filter(
        _unleased(now), status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    )


def _due(endpoint_id: int, now):
    """The endpoint's due deliveries that wait for no earlier one of their subject."""
    earlier_open = WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id,
        subject=OuterRef("subject"),
        event_id__lt=OuterRef("event_id"),
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.DEAD),
    )
    return _pending_due(now).filter(endpoint_id=endpoint_id).exclude(Exists(earlier_open))


def claim(endpoint_id: int, limit: int = BATCH) -> list[WebhookDelivery]:
    """Leases up to `limit` due deliveries that wait for no earlier one of their subject."""
    now = timezone.now()
    ids = list(_due(endpoint_id, now).order_by("event_id").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    token = get_random_string(16)
    lease = dt.timedelta(seconds=settings.ONEWINDOW_WEBHOOK_LEASE_SECONDS)
    WebhookDelivery.objects.filter(_unleased(now), id__in=ids, status=DeliveryStatus.PENDING).update(
        lease_until=now + lease, claimed_by=token
    )
    return list(
        WebhookDelivery.objects.filter(claimed_by=token, id__in=ids)
        .select_related("event")
        .order_by("event_id")
    )


class Sender:
    """One keep-alive connection to an endpoint for a batch."""

    def __init__(self, url: str):
        self.url = urllib.parse.urlsplit(url)
        self.connection = None

    def post(self, payload: bytes, headers: dict[str, str]) -> int:
        if self.connection is None:
            kind = http.client.HTTPSConnection if self.url.scheme == "https" else http.client.HTTPConnection
            self.connection = kind(self.url.hostname, self.url.port, timeout=TIMEOUT_SECONDS)
        path = self.url.path or "/"
        if self.url.query:
            path += "?" + self.url.query
        try:
            self.connection.request("POST", path, body=payload, headers=headers)
            response = self.connection.getresponse()
            response.read()
            return response.status
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def send(endpoint: WebhookEndpoint, delivery: WebhookDelivery, sender: Sender) -> bool:
    """One try; the delivery and the log record the outcome. True when the receiver is reachable
    (whatever it answered about this message)."""
    payload = body(delivery)
    headers = signing.headers(endpoint.signing_secrets(), delivery.msg_id, int(time.time()), payload)
    headers.update({"content-type": "application/json", "user-agent": "OneWindow-Webhooks/1"})
    started = time.monotonic()
    status_code, error = None, ""
    try:
        status_code = sender.post(payload, headers)
    except (OSError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}"
    duration = int((time.monotonic() - started) * 1000)
    ok = status_code is not None and 200 <= status_code < 300
    if not ok and not error:
        error = f"HTTP {status_code}"
    now = timezone.now()
    claimed_by = delivery.claimed_by
    delivery.attempts += 1
    delivery.lease_until, delivery.claimed_by, delivery.last_error = None, "", "" if ok else error
    if ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
    elif delivery.attempts >= settings.ONEWINDOW_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.DEAD
    else:
        delivery.next_attempt_at = now + dt.timedelta(seconds=_backoff(delivery.attempts))
    DeliveryAttempt.objects.create(
        delivery=delivery, at=now, status_code=status_code, error=error, duration_ms=duration
    )
    # Only if still ours: a lease that ran out meanwhile belongs to whoever took it next.
    _held([delivery.pk], claimed_by).update(
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        lease_until=None,
        claimed_by="",
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
    )
    return error == "" or status_code not in (None, *RECEIVER_DOWN)


def _backoff(attempts: int) -> float:
    return backoff_seconds(
        attempts,
        base=settings.ONEWINDOW_WEBHOOK_RETRY_BASE_SECONDS,
        cap=settings.ONEWINDOW_WEBHOOK_RETRY_CAP_SECONDS,
    )


def _held(pks: list[int], claimed_by: str):
    """The pending deliveries among `pks` still held under the claim `claimed_by`."""
    return WebhookDelivery.objects.filter(pk__in=pks, status=DeliveryStatus.PENDING, claimed_by=claimed_by)


def _release(unsent: list[WebhookDelivery]) -> None:
    """Gives back the rest of a batch (one claim) untried."""
    if unsent:
        _held([d.pk for d in unsent], unsent[0].claimed_by).update(lease_until=None, claimed_by="")


@task()
def deliver_pending(endpoint_id: int) -> int:
    """Sends the endpoint's due deliveries; returns how many went out. Idempotent: running it twice,
    or on two workers, sends nothing twice that the first run has recorded."""
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True).first()
    if endpoint is None:
        return 0
    delivered = 0
    sender = Sender(endpoint.url)
    try:
        while endpoint.resume_at is None or endpoint.resume_at <= timezone.now():
            batch = claim(endpoint.pk)
            if not batch:
                break
            for position, delivery in enumerate(batch):
                reachable = send(endpoint, delivery, sender)
                if not reachable:
                    _receiver_down(endpoint)
                    _release(batch[position + 1 :])
                    break
                delivered += delivery.status == DeliveryStatus.DELIVERED
                if endpoint.failures_in_a_row:
                    _receiver_up(endpoint)
    finally:
        sender.close()
    _book_next_run(endpoint)
    return delivered


def _receiver_down(endpoint: WebhookEndpoint) -> None:
    endpoint.failures_in_a_row += 1
    endpoint.resume_at = timezone.now() + dt.timedelta(seconds=_backoff(endpoint.failures_in_a_row))
    endpoint.save(update_fields=["failures_in_a_row", "resume_at"])


def _receiver_up(endpoint: WebhookEndpoint) -> None:
    endpoint.failures_in_a_row, endpoint.resume_at = 0, None
    endpoint.save(update_fields=["failures_in_a_row", "resume_at"])


def _book_next_run(endpoint: WebhookEndpoint) -> None:
    """Wake up again when a pending delivery falls due: a retry, a lease that runs out, the end of the
    receiver's pause. (One that is due but waits behind a dead one is woken by its replay or discard.)"""
    now = timezone.now()
    soonest = WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).aggregate(
        pending=Count("id"),
        retry=Min("next_attempt_at", filter=Q(next_attempt_at__gt=now)),
        lease=Min("lease_until", filter=Q(lease_until__gt=now)),
    )
    if not soonest["pending"]:
        return
    resume = endpoint.resume_at if endpoint.resume_at and endpoint.resume_at > now else None
    times = [t for t in (soonest["retry"], soonest["lease"], resume) if t is not None]
    if not times:
        return
    enqueue_once(deliver_pending.using(run_after=max(min(times), resume or now)), endpoint.pk)


def wake_all() -> int:
    """The sweep (scheduler): a wake-up for every endpoint with something due, in case a wake-up was
    lost (a broker that restarted, a task that went to the dead letters)."""
    now = timezone.now()
    endpoints = _pending_due(now).values_list("endpoint_id", flat=True).distinct()
    count = 0
    for endpoint_id in endpoints:
        enqueue_once(deliver_pending, endpoint_id)
        count += 1
    return count
