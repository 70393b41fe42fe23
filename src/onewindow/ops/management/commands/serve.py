import logging.config
import multiprocessing
import os

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve OneWindow in production: gunicorn with (2 × CPUs + 1) sync workers by default, static "
        "files from WhiteNoise, logs to stdout. The app servers keep no state: run several behind a "
        "load balancer on one PostgreSQL (see docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="HOST:PORT (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1)
        parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
        parser.add_argument(
            "--timeout", type=int, default=30, help="seconds before a stuck worker is replaced"
        )
        parser.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
        parser.add_argument(
            "--log-format",
            choices=("json", "text"),
            default=os.environ.get("ONEWINDOW_LOG_FORMAT", "json"),
            help="json: one JSON object per line, access records included (default); text: plain lines",
        )

    def handle(self, *args, addr, workers, threads, timeout, no_migrate, log_format, **options):
        from gunicorn.app.base import BaseApplication

        from onewindow.core.logs import AccessLogger, logging_config
        from onewindow.wsgi import application

        logging_setting = logging_config(log_format, os.environ.get("ONEWINDOW_LOG_LEVEL", "INFO"))
        logging.config.dictConfig(logging_setting)

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from onewindow.catalog.calendars import warn_if_next_year_missing
        from onewindow.core import clock

        warn_if_next_year_missing(clock.today())
        _close_database_connections()  # the workers are forked from here: none may inherit a connection
        config = {
            "bind": addr,
            "workers": workers,
            "threads": threads,
            "timeout": timeout,
            "accesslog": "-",
            "errorlog": "-",
            "logger_class": AccessLogger,
            "logconfig_dict": logging_setting,
            "worker_tmp_dir": "/dev/shm",
        }

        class Server(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        logging.getLogger("onewindow.serve").info("Serving on http://%s/ with %s workers", addr, workers)
        Server().run()


def _close_database_connections() -> None:
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
