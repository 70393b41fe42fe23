from onewindow.cases.models import BundleCase, Case

from .test_cases_api import VALID_ID, act

RETIREE = {
    "insured_as": "employee",
    "retire_type": "normal",
    "other_province": "none",
    "years": "enough",
    "medical_years": "enough",
}
BROUGHT = {
    code: "received"
    for code in (
        "id_card",
        "pension_application_form",
        "personnel_file",
        "photo",
        "bank_card",
        "medical_years_form",
        "fund_withdrawal_form",
    )
}


def file_bundle(as_user, username="clerk", headers=None, **overrides):
    body = {
        "applicant": {"name": "陈志强", "id_type": "resident_id", "id_number": VALID_ID},
        "answers": RETIREE,
        "channel": "window",
        "materials": BROUGHT,
        **overrides,
    }
    return as_user(username, "post", "/api/v1/bundles/retirement/cases", body, **(headers or {}))


def bundle_action(as_user, bundle_id, **body):
    return as_user("clerk", "post", f"/api/v1/bundle-cases/{bundle_id}/actions", body)


def children(body):
    return {c["item"]["code"]: c for c in body["children"]}


def test_retirement_bundle_runs_in_order_and_in_parallel_and_is_delivered_once(as_user, today):
    created = file_bundle(as_user)
    assert created.status_code == 201, created.content
    bundle = created.json()
    kids = children(bundle)
    assert {code: kid["status"] for code, kid in kids.items()} == dict.fromkeys(
        ["RS-001", "YB-001", "GJ-001", "RS-008"], "submitted"
    )
    assert kids["YB-001"]["waiting_for"] == ["RS-001"] and kids["RS-001"]["waiting_for"] == []

    accepted = bundle_action(as_user, bundle["id"], action="accept").json()
    kids = children(accepted)
    assert (kids["RS-001"]["status"], kids["YB-001"]["status"]) == ("accepted", "submitted")
    # Mon 3 March + 2 (pension); medical, fund and community registration on the spot once it is decided
    assert accepted["due_date"] == "2025-03-05"
    early = act(as_user, "clerk", kids["YB-001"]["id"], "accept")
    assert early.status_code == 409 and "waits for the decision" in early.json()["detail"]

    act(as_user, "reviewer-rsj", kids["RS-001"]["id"], "review")
    act(as_user, "reviewer-rsj", kids["RS-001"]["id"], "approve")
    kids = children(as_user("clerk", "get", f"/api/v1/bundle-cases/{bundle['id']}").json())
    assert kids["YB-001"]["status"] == kids["GJ-001"]["status"] == "accepted"  # started at once, in parallel
    medical = Case.objects.get(pk=kids["YB-001"]["id"])
    assert medical.materials.get(code="retirement_approval").status == "passed_on"
    assert [e.action for e in medical.events.all()] == ["submit", "input_ready", "accept"]

    assert bundle_action(as_user, bundle["id"], action="deliver", delivery_method="window").status_code == 409
    for code, reviewer in (
        ("YB-001", "reviewer-ybj"),
        ("GJ-001", "reviewer-gjj"),
        ("RS-008", "reviewer-rsj"),
    ):
        act(as_user, reviewer, kids[code]["id"], "review")
        act(as_user, reviewer, kids[code]["id"], "approve")
    ready = as_user("clerk", "get", f"/api/v1/bundle-cases/{bundle['id']}").json()
    assert ready["status"] == "ready"
    missing_method = bundle_action(as_user, bundle["id"], action="deliver")
    assert missing_method.status_code == 422
    assert Case.objects.filter(status="delivered").count() == 0
    delivered = bundle_action(as_user, bundle["id"], action="deliver", delivery_method="electronic").json()
    assert delivered["status"] == "delivered"
    assert {kid["status"] for kid in delivered["children"]} == {"delivered"}


def test_a_denied_input_refuses_the_items_waiting_for_it_and_the_rest_is_delivered(as_user, today):
    bundle = file_bundle(as_user).json()
    bundle_action(as_user, bundle["id"], action="accept")
    pension = children(bundle)["RS-001"]["id"]
    act(as_user, "reviewer-rsj", pension, "deny", note="缴费年限核定不足")
    kids = children(as_user("clerk", "get", f"/api/v1/bundle-cases/{bundle['id']}").json())
    assert {kids[code]["status"] for code in ("YB-001", "GJ-001", "RS-008")} == {"refused"}
    reason = Case.objects.get(pk=kids["GJ-001"]["id"]).events.get(action="refuse").note
    assert "RS-001" in reason
    partial = bundle_action(as_user, bundle["id"], action="deliver", delivery_method="window").json()
    assert partial["status"] == "delivered"
    assert children(partial)["RS-001"]["status"] == "delivered"


def test_bundle_filing_errors_and_idempotency(as_user, today):
    missing = file_bundle(as_user, answers={"insured_as": "employee"})
    assert missing.status_code == 422 and "answers.medical_years" in [
        e["field"] for e in missing.json()["errors"]
    ]
    unknown = file_bundle(as_user, materials={"passport": "received"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "materials.passport"
    assert not BundleCase.objects.exists() and not Case.objects.exists()
    first = file_bundle(as_user, headers={"HTTP_IDEMPOTENCY_KEY": "b-1"}).json()
    again = file_bundle(as_user, headers={"HTTP_IDEMPOTENCY_KEY": "b-1"}).json()
    assert first["id"] == again["id"] and BundleCase.objects.count() == 1
    assert file_bundle(as_user, channel="post", headers={"HTTP_IDEMPOTENCY_KEY": "b-1"}).status_code == 409


def test_bundle_roles(as_user, today):
    bundle = file_bundle(as_user).json()
    assert as_user("reviewer-ybj", "get", f"/api/v1/bundle-cases/{bundle['id']}").status_code == 200
    assert as_user("reviewer-ga", "get", f"/api/v1/bundle-cases/{bundle['id']}").status_code == 404
    assert as_user("citizen", "get", f"/api/v1/bundle-cases/{bundle['id']}").status_code == 404
    forbidden = as_user(
        "reviewer-rsj", "post", f"/api/v1/bundle-cases/{bundle['id']}/actions", {"action": "accept"}
    )
    assert forbidden.status_code == 403
    online = file_bundle(as_user, "citizen", channel="online", materials={})
    assert online.status_code == 201
    assert as_user("citizen", "get", f"/api/v1/bundle-cases/{online.json()['id']}").status_code == 200
