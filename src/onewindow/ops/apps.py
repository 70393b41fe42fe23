from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "onewindow.ops"
    label = "ops"
    verbose_name = _("Operations")
