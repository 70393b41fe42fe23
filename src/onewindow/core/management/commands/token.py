from django.core.management.base import BaseCommand, CommandError

from onewindow.core.models import ApiToken, User


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (send it as Authorization: Bearer <token>)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--label", default="cli", help="What the token is for")

    def handle(self, *args, username, label, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}")
        _token, raw = ApiToken.issue(user, label=label)
        self.stdout.write(raw)
