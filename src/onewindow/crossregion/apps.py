from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrossRegionConfig(AppConfig):
    name = "onewindow.crossregion"
    label = "crossregion"
    verbose_name = _("Cross-region handling")

    def ready(self):
        from onewindow.core.events import event_recorded

        from .services import on_event

        # Connected after the certificates component's own listener (INSTALLED_APPS order), so that a
        # decision's certificate is issued before the decision is sent back to the filing region.
        event_recorded.connect(on_event, dispatch_uid="crossregion-report-back")
