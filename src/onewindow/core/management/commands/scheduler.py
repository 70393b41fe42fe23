from django.core.management.base import BaseCommand

from onewindow.core import scheduler


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs (apology notices, hall no-shows, index reconciliation, webhook sweep) by "
        "the clock until stopped; each slot runs once even with two schedulers, and missed slots are "
        "caught up. --once runs what is due now and stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due now, then stop")

    def handle(self, *args, once, **options):
        if once:
            for run in scheduler.run_due():
                self.stdout.write(f"{run.job} {run.slot:%Y-%m-%d %H:%M} {run.outcome} {run.detail}")
            return
        self.stdout.write("scheduler running: " + ", ".join(job.name for job in scheduler.jobs()))
        scheduler.run_forever()
