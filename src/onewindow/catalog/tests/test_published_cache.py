"""Published items are kept in memory while the catalog stamp stays the same."""

import pytest
import yaml

from onewindow.catalog import services
from onewindow.catalog.models import CatalogStamp, ItemStatus, LifeEvent, ServiceItem
from onewindow.catalog.selectors import published_item
from onewindow.catalog.transfer import export_catalog, import_catalog

pytestmark = pytest.mark.django_db


def test_a_kept_item_costs_one_query(demo, django_assert_num_queries):
    first = published_item("RS-001")
    with django_assert_num_queries(1):
        again = published_item("RS-001")
        assert [m.code for m in again.materials.all()]  # parts loaded with it
    assert again is first


def test_every_kind_of_catalog_write_renews_the_stamp(demo):
    def stamp():
        return CatalogStamp.objects.get(pk=1).value

    item = ServiceItem.objects.published().get(code="RS-001")
    before = stamp()
    material = item.materials.first()
    material.name = "新名称"
    material.save()
    assert stamp() != before

    before = stamp()
    item.life_events.add(LifeEvent.objects.exclude(items=item).first())
    assert stamp() != before

    before = stamp()
    import_catalog(export_catalog())  # bulk writes, no signals
    assert stamp() != before

    before = stamp()
    ServiceItem.objects.published().get(code="RS-001").questions.first().options.first().delete()
    assert stamp() != before


def test_an_edit_is_seen_at_once(demo):
    assert published_item("RS-001").promised_days != 3
    draft = services.new_draft_version(ServiceItem.objects.published().get(code="RS-001"))
    draft.promised_days = 3
    draft.save()
    assert published_item("RS-001").version == draft.version - 1  # the draft is not published yet
    services.publish_version(draft)
    found = published_item("RS-001")
    assert (found.version, found.promised_days, found.status) == (draft.version, 3, ItemStatus.PUBLISHED)


def test_a_changed_material_shows_in_the_next_checklist(demo):
    published_item("RS-001")
    material = ServiceItem.objects.published().get(code="RS-001").materials.first()
    material.name = "身份证（新）"
    material.save()
    assert material.name in [m.name for m in published_item("RS-001").materials.all()]


def test_without_a_stamp_row_nothing_is_kept(demo, django_assert_num_queries):
    CatalogStamp.objects.all().delete()
    published_item("RS-001")
    with django_assert_num_queries(9):  # the stamp, then the item and its parts again
        published_item("RS-001")


def test_an_unknown_code_is_not_kept(demo):
    with pytest.raises(ServiceItem.DoesNotExist):
        published_item("NO-SUCH")
    assert yaml.safe_load(export_catalog())  # the catalog itself is untouched
