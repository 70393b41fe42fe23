from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradingConfig(AppConfig):
    name = "onewindow.trading"
    label = "trading"
    verbose_name = _("Public resource trading")

    def ready(self):
        from onewindow.trading import listeners  # noqa: F401  (registers the outbox listeners)
