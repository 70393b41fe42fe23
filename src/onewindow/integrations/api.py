"""The events API: the outbox as a stream with a cursor, for systems that cannot receive webhooks."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from onewindow.core import events
from onewindow.core.auth import bearer
from onewindow.core.models import SUPERVISORS, Role
from onewindow.core.permissions import Forbidden
from onewindow.core.schemas import Out

router = Router(tags=["events"], auth=bearer)


class EventsQuery(Schema):
    after: int = Field(0, ge=0, le=2**62, description="the last event id already read (0: from the start)")
    types: str = Field(
        "", max_length=2000, description="comma-separated event types, e.g. case.filed,case.decided"
    )
    limit: int = Field(100, ge=1, le=1000)


class DomainEventOut(Out):
    id: int
    type: str
    subject: str
    department: str
    occurred_at: dt.datetime
    data: dict


class DomainEventPage(Out):
    events: list[DomainEventOut]
    next_after: int = Field(description="pass as `after` to read on; the same value when nothing was new")


@router.get("/events", response=DomainEventPage, summary="Events after a cursor, oldest first")
def list_events(request, filters: Query[EventsQuery]):
    """Every event of the caller's department (a department system, a reviewer) or of all departments
    (supervisors), in commit order: reading on from `next_after` misses none and repeats none."""
    user = request.auth
    if user.role in SUPERVISORS:
        department = None
    elif user.role == Role.REVIEWER and user.department_id:
        department = user.department.code
    else:
        raise Forbidden("events are for department systems, reviewers and supervisors")
    types = [t.strip() for t in filters.types.split(",") if t.strip()]
    page = events.read(after=filters.after, types=types, department=department, limit=filters.limit)
    return {
        "events": [
            {
                "id": e.pk,
                "type": e.type,
                "subject": e.subject,
                "department": e.department,
                "occurred_at": e.occurred_at,
                "data": e.payload,
            }
            for e in page
        ],
        "next_after": page[-1].pk if page else filters.after,
    }
