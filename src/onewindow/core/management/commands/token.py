from django.core.management.base import BaseCommand, CommandError

from onewindow.core.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "Print a new API token for USERNAME (send it as Authorization: Bearer <token>); it works for "
        "--days (ONEWINDOW_TOKEN_DAYS, 90) or until revoked. --revoke ends every token of USERNAME."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--label", default="cli", help="What the token is for")
        parser.add_argument("--days", type=int, help="How long the token works")
        parser.add_argument("--revoke", action="store_true", help="Revoke every token of USERNAME instead")

    def handle(self, *args, username, label, days, revoke, **options):
        user = User.objects.filter(username=username).first()
        if revoke:
            if user is None:
                raise CommandError(f"No user named {username!r}")
            self.stdout.write(f"{ApiToken.revoke_all(user)} token(s) revoked")
            return
        if user is None or not user.is_active:
            raise CommandError(f"No active user named {username!r}")
        if days is not None and not 1 <= days <= 3650:
            raise CommandError("--days must be from 1 to 3650")
        _token, raw = ApiToken.issue(user, label=label, days=days)
        self.stdout.write(raw)
