"""The task backend for larger installations: Celery workers on RabbitMQ, with the same tasks.

ONEWINDOW_TASK_BACKEND=celery routes every `enqueue` here (celery_backend.py); start workers with
`celery -A onewindow.core.celery worker` (docs/operations.md). A task message carries the task's path
and arguments; the one Celery task below runs it, retries it with the same backoff as the database
worker, and turns the last failure into a dead letter in the database.

Messages are acknowledged after the task has run, and given back if the worker dies (kill -9): the
broker delivers them again, and the handlers are idempotent.
"""

from __future__ import annotations

import os
import traceback

import django
from django.apps import apps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
if not apps.ready and not apps.loading:  # a Celery worker starting (in OneWindow, Django is set up)
    django.setup()

from celery import Celery  # noqa: E402 (Django first: the tasks use its settings and models)
from celery.signals import task_postrun, task_prerun  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from django_tasks import DEFAULT_TASK_QUEUE_NAME  # noqa: E402

app = Celery("onewindow", broker=settings.ONEWINDOW_BROKER_URL)
app.conf.update(
    task_default_queue=os.environ.get("ONEWINDOW_CELERY_QUEUE", "onewindow"),
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@task_prerun.connect
@task_postrun.connect
def _fresh_connections(**kwargs):
    close_old_connections()


@app.task(name="onewindow.run_task")
def run_task(task_path: str, args: list, kwargs: dict, attempt: int = 1) -> None:
    from .tasks import dead_letter, retry_delay

    try:
        # A task whose code is gone (a message older than a deployment) fails here, as a try.
        import_string(task_path).call(*args, **kwargs)
    except Exception as error:
        delay = retry_delay(attempt)
        if delay is not None:
            run_task.apply_async((task_path, args, kwargs, attempt + 1), countdown=delay)
        else:
            dead_letter(task_path, {"args": args, "kwargs": kwargs}, DEFAULT_TASK_QUEUE_NAME, attempt,
                        f"{type(error).__name__}: {error}", traceback.format_exc())  # fmt: skip
