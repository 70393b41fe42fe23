import re

import pytest
from django.test import Client

from onewindow.cases.models import Case, CaseEvent

from .test_cases_api import RETIREMENT_MATERIALS

VALID_ID = "11010519491231002X"
ANSWERS = "a.insured_as=employee&a.retire_type=normal&a.other_province=none&a.years=enough"
MATERIALS = RETIREMENT_MATERIALS


def login(username):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=username, password="demo")
    return client


def intake(client, **overrides):
    data = {
        "name": "张三",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": "13800138000",
        "channel": "window",
        **{f"m.{code}": "received" for code in MATERIALS},
        **overrides,
    }
    return client.post(f"/services/RS-001/apply/?{ANSWERS}", data)


def test_checklist_offers_window_intake_to_clerks_and_online_application_to_citizens(demo):
    page = login("clerk").get(f"/services/RS-001/checklist/?{ANSWERS}").content.decode()
    assert "Register this application at the window" in page
    page = login("citizen").get(f"/services/RS-001/checklist/?{ANSWERS}").content.decode()
    assert "Apply online" in page


def test_window_intake_files_a_case_and_the_clerk_accepts_it(demo):
    clerk = login("clerk")
    assert clerk.get(f"/services/RS-001/apply/?{ANSWERS}").status_code == 200
    response = intake(clerk)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert {m.code: m.status for m in case.materials.all()} == dict.fromkeys(MATERIALS, "received")
    page = clerk.get(response["Location"]).content.decode()
    assert "Accept" in page and VALID_ID not in page and "11**************2X" in page
    clerk.post(f"/cases/{case.pk}/act/", {"action": "accept"})
    case.refresh_from_db()
    assert case.status == "accepted" and case.due_date is not None


def test_intake_errors_name_the_field_and_file_nothing(demo):
    response = intake(login("clerk"), id_number="110105194912310021")
    assert response.status_code == 400
    assert "check digit is wrong" in response.content.decode()
    assert not Case.objects.exists()


def test_intake_without_answers_goes_back_to_the_guide(demo):
    response = login("clerk").get("/services/RS-001/apply/")
    assert response.status_code == 302 and "/guide/" in response["Location"]


def test_double_submitted_intake_form_files_one_case(demo):
    clerk = login("clerk")
    intake(clerk, idempotency_key="form-123")
    intake(clerk, idempotency_key="form-123")
    assert Case.objects.count() == 1


def test_roles_on_pages(demo):
    intake(login("clerk"))
    case = Case.objects.get()
    assert login("reviewer-ga").get(f"/cases/{case.pk}/").status_code == 404
    reviewer = login("reviewer-rsj")
    assert "Complete this review step" not in reviewer.get(f"/cases/{case.pk}/").content.decode()
    assert reviewer.post(f"/cases/{case.pk}/act/", {"action": "accept"}).status_code == 409
    supervisor_page = login("supervisor").get(f"/cases/{case.pk}/").content.decode()
    assert VALID_ID not in supervisor_page and "11**************2X" in supervisor_page
    assert not re.search(r'href="/cases/\d+/"', login("citizen").get("/cases/").content.decode())  # no rows
    assert Client().get("/cases/").status_code == 302  # to the login page


def test_wrong_input_on_an_action_is_shown_and_changes_nothing(demo):
    clerk = login("clerk")
    intake(clerk)
    case = Case.objects.get()
    response = clerk.post(f"/cases/{case.pk}/act/", {"action": "refuse", "note": ""})
    assert response.status_code == 400 and "give the reason for refusing" in response.content.decode()
    assert Case.objects.get().status == "submitted" and CaseEvent.objects.count() == 1


def test_queue_filters_and_my_cases(demo):
    clerk = login("clerk")
    intake(clerk)
    page = clerk.get("/cases/", {"status": "submitted"}).content.decode()
    assert Case.objects.get().number in page
    assert Case.objects.get().number not in clerk.get("/cases/", {"status": "approved"}).content.decode()


def test_public_tracking_needs_the_token_and_shows_no_personal_data(demo):
    intake(login("clerk"))
    case = Case.objects.get()
    assert Client().get(f"/track/{case.number}/").status_code == 404
    assert Client().get(f"/track/{case.number}/", {"t": "guess"}).status_code == 404
    page = Client().get(f"/track/{case.number}/", {"t": case.tracking_token}).content.decode()
    assert case.number in page and "张三" not in page and VALID_ID not in page


@pytest.mark.parametrize("language", ["zh-hans", "vi"])
def test_case_pages_are_translated(demo, language):
    clerk = Client(HTTP_ACCEPT_LANGUAGE=language)
    clerk.login(username="clerk", password="demo")
    intake(clerk)
    page = clerk.get(f"/cases/{Case.objects.get().pk}/").content.decode()
    assert not re.search(r">\s*(Accept|History|Materials)\s*<", page)
