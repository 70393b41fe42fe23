from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharedDataConfig(AppConfig):
    name = "onewindow.shareddata"
    label = "shareddata"
    verbose_name = _("Data instead of paper")

    def ready(self):
        from onewindow.catalog.signals import materials_held
        from onewindow.core.events import event_recorded

        from . import listeners

        materials_held.connect(listeners.held_materials, dispatch_uid="shareddata-held-materials")
        event_recorded.connect(listeners.on_event, dispatch_uid="shareddata-on-event")
