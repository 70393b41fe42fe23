import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onewindow.core.refserver import parse_addr, serve_until_interrupted
from onewindow.payments import paygate


class Command(BaseCommand):
    help = (
        "`serve` the reference payment gateway: a separate process with its own SQLite file that takes "
        "signed payment requests from this platform, shows the payer a checkout page, sends signed "
        "notices back, refunds and gives daily statements (docs/payments.md)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="run the reference payment gateway")
        serve.add_argument(
            "--addr", default=None, help="HOST:PORT (default: the host and port of ONEWINDOW_PAYGATE_URL)"
        )
        serve.add_argument(
            "--db", default=None, help="its SQLite file (default: paygate.sqlite3 in the data folder)"
        )
        serve.add_argument(
            "--merchant", default=None, help="the merchant it knows (default: ONEWINDOW_PAYGATE_MERCHANT)"
        )
        serve.add_argument(
            "--notice-delay", type=float, default=0.0, help="seconds before each notice is sent"
        )

    def handle(self, *args, action, addr, db, merchant, notice_delay, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s paygate %(message)s")
        addr = addr or settings.ONEWINDOW_PAYGATE_URL.split("://", 1)[-1]
        try:
            host, port = parse_addr(addr)
        except ValueError as error:
            raise CommandError(f"--addr {error}") from None
        gateway = paygate.Gateway(
            database=db or str(settings.DATA_DIR / "paygate.sqlite3"),
            merchant=merchant or settings.ONEWINDOW_PAYGATE_MERCHANT,
            secret=settings.ONEWINDOW_PAYGATE_SECRET,
            public_url=f"http://{addr}",
            notice_delay=notice_delay,
        )
        server = paygate.serve(gateway, host, port)
        self.stdout.write(f"Reference payment gateway on http://{addr}/", ending="\n")
        self.stdout.flush()
        serve_until_interrupted(server)
