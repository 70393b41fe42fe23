from django.core.management.base import BaseCommand, CommandError

from onewindow.core.errors import InvalidInput
from onewindow.integrations import services
from onewindow.integrations.models import ApiClient, WebhookEndpoint


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class Command(BaseCommand):
    help = "Department systems: register one (its token and secret are shown once), list, rotate secrets."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        add = commands.add_parser("add", help="register a department system")
        add.add_argument("name")
        add.add_argument("--department", required=True, help="department code, e.g. RS")
        add.add_argument("--scopes", default="events:read,cases:read", help="comma-separated")
        add.add_argument("--webhook", help="URL that receives the events")
        add.add_argument("--types", default="case.*", help="event types for the webhook, comma-separated")
        commands.add_parser("list", help="clients and their endpoints")
        rotate = commands.add_parser("rotate-secret", help="a new signing secret for an endpoint")
        rotate.add_argument("endpoint", type=int, help="endpoint id (see list)")

    def handle(self, *args, command, **options):
        getattr(self, command.replace("-", "_"))(**options)

    def add(self, name, department, scopes, webhook, types, **options):
        try:
            client, token = services.register_client(name, department, _split(scopes))
            endpoint = services.add_endpoint(client, webhook, _split(types)) if webhook else None
        except InvalidInput as invalid:
            raise CommandError("; ".join(f"{e.field}: {e.message}" for e in invalid.errors)) from invalid
        self.stdout.write(f"client {client.pk} {client.name} ({client.department.code}), scopes {scopes}")
        self.stdout.write(f"token: {token}")
        if endpoint:
            self.stdout.write(
                f"endpoint {endpoint.pk} {endpoint.url} types {', '.join(endpoint.event_types)}"
            )
            self.stdout.write(f"secret: {endpoint.secret}")

    def list(self, **options):
        for client in ApiClient.objects.select_related("department").order_by("name"):
            self.stdout.write(
                f"client {client.pk} {client.name} ({client.department.code}) {', '.join(client.scopes)}"
            )
            for endpoint in client.endpoints.order_by("pk"):
                self.stdout.write(
                    f"  endpoint {endpoint.pk} {endpoint.url} {', '.join(endpoint.event_types)}"
                )

    def rotate_secret(self, endpoint, **options):
        found = WebhookEndpoint.objects.filter(pk=endpoint).first()
        if found is None:
            raise CommandError(f"no endpoint {endpoint}")
        secret = services.rotate_secret(found)
        self.stdout.write(f"secret: {secret} (the old one signs too for {services.ROTATION_OVERLAP})")
