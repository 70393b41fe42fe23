"""Data instead of paper in a real browser: a citizen whose e-certificate covers the ID card files the
retirement bundle online with consent; the reviewer reads the certificate's content; the citizen's
access log lists each use."""

import pytest

from onewindow.cases.models import BundleCase
from onewindow.certificates import services as certificate_services
from onewindow.certificates.demo import load_types
from onewindow.ops.demo import DEMO_CITIZEN_ID

from .test_case_flow import press, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "东莞市南城街道宏图路 8 号"


def test_certificates_cover_materials_with_consent_and_every_use_is_listed(browser, live_server, demo):
    load_types()
    certificate = certificate_services.issue(
        certificate_services.Issuance("RESIDENT_ID", DEMO_CITIZEN_ID, "李明", {"address": ADDRESS})
    )
    citizen = signed_in(browser, live_server, "citizen", locale="en-US")
    citizen.goto("/bundles/retirement/guide/")
    for answer in (
        "As an employee (my employer applies)",
        "Normal retirement at the statutory age",
        "No",
        "Yes, 15 years or more",
        "Yes",
    ):
        citizen.get_by_label(answer, exact=True).check()
        press(citizen, "Continue")
    facts = citizen.locator(".facts").inner_text()
    assert "6 instead of 17" in facts  # 7 for an applicant without certificates
    spared = citizen.locator("ul.not-to-bring").inner_text()
    assert "Resident ID card" in spared and certificate.identifier in spared

    citizen.get_by_role("link", name="Apply online").click()
    assert certificate.identifier in citizen.locator("main").inner_text()
    citizen.get_by_label("Applicant's name").fill("李明")
    citizen.get_by_label("ID number").fill(DEMO_CITIZEN_ID)
    citizen.get_by_label(
        "I agree that the departments use these e-certificates of mine for this application"
    ).check()
    press(citizen, "Submit the application")
    assert "is filed" in citizen.get_by_role("status").inner_text()

    parent = BundleCase.objects.get()
    pension = parent.children.get(item__code="RS-001")
    assert pension.materials.get(code="id_card").status == "shared_data"
    reviewer = signed_in(browser, live_server, "reviewer-rsj", locale="en-US")
    reviewer.goto(f"/cases/{pension.pk}/")
    shared = reviewer.locator("section.shared-certificate").inner_text()
    assert ADDRESS in shared and "Signature verified" in shared and certificate.identifier in shared

    citizen.get_by_role("link", name="My shared data").click()
    log = citizen.locator("table.access-log").inner_text()
    assert pension.number in log and "Read by the department" in log
    assert (
        log.count("Checked and attached at filing")
        == parent.children.filter(materials__shared__isnull=False).count()
    )
    assert "Used since" in citizen.locator("main").inner_text()  # so it can no longer be withdrawn
