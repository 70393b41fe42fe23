import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Cross-region handling: `peer add NAME URL` names a partner region (its trust list must be imported "
        "with `certs trust-list import`); `send` sends what the outbox holds now; `outbox` lists the "
        "messages waiting, `--retry ID` sends one now, `--cancel ID` stops it."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        peer = sub.add_parser("peer", help="add or change a partner region")
        peer.add_argument("verb", choices=["add"])
        peer.add_argument("name", help="the partner's region name (its ONEWINDOW_REGION_NAME)")
        peer.add_argument("url", help="its address, e.g. https://region-b.example")
        sub.add_parser("send", help="send the messages due now (the worker and the scheduler do it too)")
        outbox = sub.add_parser("outbox", help="messages waiting to be sent, as JSON lines")
        group = outbox.add_mutually_exclusive_group()
        group.add_argument("--retry", type=int, help="send this message now")
        group.add_argument("--cancel", type=int, help="stop sending this message")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def peer(self, verb, name, url, **options):
        from onewindow.certificates.models import TrustedRegion
        from onewindow.crossregion.models import Peer

        if not url.startswith(("http://", "https://")):
            raise CommandError("the address must start with http:// or https://")
        Peer.objects.update_or_create(name=name, defaults={"base_url": url.rstrip("/"), "active": True})
        trusted = TrustedRegion.objects.filter(name=name).exists()
        self.stdout.write(
            f"partner region {name} at {url}"
            + ("" if trusted else " (import its trust list before it can send messages here)")
        )

    def send(self, **options):
        from onewindow.crossregion.services import send_pending

        self.stdout.write(json.dumps(send_pending()))

    def outbox(self, retry=None, cancel=None, **options):
        from onewindow.core.models import Role, User
        from onewindow.core.permissions import NotFound
        from onewindow.crossregion import services
        from onewindow.crossregion.models import MessageStatus, OutgoingMessage

        operator = User(username="operator", role=Role.ADMIN)
        try:
            if retry:
                services.retry(operator, retry)
                self.stdout.write(json.dumps(services.send_pending()))
            elif cancel:
                services.cancel(operator, cancel)
                self.stdout.write(f"message {cancel} cancelled")
        except NotFound as error:
            raise CommandError(str(error)) from None
        for message in OutgoingMessage.objects.filter(status=MessageStatus.PENDING).select_related("peer"):
            row = {
                "id": message.pk,
                "to": message.peer.name,
                "kind": message.kind,
                "attempts": message.attempts,
                "next_attempt_at": message.next_attempt_at.isoformat(),
                "last_error": message.last_error,
            }
            self.stdout.write(json.dumps(row, ensure_ascii=False))
