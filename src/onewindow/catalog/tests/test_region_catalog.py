"""The Vietnamese demo province (Quảng Nam) loads beside the Chinese centre: units from province to
commune with their one-stop sections, at least 40 procedures under their national codes, in
Vietnamese, with legal bases, time limits, fees in đồng and the online level."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from onewindow.catalog.models import Department, Region, ServiceItem
from onewindow.ops.demo import load_region_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def quang_nam(demo):
    load_region_catalog("quang-nam")
    return Region.objects.get(code="VN49")


def _under(region: Region) -> list[Region]:
    found = [region]
    for child in region.children.all():
        found += _under(child)
    return found


def test_the_province_has_its_units_and_their_one_stop_sections(quang_nam):
    units = _under(quang_nam)
    levels = {r.level for r in units}
    assert {"province", "city", "village"} <= levels
    departments = Department.objects.filter(region__in=units)
    assert {d.region.level for d in departments} >= {"province", "city", "village"}
    assert set(departments.values_list("calendar", flat=True)) == {"VN"}
    assert Department.objects.filter(region__code="441900").exists()  # the Chinese centre is still there


def test_at_least_forty_procedures_under_national_codes(quang_nam):
    items = ServiceItem.objects.filter(department__region__in=_under(quang_nam), status="published")
    assert items.count() >= 40
    for item in items:
        assert re.fullmatch(r"\d\.\d{6}", item.code), item.code
        assert item.legal_basis and item.materials.exists() and item.legal_days is not None, item.code
    levels = set(items.values_list("online_level", flat=True))
    assert {"full", "partial"} <= levels
    assert items.filter(payment_stage__in=["filing", "decision"], fee__gt=0).count() >= 10


def test_a_procedure_page_reads_in_vietnamese_with_its_fee_in_dong(quang_nam, client: Client):
    page = client.get("/services/2.000635/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Cấp bản sao trích lục hộ tịch" in page and "8.000 ₫" in page
    assert "Luật Hộ tịch 2014" in page or "Thông tư 281/2016/TT-BTC" in page


def test_importing_it_again_changes_nothing(quang_nam):
    again = load_region_catalog("quang-nam")
    assert (again.created, again.updated) == (0, 0)


def test_the_fee_of_a_copy_procedure_is_in_dong(quang_nam):
    from onewindow.payments import fees

    item = ServiceItem.objects.get(code="2.000635")
    fee = fees.fee_for(item.fee, item.fee_per_copy, 3, fees.currency_for(item.department.calendar))
    assert (fee.amount, fees.display(fee.amount, fee.currency)) == (Decimal("24000"), "24.000 ₫")


def test_vietnamese_content_in_a_chinese_page_says_it_is_vietnamese(quang_nam, client: Client):
    page = client.get("/departments/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in page
    assert '<span lang="vi">Ủy ban nhân dân phường Minh An</span>' in page
    assert '<span lang="vi">东莞' not in page  # Chinese stays unmarked in a Chinese page


def test_every_unit_code_leaves_room_for_case_numbers(quang_nam):
    from onewindow.cases.models import Case

    longest = max(len(r.code) for r in _under(quang_nam)) + len("-20250303-0000001")
    assert longest <= Case._meta.get_field("number").max_length


def test_the_departments_page_chooses_a_place(quang_nam, client: Client, settings):
    page = client.get("/departments/", {"area": "VN49"}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "?department=hoian-minhan" in page and "?department=rsj" not in page
    everything = client.get("/departments/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "?department=rsj" in everything and 'href="/departments/?area=VN49"' in everything
    settings.ONEWINDOW_DEMO = True
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/departments/?area=VN49"' in home and "clerk-vn49-50301" in home


def test_situation_questions_give_each_applicant_their_materials(quang_nam):
    from onewindow.catalog.selectors import checklist, published_item

    def materials(code, **answers):
        return {m.code for m in checklist(published_item(code), answers).materials}

    assert "single_status" in materials("1.000894", residence="elsewhere")
    assert "single_status" not in materials("1.000894", residence="here")
    assert "heritage_opinion" in materials("1.013225", zone="heritage")
    assert "heritage_opinion" not in materials("1.013225", zone="ordinary")
