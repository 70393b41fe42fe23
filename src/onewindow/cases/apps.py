from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "onewindow.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from onewindow.catalog.calendars import calendar_years_loaded

        from . import bundle_services  # noqa: F401 (connects bundles to the cases' signals)
        from .services import recompute_after_load

        calendar_years_loaded.connect(recompute_after_load, dispatch_uid="cases-recompute-due-dates")
