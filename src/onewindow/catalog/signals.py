"""Every write to the catalog renews the catalog stamp, in the writer's transaction."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

# Sent with `holder_id` (an ID number or USCC); receivers return HeldMaterial rows: the materials the
# holder's e-certificates stand for (the certificates component answers; the catalog imports none of it).
materials_held = Signal()


def _renew(sender, **kwargs):
    from .cache import forget_request_stamp
    from .models import CatalogStamp

    if sender is not CatalogStamp:
        CatalogStamp.renew()
        forget_request_stamp()


def connect() -> None:
    for model in apps.get_app_config("catalog").get_models():
        uid = f"catalog-stamp-{model._meta.model_name}"
        post_save.connect(_renew, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_renew, sender=model, dispatch_uid=f"{uid}-delete")
    item = apps.get_model("catalog", "ServiceItem")
    for relation in ("life_events", "receiving_departments"):
        through = getattr(item, relation).through
        m2m_changed.connect(_renew, sender=through, dispatch_uid=f"catalog-stamp-{relation}")
