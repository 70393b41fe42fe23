"""Django's task API on Celery (ONEWINDOW_TASK_BACKEND=celery): `enqueue` sends a message that the
Celery task in celery.py runs. Kept apart from celery.py, which sets Django up for the worker."""

from django.utils.crypto import get_random_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.backends.base import BaseTaskBackend


class CeleryBackend(BaseTaskBackend):
    supports_defer = True

    def enqueue(self, task, args, kwargs):
        from .celery import run_task

        self.validate_task(task)
        run_task.apply_async((task.module_path, list(args), dict(kwargs)), eta=task.run_after)
        return TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
