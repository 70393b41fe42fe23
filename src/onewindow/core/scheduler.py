"""`onewindow scheduler`: the jobs that run by the clock, each slot once, caught up after downtime.

Jobs are listed in settings.ONEWINDOW_SCHEDULE by dotted path (the ground floor imports no component):
`{"name": …, "run": "package.module.function", "daily_at": "HH:MM"}` or `{…, "every_seconds": N}`. The
function takes no argument and returns a short summary (a dict or a number).

A slot is claimed by inserting its ScheduledRun row: the unique (job, slot) constraint is the lock, so
two schedulers running at once never both run it. A daily job that missed days (the server was down)
runs once for each missed day, up to CATCH_UP_DAYS; an interval job runs once for the latest slot.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun
from .tasks import new_worker_id

log = logging.getLogger("onewindow.scheduler")
CATCH_UP_DAYS = 7


@dataclass(frozen=True)
class Job:
    name: str
    run: str
    daily_at: dt.time | None = None
    every_seconds: int | None = None

    @classmethod
    def from_setting(cls, entry: dict) -> Job:
        daily = entry.get("daily_at")
        return cls(
            name=entry["name"],
            run=entry["run"],
            daily_at=dt.time.fromisoformat(daily) if daily else None,
            every_seconds=entry.get("every_seconds"),
        )


def jobs() -> list[Job]:
    return [Job.from_setting(entry) for entry in settings.ONEWINDOW_SCHEDULE]


def due_slots(job: Job, last_slot: dt.datetime | None, now: dt.datetime) -> list[dt.datetime]:
    """The slots of `job` to run at `now`, oldest first, given the last slot run (pure)."""
    if job.every_seconds:
        epoch = int(now.timestamp()) // job.every_seconds * job.every_seconds
        latest = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
        return [latest] if last_slot is None or latest > last_slot else []
    local_now = timezone.localtime(now)
    slots = []
    for back in range(CATCH_UP_DAYS - 1, -1, -1):
        day = local_now.date() - dt.timedelta(days=back)
        slot = timezone.make_aware(dt.datetime.combine(day, job.daily_at))
        if slot <= now and (last_slot is None or slot > last_slot):
            slots.append(slot)
    if last_slot is None and slots:
        return slots[-1:]  # a new installation starts with the latest slot, not a week of back runs
    return slots


def last_slot(job: Job) -> dt.datetime | None:
    return ScheduledRun.objects.filter(job=job.name).order_by("-slot").values_list("slot", flat=True).first()


def _claim(job: Job, slot: dt.datetime, scheduler_id: str) -> ScheduledRun | None:
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                job=job.name, slot=slot, started_at=timezone.now(), scheduler=scheduler_id
            )
    except IntegrityError:
        return None  # another scheduler has this slot


def run_due(now: dt.datetime | None = None, scheduler_id: str = "") -> list[ScheduledRun]:
    """Runs every due slot of every job once; returns the runs this call made."""
    now = now or timezone.now()
    scheduler_id = scheduler_id or new_worker_id()
    made = []
    for job in jobs():
        for slot in due_slots(job, last_slot(job), now):
            run = _claim(job, slot, scheduler_id)
            if run is None:
                continue
            try:
                summary = import_string(job.run)()
                run.outcome, run.detail = "done", json.dumps(summary, default=str, ensure_ascii=False)[:2000]
            except Exception as error:  # recorded for the administrator; the next slot tries again
                log.exception("scheduled job %s failed", job.name)
                run.outcome, run.detail = "failed", f"{type(error).__name__}: {error}"[:2000]
            run.finished_at = timezone.now()
            run.save(update_fields=["outcome", "detail", "finished_at"])
            made.append(run)
    return made


def run_forever(tick_seconds: float = 5) -> None:
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: stopped.set())
    scheduler_id = new_worker_id()
    while not stopped.is_set():
        close_old_connections()
        try:
            for run in run_due(scheduler_id=scheduler_id):
                log.info("scheduled job %s for %s: %s %s", run.job, run.slot, run.outcome, run.detail)
        except Exception:  # the database may be restarting: try at the next tick
            log.exception("scheduler tick failed")
        stopped.wait(tick_seconds)
