"""Background work on Django's task API: enqueue with the change, retry with backoff, dead letters,
and workers that give back the tasks of a worker that died.

A side effect that need not finish inside the request is a module-level function decorated with
`django_tasks.task()`, idempotent (it may run again after a crash), and put on the queue with
`enqueue(task, ...)` inside the transaction of the change that causes it.

With the database backend the task is a row written in that transaction: it exists exactly when the
change does. A broker (Celery) cannot join the transaction, so the task is handed over once the change
commits; what must survive a crash in between lives in the database too (the outbox, webhook
deliveries) and is picked up again by its own sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
from dataclasses import dataclass
from traceback import format_exc

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction

from .models import DeadLetter, WorkerHeartbeat

log = logging.getLogger("onewindow.tasks")
# How the database backend marks "run as soon as possible".
DATE_MAX = get_date_max()


def queues_in_database(backend_name: str = "default") -> bool:
    return isinstance(task_backends[backend_name], DatabaseBackend)


def enqueue(task, *args, **kwargs) -> None:
    """Put `task(*args, **kwargs)` on the queue with the current transaction's change (see above)."""
    if queues_in_database(task.backend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=True)


def enqueue_once(task, *args, **kwargs) -> None:
    """`enqueue`, unless the same call already waits in the database queue to run no later than this
    one would (a wake-up such as "deliver what is pending for endpoint 3" is needed once, not once
    per change)."""
    if queues_in_database(task.backend):
        wanted = task.run_after or timezone.now()
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=task.module_path, backend_name=task.backend
        ).values_list("args_kwargs", "run_after")
        call = {"args": list(args), "kwargs": kwargs}
        if any(
            arguments == call and (run_after == DATE_MAX or run_after <= wanted)
            for arguments, run_after in waiting
        ):
            return
    enqueue(task, *args, **kwargs)


def backoff_seconds(attempt: int, base: float | None = None, cap: float | None = None) -> float:
    """Seconds to wait after failed try number `attempt` (1, 2, …): base·2^(attempt-1), capped, with
    up to 10 % jitter so that tasks failing together do not all come back together."""
    base = settings.ONEWINDOW_TASK_RETRY_BASE_SECONDS if base is None else base
    cap = settings.ONEWINDOW_TASK_RETRY_CAP_SECONDS if cap is None else cap
    delay = min(cap, base * 2 ** (attempt - 1))
    return delay * (1 + random.random() / 10)  # noqa: S311 (spreading, not secrecy)


def retry_delay(attempts: int) -> float | None:
    """Seconds to wait before the next try after `attempts` failed ones, or None when that was the last
    (the task becomes a dead letter). The one retry policy of both backends."""
    return backoff_seconds(attempts) if attempts < settings.ONEWINDOW_TASK_MAX_ATTEMPTS else None


def dead_letter(task_path: str, args_kwargs: dict, queue_name: str, attempts: int, error: str, traceback=""):
    log.error("task %s failed %d times, now a dead letter: %s", task_path, attempts, error)
    return DeadLetter.objects.create(
        task_path=task_path,
        args_kwargs=args_kwargs,
        queue_name=queue_name,
        attempts=attempts,
        error=error,
        traceback=traceback,
    )


def retry_dead_letter(letter: DeadLetter) -> None:
    """Back on the queue with a fresh count of tries; the letter goes."""
    task = import_string(letter.task_path)
    with transaction.atomic():
        arguments = letter.args_kwargs
        enqueue(
            task.using(queue_name=letter.queue_name),
            *arguments.get("args", []),
            **arguments.get("kwargs", {}),
        )
        letter.delete()


class Worker(DatabaseWorker):
    """django-tasks-db's worker, with what a crash-safe queue needs: tries again with backoff, dead
    letters after the last try, a heartbeat by which other workers know it is alive, and fencing: a
    task given back meanwhile (its worker seemed dead) is not marked done or failed by the old run."""

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.running_task = True
        try:
            try:
                # A task whose code is gone (a row older than a deployment) fails here, as a try.
                task = db_task_result.task
                result = db_task_result.task_result
                value = task.call(*result.args, **result.kwargs)
            except Exception as error:
                give_back_or_bury(db_task_result, f"{type(error).__name__}: {error}", format_exc())
            else:
                _still_ours(db_task_result).update(
                    status=TaskResultStatus.SUCCESSFUL,
                    finished_at=timezone.now(),
                    return_value=normalize_json(value),
                    exception_class_path="",
                    traceback="",
                )
                db_task_result.status = TaskResultStatus.SUCCESSFUL
        finally:
            self.running_task = False
            self._run_tasks += 1

    def run(self) -> None:
        beat = Heartbeat(self.worker_id, every=settings.ONEWINDOW_WORKER_LEASE_SECONDS / 3)
        beat.start()
        try:
            super().run()
        finally:
            beat.stop()


