"""Writes to the catalog: new draft versions and publishing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from onewindow.core.errors import FieldError, InvalidInput

from . import rules, transfer
from .models import Department, ItemStatus, LifeEvent, ServiceItem


def item_problems(item: ServiceItem) -> list[FieldError]:
    """Everything wrong with an item version: its own fields and its situation rules."""
    problems = []
    try:
        item.full_clean(exclude=["search_text"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems += [FieldError(f, str(m)) for f, messages in error.message_dict.items() for m in messages]
    problems += [FieldError(path, message) for path, message in rules.item_rule_errors(item.rules())]
    return problems


@transaction.atomic
def new_draft_version(item: ServiceItem) -> ServiceItem:
    """A draft copy of an item version, numbered after the newest; edit it, then publish it."""
    entry = transfer.item_entry(item)
    latest = ServiceItem.objects.filter(code=item.code).aggregate(Max("version"))["version__max"]
    draft = entry.model_copy(
        update={"version": latest + 1, "status": ItemStatus.DRAFT, "valid_from": None, "valid_until": None}
    )
    return transfer.create_item(
        draft, {d.code: d for d in Department.objects.all()}, {e.code: e for e in LifeEvent.objects.all()}
    )


@transaction.atomic
def publish_version(item: ServiceItem, valid_from=None) -> ServiceItem:
    """Publish a draft; the version published before it is retired the day this one starts."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ItemStatus.DRAFT:
        raise InvalidInput(
            [FieldError("status", f"only a draft can be published; this version is {item.status}")]
        )
    problems = item_problems(item)
    if problems:
        raise InvalidInput(problems, detail="The item cannot be published")
    valid_from = valid_from or timezone.localdate()
    ServiceItem.objects.filter(code=item.code, status=ItemStatus.PUBLISHED).update(
        status=ItemStatus.RETIRED, valid_until=valid_from
    )
    item.status, item.valid_from, item.valid_until = ItemStatus.PUBLISHED, valid_from, None
    item.save(update_fields=["status", "valid_from", "valid_until"])
    return item
