"""Certificates standing in for materials (consent, the reviewer's view, the access log, withdrawal,
revocation before the decision) and commitments with their post-verification."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.cases import services as case_services
from onewindow.cases.models import Case, CaseEvent, MaterialStatus
from onewindow.certificates import services as certificate_services
from onewindow.certificates.demo import load_types
from onewindow.certificates.models import Certificate, CertificateType
from onewindow.core.errors import InvalidInput
from onewindow.core.models import User
from onewindow.core.permissions import Conflict, NotFound
from onewindow.ops.demo import DEMO_CITIZEN_ID, load_demo_registers
from onewindow.shareddata import selectors, services
from onewindow.shareddata.models import CertificateUse, Consent, CreditRecord, SharedMaterial, Verification

pytestmark = pytest.mark.django_db

RETIREE = {"insured_as": "employee", "retire_type": "normal", "other_province": "none", "years": "enough",
           "medical_years": "enough"}  # fmt: skip
NAME = "李明"


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def certificates(demo, today):
    load_types()
    issued = {}
    for code, surface in (
        ("RESIDENT_ID", {"address": "东莞市南城街道宏图路 8 号"}),
        ("MARRIAGE", {"spouse_name": "王芳"}),
    ):
        issued[code] = certificate_services.issue(
            certificate_services.Issuance(code, DEMO_CITIZEN_ID, NAME, surface)
        )
    return issued


def applicant():
    return case_services.Applicant(NAME, "resident_id", DEMO_CITIZEN_ID)


def file_retirement(choices, actor="citizen", channel="online"):
    return services.file_bundle(user(actor), "retirement", applicant(), RETIREE, channel, {}, choices)


def login(username):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user(username))
    return client


def test_the_checklist_counts_only_what_the_applicant_must_bring(certificates):
    url = (
        reverse("bundle-checklist", args=["retirement"])
        + "?"
        + "&".join(f"a.{k}={v}" for k, v in RETIREE.items())
    )
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    own = login("citizen").get(url).content.decode()
    assert "7 instead of 17" in anonymous and "6 instead of 17" in own
    assert (
        "居民身份证" in own.split("You need not bring")[1] and certificates["RESIDENT_ID"].identifier in own
    )
    identifier = certificates["RESIDENT_ID"].identifier
    assert identifier in login("citizen").get(reverse("item", args=["RS-001"])).content.decode()
    assert (
        identifier
        not in Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("item", args=["RS-001"])).content.decode()
    )


def test_consent_puts_the_certificate_in_the_case_and_every_use_is_logged(certificates):
    parent = file_retirement(services.SharedChoices(use_certificates=True))
    pension = parent.children.get(item__code="RS-001")
    material = pension.materials.get(code="id_card")
    assert material.status == MaterialStatus.SHARED_DATA
    shared = material.shared
    certificate = certificates["RESIDENT_ID"]
    assert (shared.identifier, shared.version) == (certificate.identifier, certificate.version)
    assert len(shared.fingerprint) == 64
    consent = Consent.objects.get(bundle_case=parent)
    assert consent.scope[0]["identifier"] == certificate.identifier and consent.used_at is None
    # one certificate, four items needing the ID card: four case materials, each recorded at filing
    assert SharedMaterial.objects.filter(consent=consent).count() == 4
    assert CertificateUse.objects.filter(kind="filing").count() == 4

    page = login("reviewer-rsj").get(reverse("case", args=[pension.pk])).content.decode()
    assert "Materials from shared data" in page and "东莞市南城街道宏图路 8 号" in page
    assert "Signature verified" in page
    login("reviewer-rsj").get(reverse("case", args=[pension.pk]))  # the same day again: one entry
    reads = CertificateUse.objects.filter(kind="read")
    assert [(r.user.username, r.case_id) for r in reads] == [("reviewer-rsj", pension.pk)]
    consent.refresh_from_db()
    assert consent.used_at is not None
    mine = login("citizen").get(reverse("my-shared-data")).content.decode()
    assert pension.number in mine and "Read by the department" in mine
    with pytest.raises(Conflict):
        services.withdraw_consent(user("citizen"), consent.pk)


def test_without_consent_the_materials_stay_to_bring(certificates):
    parent = file_retirement(services.SharedChoices(use_certificates=False))
    assert (
        parent.children.get(item__code="RS-001").materials.get(code="id_card").status
        == MaterialStatus.MISSING
    )
    assert not Consent.objects.exists()


def test_an_unused_consent_can_be_withdrawn_and_the_material_is_asked_again(certificates):
    parent = file_retirement(services.SharedChoices(use_certificates=True))
    consent = Consent.objects.get()
    response = login("citizen").post(reverse("consent-withdraw", args=[consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    pension = parent.children.get(item__code="RS-001")
    assert pension.materials.get(code="id_card").status == MaterialStatus.MISSING
    assert CaseEvent.objects.filter(case=pension, action="consent_withdrawn").exists()
    assert (
        login("reviewer-rsj")
        .get(reverse("case", args=[pension.pk]))
        .content.decode()
        .count("shared-certificate")
        == 0
    )
    with pytest.raises(NotFound):  # someone else's consent
        services.withdraw_consent(user("clerk"), consent.pk)


def test_a_certificate_revoked_before_the_decision_flags_the_case(certificates):
    parent = file_retirement(services.SharedChoices(use_certificates=True))
    certificate_services.change_status(certificates["RESIDENT_ID"], "revoke", user("reviewer-ga"), "证件挂失")
    pension = parent.children.get(item__code="RS-001")
    flagged = CaseEvent.objects.get(case=pension, action="shared_data_invalid")
    assert flagged.data["status"] == "revoked"
    page = login("reviewer-rsj").get(reverse("case", args=[pension.pk])).content.decode()
    assert "Check before deciding" in page and "证件挂失" in page


def test_the_window_files_with_the_applicants_consent_and_ids_are_checked_there(certificates):
    parent = file_retirement(services.SharedChoices(use_certificates=True), actor="clerk", channel="window")
    consent = Consent.objects.get(bundle_case=parent)
    assert (consent.channel, consent.asked_by.username, consent.holder_user) == ("window", "clerk", None)


# Commitments -------------------------------------------------------------------------------------

KINSHIP = {"route": "family", "relation": "parent"}  # GA-003 for someone joining their parents


@pytest.fixture
def kinship_item(certificates):
    """GA-003 lets the kinship proof be replaced by a commitment; here its approval issues a certificate."""
    CertificateType.objects.filter(code="QUALIFICATION").update(item_code="GA-003")
    from onewindow.catalog.selectors import published_item

    item = published_item("GA-003")
    return item


def commit(actor="citizen", name=NAME, via="online", answers=None):
    from onewindow.catalog.selectors import checklist, published_item

    answers = answers or dict(KINSHIP)
    submission = case_services.Submission(
        "GA-003", applicant(), answers, "online" if actor == "citizen" else "window"
    )
    assert "kinship_proof" in {m.code for m in checklist(published_item("GA-003"), answers).materials}
    return services.file_case(
        user(actor), submission, services.SharedChoices(commitments={"kinship_proof": name}, signed_via=via)
    )[0]


def decide(case, action="approve"):
    clerk, reviewer = user("clerk"), user(f"reviewer-{case.department.code}")
    brought = {m.code: "received" for m in case.materials.all() if m.status == MaterialStatus.MISSING}
    case_services.act(clerk, case.pk, case_services.ActionInput("accept", materials=brought))
    for _step in case.review_steps[:-1]:
        case_services.act(reviewer, case.pk, case_services.ActionInput("review"))
    return case_services.act(
        reviewer, case.pk, case_services.ActionInput(action, note="" if action == "approve" else "no")
    )


def test_a_false_commitment_revokes_the_decision_and_its_certificate_and_bars_the_applicant(
    kinship_item, today
):
    case = commit()
    material = case.materials.get(code="kinship_proof")
    assert material.status == MaterialStatus.COMMITTED and material.commitment.signed_name == NAME
    decide(case)
    verification = Verification.objects.get(commitment__case=case)
    assert verification.outcome == "pending" and verification.due_on > today.day
    issued = Certificate.objects.get(case=case)
    reviewer = user(f"reviewer-{case.department.code}")
    with pytest.raises(InvalidInput) as missing:
        services.record_verification(reviewer, verification.pk, services.Finding("false", "inspection"))
    assert missing.value.errors[0].field == "note"

    load_demo_registers()
    evidence = login(reviewer.username).post(reverse("verification-evidence", args=[verification.pk]))
    page = evidence.content.decode()
    assert "人口库（户籍登记）" in page and "东莞市南城街道宏图路 8 号" in page and "Finding" in page
    assert CertificateUse.objects.filter(kind="verification", case=case).exists()
    response = login(reviewer.username).post(
        reverse("verification-record", args=[verification.pk]),
        {"outcome": "false", "method": "register", "note": "户籍登记显示二人无亲属关系"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    issued.refresh_from_db()
    assert case.status == "revoked" and issued.status == "revoked"
    assert "户籍登记显示二人无亲属关系" in issued.status_reason
    assert CaseEvent.objects.filter(case=case, action="revoke").exists()
    record = CreditRecord.objects.get()
    assert (record.holder_id, record.barred_until) == (DEMO_CITIZEN_ID, today.day + dt.timedelta(days=365))
    with pytest.raises(InvalidInput) as barred:
        commit()
    assert barred.value.errors[0].field == "commitments" and "2026-03-03" in barred.value.errors[0].message
    assert Case.objects.count() == 1  # nothing half-written
    mine = login("citizen").get(reverse("my-shared-data")).content.decode()
    assert "Commitments are not available to you" in mine and "户籍登记显示二人无亲属关系" in mine
    figures = {f.department: f for f in selectors.commitment_report(today.day, today.day)}
    row = figures[case.department.code]
    assert (row.made, row.verified, row.verified_on_time, row.found_false) == (1, 1, 1, 1)


def test_a_true_commitment_keeps_the_decision(kinship_item, today):
    case = commit()
    decide(case)
    verification = Verification.objects.get()
    services.record_verification(
        user("supervisor"), verification.pk, services.Finding("confirmed", "certificate")
    )
    case.refresh_from_db()
    assert case.status == "approved" and not CreditRecord.objects.exists()
    with pytest.raises(Conflict):
        services.record_verification(
            user("supervisor"), verification.pk, services.Finding("false", "register", "x")
        )


def test_a_denied_case_needs_no_verification(kinship_item, today):
    decide(commit(), action="deny")
    assert not Verification.objects.exists()


def test_bad_commitments_name_the_field(kinship_item, today):
    with pytest.raises(InvalidInput) as wrong_name:
        commit(name="王五")
    assert wrong_name.value.errors[0].field == "commitments.kinship_proof"
    with pytest.raises(InvalidInput) as pad_online:
        commit(via="signature_pad")
    assert pad_online.value.errors[0].field == "signed_via"
    submission = case_services.Submission("GA-003", applicant(), dict(KINSHIP), "online")
    with pytest.raises(InvalidInput) as not_allowed:
        services.file_case(user("citizen"), submission, services.SharedChoices(commitments={"id_card": NAME}))
    assert not_allowed.value.errors[0].field == "commitments.id_card"
    assert not Case.objects.exists()
    at_window = commit(actor="clerk", via="signature_pad")
    assert (
        at_window.materials.get(code="kinship_proof").commitment.get_signed_via_display().startswith("On the")
    )