def _still_ours(db_task_result: DBTaskResult):
    """The row, if it is still in the run that `db_task_result` was claimed for (each claim stamps a
    new started_at): the fence that keeps an old run from overwriting a newer one."""
    return DBTaskResult.objects.filter(
        pk=db_task_result.pk, status=TaskResultStatus.RUNNING, started_at=db_task_result.started_at
    )


def give_back_or_bury(
    db_task_result: DBTaskResult, error: str, traceback: str = "", wait: bool = True
) -> bool:
    """A failed or orphaned run: back on the queue (after a backoff if `wait`), or a dead letter after
    the last try. Nothing happens, and False is returned, if the run is no longer the task's current one."""
    attempts = len(db_task_result.worker_ids)
    db_task_result.status = TaskResultStatus.FAILED
    delay = retry_delay(attempts)
    if delay is not None:
        delay = delay if wait else 0
        given_back = _still_ours(db_task_result).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now() + dt.timedelta(seconds=delay),
            started_at=None,
            finished_at=None,
            exception_class_path=error.partition(":")[0],
            traceback=traceback,
        )
        if given_back:
            log.warning(
                "task %s: try %d failed, again in %.0f s: %s",
                db_task_result.task_path,
                attempts,
                delay,
                error,
            )
        return bool(given_back)
    with transaction.atomic():
        buried = _still_ours(db_task_result).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now()
        )
        if buried:
            dead_letter(
                db_task_result.task_path,
                db_task_result.args_kwargs,
                db_task_result.queue_name,
                attempts,
                error,
                traceback,
            )
    return bool(buried)


def reap_orphans(lease_seconds: float | None = None) -> int:
    """Running tasks whose worker has gone silent go back on the queue (or, after the last try, to the
    dead letters): handlers are idempotent, so running one again is safe. Returns how many."""
    lease = settings.ONEWINDOW_WORKER_LEASE_SECONDS if lease_seconds is None else lease_seconds
    alive = set(
        WorkerHeartbeat.objects.filter(
            last_seen__gte=timezone.now() - dt.timedelta(seconds=lease)
        ).values_list("worker_id", flat=True)
    )
    orphans = [
        result
        for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        if not result.worker_ids or result.worker_ids[-1] not in alive
    ]
    given_back = sum(
        give_back_or_bury(result, "the worker running it stopped", wait=False) for result in orphans
    )
    WorkerHeartbeat.objects.filter(last_seen__lt=timezone.now() - dt.timedelta(seconds=10 * lease)).delete()
    return given_back


class Heartbeat(threading.Thread):
    """Says every `every` seconds that the worker is alive, and gives back the tasks of workers that
    are not (on its own thread and connection, so a long task does not silence it)."""

    def __init__(self, worker_id: str, every: float):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id, self.every = worker_id, every
        self._stopped = threading.Event()

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"last_seen": now},
            create_defaults={
                "last_seen": now,
                "started_at": now,
                "host": socket.gethostname(),
                "pid": os.getpid(),
            },
        )

    def run(self) -> None:
        try:
            while not self._stopped.is_set():
                try:
                    self.beat()
                    if count := reap_orphans():
                        log.warning("gave back %d task(s) of stopped workers", count)
                except Exception:  # the database may be busy or restarting: try at the next beat
                    log.exception("heartbeat failed")
                self._stopped.wait(self.every)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopped.set()
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"


def make_worker(**options) -> Worker:
    defaults = dict(
        queue_names=["default"],
        interval=0.5,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=new_worker_id(),
        excluded_queue_names=[],
    )
    return Worker(**{**defaults, **options})


@dataclass
class Drained:
    ran: int
    failed: int


def run_queued(backend_name: str = "default") -> Drained:
    """Runs, in this process, every task that is due now (and those they enqueue), then returns. For
    tests, the demo's seeding and `onewindow worker --batch`; without the polling loop's connection
    housekeeping, so it also works inside a test's transaction."""
    worker = make_worker(backend_name=backend_name, batch=True)
    ran = failed = 0
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            result = DBTaskResult.objects.ready().filter(backend_name=backend_name).get_locked()
            if result is not None:
                result.claim(worker.worker_id)
        if result is None:
            break
        worker.run_task(result)
        ran += 1
        failed += result.status != TaskResultStatus.SUCCESSFUL
    return Drained(ran=ran, failed=failed)


def run_worker(**options) -> None:
    """`onewindow worker`: polls for due tasks until stopped (SIGTERM / Ctrl+C finish the task at hand)."""
    close_old_connections()
    worker = make_worker(**options)
    worker.configure_signals()
    worker.run()
