from django.core.management.base import BaseCommand, CommandError

from onewindow.core import tasks


class Command(BaseCommand):
    help = (
        "Run background tasks from the database queue until stopped: notices, webhook deliveries, "
        "exports. Start one or more beside the web server (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="default", help="queues to serve, comma-separated, or *")
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between looks when idle")
        parser.add_argument("--batch", action="store_true", help="run what is due now, then stop")

    def handle(self, *args, queue, interval, batch, **options):
        if not tasks.queues_in_database():
            raise CommandError(
                "ONEWINDOW_TASK_BACKEND is not 'database': start Celery workers instead "
                "(celery -A onewindow.core.celery worker, docs/operations.md)"
            )
        if interval < 0:
            raise CommandError("--interval must be zero or more seconds")
        if batch:
            drained = tasks.run_queued()
            self.stdout.write(f"ran {drained.ran} task(s), {drained.failed} failed")
            return
        self.stdout.write(f"worker serving queue(s) {queue}; stop with Ctrl+C")
        tasks.run_worker(queue_names=queue.split(","), interval=interval)
