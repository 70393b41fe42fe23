"""Policies look for enterprises, in a real browser: an administrator writes a policy in the admin,
tries it against a sample profile and publishes it; the matching runs in the background; the demo
enterprise finds it among its matches with the reasons, applies, and the case is in the department's
queue; an exempt policy is confirmed with a bank account and its payout recorded."""

import json

import pytest

from onewindow.cases.models import Case
from onewindow.core.tasks import run_queued
from onewindow.ops.demo import DEMO_ENTERPRISE_ID
from onewindow.policies import demo as policies_demo
from onewindow.policies.models import Match, Payout, Policy

from .test_case_flow import press, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULE = {
    "all": [
        {"field": "industry", "op": "under", "value": ["I65"]},
        {"field": "tax_credit", "op": "at_least", "value": "B"},
    ]
}


def test_published_policy_is_found_applied_for_and_an_exempt_one_confirmed(browser, live_server, demo, today):
    policies_demo.load_demo_policies(enterprises=50, today=today.day)
    admin = signed_in(browser, live_server, "admin", locale="en-US")
    admin.goto("/admin/policies/policy/add/")
    admin.locator("#id_code").fill("software-talent-grant")
    admin.locator("#id_title").fill("软件企业人才引进补贴")
    admin.locator("#id_issuer").fill("东莞市人力资源和社会保障局")
    admin.locator("#id_valid_from").fill("2025-01-01")
    admin.locator("#id_valid_until").fill("2025-12-31")
    admin.locator("#id_benefit").fill("每引进一名本科以上软件人才补贴 5000 元")
    admin.locator("#id_how").select_option("apply")
    admin.locator("#id_item").select_option(label="用人单位就业补贴申领 (RS-009 v1)")
    admin.locator("#id_rule").fill(json.dumps(RULE))
    admin.locator("input[name=_save]").click()
    assert "was added successfully" in admin.locator("main, #content").first.inner_text()

    admin.goto("/policies/software-talent-grant/test/")
    admin.get_by_label("Industry (GB/T 4754)").fill("I6513")
    admin.get_by_label("Tax credit grade").select_option("B")
    press(admin, "Test")
    assert "Typed sample: eligible" in admin.locator("main").inner_text()
    press(admin, "Publish this policy")
    assert "Published" in admin.get_by_role("status").inner_text()
    assert Policy.objects.get(code="software-talent-grant").status == "published"
    run_queued()  # the background worker matches it against every enterprise
    assert Match.objects.filter(
        policy__code="software-talent-grant", profile__uscc=DEMO_ENTERPRISE_ID
    ).exists()

    enterprise = signed_in(browser, live_server, "enterprise", locale="en-US")
    enterprise.goto("/my/policies/")
    card = enterprise.locator("section.card", has_text="软件企业人才引进补贴")
    assert "your industry I6511 is one of I65" in card.inner_text()
    assert "your tax credit grade A meets the required B" in card.inner_text()
    card.get_by_role("link", name="软件企业人才引进补贴").click()
    press(enterprise, "Apply now")
    assert "is filed" in enterprise.get_by_role("status").inner_text()
    case = Case.objects.get(applicant_id_number=DEMO_ENTERPRISE_ID, item__code="RS-009")
    reviewer = signed_in(browser, live_server, "reviewer-rsj", locale="en-US")
    reviewer.goto("/cases/")
    assert case.number in reviewer.locator("main").inner_text()

    enterprise.goto("/policies/hightech-first-award/")
    enterprise.get_by_role("link", name="Confirm your bank account").click()
    enterprise.get_by_label("Bank", exact=True).fill("中国工商银行东莞分行")
    enterprise.get_by_label("Account number (the enterprise's basic account)").fill("2010021209001234567")
    press(enterprise, "Confirm")
    assert "payout is recorded" in enterprise.get_by_role("status").inner_text()
    payout = Payout.objects.get(policy__code="hightech-first-award")
    assert payout.profile.uscc == DEMO_ENTERPRISE_ID and payout.status == "confirmed"
    assert payout.masked_account in enterprise.locator("main").inner_text()
