"""Writes for department systems: register a client, subscribe an endpoint, rotate its secret, fan
events out to deliveries, retry or discard what failed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from onewindow.catalog.models import Department
from onewindow.core import rows
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import ApiToken, Role, User
from onewindow.core.tasks import enqueue_once

from . import signing
from .delivery import deliver_pending
from .models import SCOPES, ApiClient, DeliveryStatus, WebhookDelivery, WebhookEndpoint

ROTATION_OVERLAP = dt.timedelta(hours=24)


def _scope_errors(scopes: list[str]) -> list[FieldError]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        return [FieldError("scopes", f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(SCOPES)}")]
    return []


@transaction.atomic
def register_client(name: str, department_code: str, scopes: list[str], token_days: int = 365):
    """A department system: its service account (a reviewer of that department, no password) and a
    token with `scopes`. Returns the client and the token, shown once."""
    errors = _scope_errors(scopes)
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        errors.append(FieldError("department", f"no department {department_code!r}"))
    name = name.strip()
    if not name:
        errors.append(FieldError("name", "a name is required"))
    elif ApiClient.objects.filter(name=name).exists():
        errors.append(FieldError("name", f"a client named {name!r} exists"))
    if errors:
        raise InvalidInput(errors)
    account = User(
        username=f"system-{department.code.lower()}-{ApiClient.objects.count() + 1}", role=Role.REVIEWER
    )
    account.department = department
    account.set_unusable_password()
    account.save()
    client = ApiClient.objects.create(name=name, department=department, account=account, scopes=scopes)
    _token, raw = ApiToken.issue(account, label=f"client {name}", days=token_days, scopes=scopes)
    return client, raw


def add_endpoint(client: ApiClient, url: str, event_types: list[str]) -> WebhookEndpoint:
    errors = []
    if not url.startswith(("http://", "https://")):
        errors.append(FieldError("url", "must start with http:// or https://"))
    if not event_types:
        errors.append(FieldError("event_types", "name at least one event type, a family (case.*) or *"))
    if errors:
        raise InvalidInput(errors)
    return WebhookEndpoint.objects.create(
        client=client, url=url, event_types=event_types, secret=signing.new_secret()
    )


def rotate_secret(endpoint: WebhookEndpoint, overlap: dt.timedelta = ROTATION_OVERLAP) -> str:
    """A new secret; the old one keeps signing beside it for `overlap`, so the receiver can switch at
    its own pace without a delivery failing."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = timezone.now() + overlap
    endpoint.secret = signing.new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint.secret


def _subscribers(event) -> list[WebhookEndpoint]:
    """The active endpoints of the event's department that want its type. Every event asks, inside the
    recording transaction, so the SQL is plain (core/rows.py)."""
    if not event.department:
        return []
    sql = (
        f"SELECT {rows.columns(WebhookEndpoint, 'w')} FROM {WebhookEndpoint._meta.db_table} w "
        f"JOIN {ApiClient._meta.db_table} c ON c.id = w.client_id "
        "JOIN catalog_department d ON d.id = c.department_id "
        "WHERE w.is_active AND c.is_active AND d.code = %s"
    )
    endpoints = [row[0] for row in rows.fetch(sql, [event.department], WebhookEndpoint)]
    return [endpoint for endpoint in endpoints if endpoint.wants(event.type)]


def fan_out(sender, event, **kwargs) -> None:
    """On `event_recorded`, inside the event's transaction: a delivery per subscribed endpoint, and a
    wake-up for the worker (both exist exactly when the event does)."""
    endpoints = _subscribers(event)
    if not endpoints:
        return
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, subject=event.subject) for endpoint in endpoints
    )
    for endpoint in endpoints:
        enqueue_once(deliver_pending, endpoint.pk)


def replay(deliveries) -> int:
    """Send again: dead or discarded ones, or delivered ones a receiver lost. Returns how many."""
    count = 0
    with transaction.atomic():
        for delivery in deliveries:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, timezone.now()
            delivery.lease_until, delivery.delivered_at = None, None
            delivery.save(update_fields=["status", "next_attempt_at", "lease_until", "delivered_at"])
            enqueue_once(deliver_pending, delivery.endpoint_id)
            count += 1
    return count


def discard(deliveries) -> int:
    """Give up on failed deliveries (later events of the same case then go out)."""
    count = 0
    with transaction.atomic():
        for delivery in deliveries:
            if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.DEAD):
                delivery.status = DeliveryStatus.DISCARDED
                delivery.save(update_fields=["status"])
                enqueue_once(deliver_pending, delivery.endpoint_id)
                count += 1
    return count
