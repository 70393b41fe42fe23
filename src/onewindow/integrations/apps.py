from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "onewindow.integrations"
    label = "integrations"
    verbose_name = _("Department systems")

    def ready(self):
        from onewindow.core.events import event_recorded

        from .services import fan_out

        event_recorded.connect(fan_out, dispatch_uid="integrations-fan-out")
