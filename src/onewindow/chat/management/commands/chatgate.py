import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onewindow.chat import chatgate
from onewindow.core.refserver import parse_addr, serve_until_interrupted


class Command(BaseCommand):
    help = (
        "`serve` the reference chat platform: a separate process with its own SQLite file where the "
        "official account's users write (their chat app is a page per user) and this platform's template "
        "messages arrive (docs/vietnam.md, A chat channel)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="run the reference chat platform")
        serve.add_argument(
            "--addr", default=None, help="HOST:PORT (default: the host and port of ONEWINDOW_CHATGATE_URL)"
        )
        serve.add_argument(
            "--db", default=None, help="its SQLite file (default: chatgate.sqlite3 in the data folder)"
        )
        serve.add_argument(
            "--events-url",
            default=None,
            help="where users' messages go (default: ONEWINDOW_PUBLIC_URL + /chat/events/)",
        )

    def handle(self, *args, action, addr, db, events_url, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s chatgate %(message)s")
        addr = addr or settings.ONEWINDOW_CHATGATE_URL.split("://", 1)[-1]
        try:
            host, port = parse_addr(addr)
        except ValueError as error:
            raise CommandError(f"--addr {error}") from None
        platform = chatgate.ChatPlatform(
            database=db or str(settings.DATA_DIR / "chatgate.sqlite3"),
            secret=settings.ONEWINDOW_CHATGATE_SECRET,
            events_url=events_url or f"{settings.ONEWINDOW_PUBLIC_URL}/chat/events/",
            account=settings.ONEWINDOW_CHAT_ACCOUNT,
        )
        server = chatgate.serve(platform, host, port)
        self.stdout.write(
            f"Reference chat platform on http://{addr}/ (a user's chat: /u/<name>)", ending="\n"
        )
        self.stdout.flush()
        serve_until_interrupted(server)
