import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from onewindow.core import clock


class Command(BaseCommand):
    help = "Payments: `reconcile` a day's gateway statement with the payments recorded here (JSON report)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reconcile = sub.add_parser(
            "reconcile", help="compare the gateway's statement of a day (default: yesterday)"
        )
        reconcile.add_argument("--date", default=None, help="YYYY-MM-DD, a UTC day as the gateway counts it")

    def handle(self, *args, action, date, **options):
        from onewindow.payments import services
        from onewindow.payments.gateways import GatewayError

        try:
            day = dt.date.fromisoformat(date) if date else clock.today() - dt.timedelta(days=1)
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        try:
            report = services.reconcile_day(day)
        except GatewayError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            json.dumps(
                {
                    "day": day.isoformat(),
                    "gateway": report.gateway,
                    "matched": report.matched,
                    "gateway_total": str(report.gateway_total),
                    "platform_total": str(report.platform_total),
                    "mismatches": report.mismatches,
                },
                ensure_ascii=False,
            )
        )
        if report.mismatches:
            raise SystemExit(1)
