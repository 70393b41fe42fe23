import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from onewindow.cases.notifications import notices_held_back
from onewindow.catalog.models import Region
from onewindow.core.demo_users import DEMO_PASSWORD
from onewindow.hall.demo import load_demo_history, load_region_hall_history
from onewindow.hotline.demo import DEMO_DAYS, load_demo_hotline
from onewindow.ops import background
from onewindow.ops import live as live_centre
from onewindow.ops.demo import (
    REGION_CATALOGS,
    REGION_ROOTS,
    load_demo,
    load_demo_cases,
    load_demo_certificates,
    load_demo_registers,
    load_region_catalog,
)
from onewindow.ops.history import ensure_history
from onewindow.policies.demo import load_demo_policies
from onewindow.trading.demo import guarantor_commands, load_demo_trading


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
        parser.add_argument(
            "--live",
            action="store_true",
            help="Keep the centre moving while serving: tickets taken and called, cases filed and advanced",
        )
        parser.add_argument(
            "--live-pace",
            type=float,
            default=4.0,
            help="Seconds between two live events, on average (default 4)",
        )
        parser.add_argument(
            "--history-weeks",
            type=int,
            default=13,
            help="Weeks of history written through the services the first time (default 13; 0: none)",
        )

    def handle(self, *args, addr, no_serve, history_weeks, live, live_pace, **options):
        if not 0 <= history_weeks <= 104:
            raise CommandError("--history-weeks must be from 0 to 104")
        if not 0.2 <= live_pace <= 600:
            raise CommandError("--live-pace must be from 0.2 to 600 seconds")
        # Links in documents and the guarantors' callbacks go to the address served (unless set); the
        # demo's guarantors listen beside its port, so that two demos side by side keep apart.
        port = int(addr.rpartition(":")[2]) if addr.rpartition(":")[2].isdigit() else 8000
        if "ONEWINDOW_PUBLIC_URL" not in os.environ:
            os.environ["ONEWINDOW_PUBLIC_URL"] = settings.ONEWINDOW_PUBLIC_URL = f"http://{addr}"
        call_command("migrate", interactive=False, verbosity=0)
        summary, users = load_demo()
        provinces = {region: load_region_catalog(region) for region in REGION_CATALOGS}
        history = ensure_history(weeks=history_weeks)
        region_histories = {r: ensure_history(weeks=history_weeks, region=r) for r in provinces}
        # Today's few cases: after a history just written, or into an empty case table.
        with notices_held_back():  # the demo's own cases notify nobody
            cases = load_demo_cases(only_into_empty=history is None)
        tickets = load_demo_history() + sum(
            load_region_hall_history(Region.objects.get(code=REGION_ROOTS[r])) for r in provinces
        )
        hotline = load_demo_hotline()
        certificates = load_demo_certificates()
        register_records = load_demo_registers()
        trading = load_demo_trading(first_port=port + 100)
        policies = load_demo_policies()
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        for region, region_summary in provinces.items():
            self.stdout.write(f"Region {region}: {region_summary}")
        self.stdout.write(
            f"Demo catalog: {summary}; {users} demo users created (password: {DEMO_PASSWORD}); "
            f"{cases} demo cases and {tickets} tickets of hall history created"
        )
        if certificates:
            self.stdout.write(f"E-certificates: {certificates} issued to the demo citizens and enterprise")
        if register_records:
            self.stdout.write(f"Registers: {register_records} records of the demo people and enterprise")
        if trading:
            self.stdout.write(
                f"Trading: {trading['tenders']} tenders, {trading['bids']} bids, {trading['guarantees']} "
                f"e-guarantees, {trading['alerts']} collusion alerts"
            )
        if policies:
            self.stdout.write(
                f"Policies: {policies['policies']} policies matched against {policies['enterprises']} "
                f"enterprises ({policies['eligible']} eligible pairs); {policies['offers']} proactive offers"
            )
        if hotline.get("tickets"):
            self.stdout.write(
                f"Hotline: {hotline['tickets']} tickets over {DEMO_DAYS} days (a burst in the last days), "
                f"{hotline['articles']} knowledge articles"
            )
        if history is not None:
            self.stdout.write(
                f"History of {history.first_day}–{history.last_day}: {history.cases} cases, "
                f"{history.ratings} ratings, written through the services in {history.seconds:.0f} s"
            )
        for region, made in region_histories.items():
            if made is not None:
                self.stdout.write(
                    f"History of {region}: {made.cases} cases, {made.ratings} ratings ({made.seconds:.0f} s)"
                )
        if no_serve:
            return
        self.stdout.write(f"Serving on http://{addr}/  (API docs: http://{addr}/api/docs)")
        # A visitor to the demo tries the kiosk from their own browser (a real hall enrols its kiosks),
        # and the home page says how to try the rest.
        settings.ONEWINDOW_OPEN_KIOSKS = True
        settings.ONEWINDOW_DEMO = True
        # The reference payment gateway beside it (its port follows the demo's, as the guarantors' do).
        paygate = f"127.0.0.1:{port + 10}"
        os.environ["ONEWINDOW_PAYGATE_URL"] = settings.ONEWINDOW_PAYGATE_URL = f"http://{paygate}"
        # And the reference chat platform of the official account (each user's chat app is /u/<name>).
        chatgate = f"127.0.0.1:{port + 11}"
        os.environ["ONEWINDOW_CHATGATE_URL"] = settings.ONEWINDOW_CHATGATE_URL = f"http://{chatgate}"
        background.start(
            announce=self.stdout.write,
            extra=[
                *guarantor_commands(port + 100),
                ["paygate", "serve", "--addr", paygate],
                ["chatgate", "serve", "--addr", chatgate],
            ],
        )
        if live:
            live_centre.start(live_pace, announce=self.stdout.write)
            self.stdout.write(
                "Live: the centre moves every few seconds (the hall in its opening hours, cases at any hour)"
            )
        call_command("runserver", addr, insecure_serving=True, use_reloader=False, use_threading=True)
