import pytest

from onewindow.catalog import services
from onewindow.catalog.models import ItemStatus, ServiceItem
from onewindow.catalog.transfer import item_entry
from onewindow.core.errors import InvalidInput


def test_new_draft_version_copies_everything(demo):
    published = ServiceItem.objects.get(code="RS-001", status=ItemStatus.PUBLISHED)
    draft = services.new_draft_version(published)
    assert (draft.version, draft.status) == (2, ItemStatus.DRAFT)
    original, copy = item_entry(published).model_dump(), item_entry(draft).model_dump()
    for key in ("version", "status", "valid_from", "valid_until"):
        original.pop(key), copy.pop(key)
    assert copy == original


def test_publishing_a_draft_retires_the_previous_version(demo):
    published = ServiceItem.objects.get(code="RS-001", status=ItemStatus.PUBLISHED)
    draft = services.new_draft_version(published)
    draft.promised_days = 3
    draft.save()
    services.publish_version(draft)
    published.refresh_from_db()
    assert published.status == ItemStatus.RETIRED
    assert published.valid_until is not None
    assert ServiceItem.objects.published().get(code="RS-001").promised_days == 3


def test_a_draft_with_bad_rules_cannot_be_published(demo):
    draft = services.new_draft_version(ServiceItem.objects.get(code="RS-001", status=ItemStatus.PUBLISHED))
    material = draft.materials.get(code="household_register")
    material.when = {"q": "insured_as", "is": "martian"}
    material.save()
    with pytest.raises(InvalidInput) as failure:
        services.publish_version(draft)
    assert failure.value.errors[0].field == "materials[1].when.is"
    draft.refresh_from_db()
    assert draft.status == ItemStatus.DRAFT


def test_only_drafts_are_published(demo):
    with pytest.raises(InvalidInput):
        services.publish_version(ServiceItem.objects.published().get(code="RS-001"))
