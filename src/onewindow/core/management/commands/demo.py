from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from onewindow.core.demo import DEMO_PASSWORD, load_demo, load_demo_cases
from onewindow.hall.demo import load_demo_history


class Command(BaseCommand):
    help = "Migrate the database, load the demo data (idempotent) and serve OneWindow."

    def add_arguments(self, parser):
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="HOST:PORT to serve on (default 127.0.0.1:8000)"
        )
        parser.add_argument(
            "--data-dir",
            help="Folder for the database, uploads and secret key "
            "(or ONEWINDOW_DATA_DIR); read by the onewindow script before start-up",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the database and data, then stop"
        )

    def handle(self, *args, addr, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        summary, users = load_demo()
        cases = load_demo_cases()
        tickets = load_demo_history()
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        self.stdout.write(
            f"Demo catalog: {summary}; {users} demo users created (password: {DEMO_PASSWORD}); "
            f"{cases} demo cases and {tickets} tickets of hall history created"
        )
        if no_serve:
            return
        self.stdout.write(f"Serving on http://{addr}/  (API docs: http://{addr}/api/docs)")
        # A visitor to the demo tries the kiosk from their own browser; a real hall enrols its kiosks.
        settings.ONEWINDOW_OPEN_KIOSKS = True
        call_command("runserver", addr, insecure_serving=True, use_reloader=False, use_threading=True)
