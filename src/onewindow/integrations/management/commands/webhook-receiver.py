import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from onewindow.core.refserver import serve_until_interrupted
from onewindow.integrations import receiver, signing


class Command(BaseCommand):
    help = (
        "A reference webhook receiver: verifies the Standard Webhooks signature of each delivery, drops "
        "repeats by webhook-id, and prints each new event as one JSON line. Give --secret twice while a "
        "secret rotates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--secret", action="append", required=True, help="whsec_… (the endpoint's secret)"
        )
        parser.add_argument(
            "--fail", action="store_true", help="answer 503 to everything (a receiver that is down)"
        )

        parser.add_argument(
            "--out",
            help="append the events to this file instead of printing them; the ids in it count as seen "
            "after a restart (so a receiver that crashed still takes each event once)",
        )

    def handle(self, *args, port, host, secret, fail, out, **options):
        for value in secret:
            try:
                signing.secret_bytes(value)
            except signing.VerificationError as error:
                raise CommandError(f"--secret: {error}") from error
        if not 0 < port < 65536:
            raise CommandError("--port must be from 1 to 65535")

        output = open(out, "a", encoding="utf-8") if out else sys.stdout  # noqa: SIM115 (open while serving)

        def printed(msg_id, message):
            output.write(json.dumps({"webhook_id": msg_id, **message}, ensure_ascii=False) + "\n")
            output.flush()
            if out:
                os.fsync(output.fileno())

        try:
            server = receiver.serve(
                host, port, secret, printed, fail=fail, seen=receiver.seen_in(out) if out else None
            )
        except OSError as error:
            raise CommandError(f"cannot listen on {host}:{port}: {error}") from error
        self.stderr.write(f"receiving webhooks on http://{host}:{port}/ (Ctrl+C stops)")
        serve_until_interrupted(server)
