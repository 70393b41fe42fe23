"""Where a case is filed: what Hội An city decides is taken in and handed back by the one-stop section
of the applicant's ward or commune. The commune's clerk accepts and delivers, the city's office
reviews and decides; each sees the case, nobody else's staff does."""

import pytest
from django.test import Client

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.catalog.transfer import CatalogImportError, import_catalog
from onewindow.certificates.models import Certificate
from onewindow.core.errors import InvalidInput
from onewindow.core.models import User
from onewindow.ops.demo import load_region_catalog
from onewindow.payments import services as payments

pytestmark = pytest.mark.django_db
ITEM = "1.001612"  # đăng ký thành lập hộ kinh doanh: Hội An's finance office decides, 100.000 đ at filing
APPLICANT = {"name": "Trần Văn Bình", "id_type": "vn_citizen_id", "id_number": "049190001234"}


@pytest.fixture
def province(demo, today):
    load_region_catalog("quang-nam")


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _online(as_user, unit: str):
    return as_user(
        "citizen-vn",
        "post",
        "/api/v1/cases",
        {"item": ITEM, "applicant": APPLICANT, "receiving_unit": unit, "channel": "online"},
    )


def test_the_procedure_names_where_it_is_filed(province, api_client):
    item = api_client.get(f"/api/v1/items/{ITEM}").json()
    assert item["department"]["code"] == "hoian-tckh"
    assert {d["code"] for d in item["receiving_departments"]} == {
        "hoian-minhan",
        "hoian-camchau",
        "hoian-camthanh",
    }
    page = api_client.get(f"/services/{ITEM}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Ủy ban nhân dân phường Minh An" in page and "Bộ phận Một cửa phường Minh An" in page


def test_filed_online_at_a_ward_the_ward_takes_it_in_and_the_city_decides(province, as_user):
    answer = _online(as_user, "hoian-minhan")
    assert answer.status_code == 201, answer.content
    assert answer.json()["received_at"]["code"] == "hoian-minhan"
    case = Case.objects.get(pk=answer.json()["id"])
    ward, city = _user("clerk-vn49-50301"), _user("reviewer-hoian-tckh")
    for outsider in ("clerk-vn49-50302", "reviewer-hoian-minhan"):
        assert as_user(outsider, "get", f"/api/v1/cases/{case.pk}").status_code == 404, outsider

    with pytest.raises(InvalidInput) as unpaid:
        services.act(ward, case.pk, services.ActionInput("accept", materials={}))
    assert [e.field for e in unpaid.value.errors] == ["payment"]
    payments.record_at_window(ward, case.pk)
    required = {m.code: "received" for m in case.materials.all() if m.required}
    services.act(ward, case.pk, services.ActionInput("accept", materials=required))
    with pytest.raises(services.Forbidden):
        services.act(ward, case.pk, services.ActionInput("approve"))
    for _step in case.review_steps[1:]:
        services.act(city, case.pk, services.ActionInput("review"))
    services.act(city, case.pk, services.ActionInput("approve"))
    services.act(ward, case.pk, services.ActionInput("deliver", delivery_method="electronic"))
    assert Case.objects.get(pk=case.pk).status == "delivered"


def test_a_unit_that_does_not_receive_it_is_refused_by_name_and_nothing_is_written(province, as_user):
    before = Case.objects.count()
    answer = _online(as_user, "tamky-anmy")
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["receiving_unit"]
    assert "hoian-minhan" in answer.json()["errors"][0]["message"]
    assert Case.objects.count() == before
    own = _online(as_user, "")  # the deciding office's own one-stop section
    assert own.status_code == 201 and own.json()["received_at"] is None


def test_a_ward_clerk_files_at_their_own_section_and_prints_its_receipt(province):
    ward = _user("clerk-vn49-50301")
    case, _created = services.submit_case(
        ward,
        services.Submission(item=ITEM, channel="window", applicant=services.Applicant(**APPLICANT)),
    )
    assert case.receiving_department.code == "hoian-minhan" and case.department.code == "hoian-tckh"
    page = Client()
    page.force_login(ward)
    shown = page.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Ủy ban nhân dân phường Minh An" in shown
    form = page.get(f"/services/{ITEM}/apply/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'name="receiving_unit"' in form and '<option value="hoian-minhan" selected>' in form


def test_the_catalog_refuses_an_unknown_receiving_unit(province):
    text = """
items:
- code: RX1
  name: 测试
  item_type: '01'
  department: hoian-tckh
  receiving_departments: [nowhere, hoian-tckh]
"""
    with pytest.raises(CatalogImportError) as refused:
        import_catalog(text)
    message = str(refused.value)
    assert "unknown department 'nowhere'" in message and "receives anyway" in message


def test_a_procedure_every_commune_performs_is_decided_where_it_is_filed(province, as_user, api_client):
    birth = "1.001193"  # đăng ký khai sinh: written at Minh An ward, performed by every ward and commune
    answer = as_user(
        "citizen-vn",
        "post",
        "/api/v1/cases",
        {"item": birth, "applicant": APPLICANT, "receiving_unit": "hoian-camchau", "channel": "online"},
    )
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(pk=answer.json()["id"])
    assert (case.department.code, case.receiving_department, case.number[:10]) == (
        "hoian-camchau",
        None,
        "VN49-50302",
    )
    assert as_user("reviewer-hoian-camchau", "get", f"/api/v1/cases/{case.pk}").status_code == 200
    assert as_user("reviewer-hoian-minhan", "get", f"/api/v1/cases/{case.pk}").status_code == 404
    assert as_user("clerk-vn49-50302", "get", f"/api/v1/cases/{case.pk}").status_code == 200
    # The ward that decides issues the birth certificate, kept as data for later cases.
    required = {m.code: "received" for m in case.materials.all() if m.required}
    services.act(_user("clerk-vn49-50302"), case.pk, services.ActionInput("accept", materials=required))
    services.act(_user("reviewer-hoian-camchau"), case.pk, services.ActionInput("approve"))
    kept = Certificate.objects.get(case=case)
    assert (kept.certificate_type.code, kept.issuer.code, kept.holder_id) == (
        "VN_BIRTH",
        "hoian-camchau",
        APPLICANT["id_number"],
    )
    assert kept.identifier.startswith("VN_BIRTH-hoian-camchau-")
    listed = api_client.get("/services/", {"department": "hoian-camchau"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert "Đăng ký khai sinh" in listed.content.decode()
    page = api_client.get(f"/services/{birth}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Ủy ban nhân dân xã Tam Hải" in page
