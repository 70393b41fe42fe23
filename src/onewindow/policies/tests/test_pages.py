"""The policy pages through the browser's requests: the public library and calendar, an enterprise's
matches in words, its profile with sources and corrections, applying (a case in the department's
queue) and confirming an exempt payout, the staff's reports, and who may see what."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from onewindow.cases.models import Case
from onewindow.core.models import User
from onewindow.ops.demo import DEMO_ENTERPRISE_ID
from onewindow.policies import demo as policies_demo
from onewindow.policies.models import Application, EnterpriseProfile, Match, Payout, Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(demo, today):
    policies_demo.load_demo_policies(enterprises=200, today=today.day)


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_the_library_lists_open_policies_by_deadline_with_a_calendar(library, client):
    page = client.get(reverse("policies"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "失业保险稳岗返还（中小微企业）" in page and "绿色工厂认定奖励" not in page  # a draft
    assert page.index("2026-12-31") < page.index("2027-12-31")
    only_tax = client.get(reverse("policies"), {"topic": "tax"}).content.decode()
    assert "“六税两费”减半征收" in only_tax and "初创企业补贴" not in only_tax
    ics = client.get(reverse("policies-calendar")).content.decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and "DTSTART;VALUE=DATE:20261231" in ics
    assert client.get(reverse("policy", args=["green-factory-award"])).status_code == 404


def test_an_enterprise_sees_what_it_meets_and_what_it_nearly_meets_in_words(library, client):
    page = login(client, "enterprise").get(reverse("my-policies"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    eligible, near = page.split("Policies you nearly meet")
    assert "高新技术企业首次认定奖励" in eligible and "you are recognised as high_tech" in eligible
    assert "软件和信息技术服务企业成长奖励" in near
    assert "your headcount 48 is below the required 50" in near
    assert eligible.index("2026-12-31") < eligible.index("2027-06-30")  # deadlines first


def test_the_profile_shows_each_source_and_a_correction_makes_a_policy_match_and_tells_the_enterprise(
    library, client, worker
):
    user = User.objects.get(username="enterprise")
    user.email = "finance@xinchen.example"
    user.save()
    login(client, "enterprise")
    page = client.get(reverse("my-policies-profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enterprise register" in page and "Declared by you" in page
    bad = client.post(reverse("my-policies-profile"), {"employees": "forty", "revenue": "-3"})
    assert bad.status_code == 400 and 'href="#employees"' in bad.content.decode()
    assert "revenue" in bad.content.decode()
    assert EnterpriseProfile.objects.get(uscc=DEMO_ENTERPRISE_ID).employees == 48  # nothing written
    mail.outbox.clear()
    response = client.post(
        reverse("my-policies-profile"),
        {"employees": "55", "revenue": "1860", "tax_credit": "A", "tags": ["high_tech", "tech_sme"]},
        follow=True,
    )
    assert "软件和信息技术服务企业成长奖励" in response.content.decode()  # "you now meet …"
    profile = EnterpriseProfile.objects.get(uscc=DEMO_ENTERPRISE_ID)
    assert profile.employees == 55 and profile.sources["employees"]["source"] == "declared"
    assert Match.objects.filter(profile=profile, policy__code="software-enterprise-award").exists()
    worker()
    assert [m.to for m in mail.outbox] == [["finance@xinchen.example"]]
    assert "软件和信息技术服务企业成长奖励" in mail.outbox[0].body and "2026-12-31" in mail.outbox[0].body
    # Notices of other topics only: the next match is not told.
    client.post(reverse("my-policies-subscriptions"), {"policy_notices": "on", "topics": ["tax"]})
    mail.outbox.clear()
    client.post(
        reverse("my-policies-profile"), {"employees": "55", "tags": ["high_tech", "tech_sme", "export"]}
    )
    worker()
    assert Match.objects.filter(profile=profile, policy__code="export-credit-insurance").exists()
    assert mail.outbox == []


def test_applying_files_a_case_in_the_departments_queue_with_the_profile_and_its_sources(library, client):
    login(client, "enterprise")
    policy = Policy.objects.get(code="graduate-hiring-grant")
    page = client.get(reverse("policy", args=[policy.code])).content.decode()
    assert "立即申报" in page  # "Apply now"
    response = client.post(reverse("policy-apply", args=[policy.code]))
    case = Case.objects.get(applicant_id_number=DEMO_ENTERPRISE_ID, item__code="RS-009")
    assert response["Location"] == reverse("case", args=[case.pk])
    assert case.department.code == "rsj" and case.status == "submitted"
    sources = {s.field: (s.value, s.source) for s in case.data_sources.all()}
    assert sources["profile.employees"] == ("48", "register:enterprise")
    client.post(reverse("policy-apply", args=[policy.code]))  # twice: one case
    assert Application.objects.filter(policy=policy).count() == 1
    queue = login(client, "reviewer-rsj").get(reverse("cases")).content.decode()
    assert case.number in queue


def test_a_policy_the_enterprise_does_not_meet_cannot_be_applied_for(library, client):
    login(client, "enterprise")
    response = client.post(reverse("policy-apply", args=["startup-subsidy"]), follow=True)  # founded 2019
    assert "does not meet" in response.content.decode()
    assert not Application.objects.exists()


def test_an_exempt_policy_is_confirmed_with_the_bank_account_and_its_payout_recorded(library, client):
    login(client, "enterprise")
    url = reverse("policy-confirm", args=["hightech-first-award"])
    bad = client.post(url, {"bank_name": "", "bank_account": "12ab"})
    assert bad.status_code == 400
    assert 'href="#bank_name"' in bad.content.decode() and 'href="#bank_account"' in bad.content.decode()
    assert not Payout.objects.exists()
    client.post(url, {"bank_name": "中国工商银行东莞分行", "bank_account": "2010 0212 0900 1234 567"})
    payout = Payout.objects.get()
    assert (payout.amount, payout.bank_account, payout.status) == (
        200000,
        "20100212090012345" + "67",
        "confirmed",
    )
    page = client.get(reverse("policy", args=["hightech-first-award"])).content.decode()
    assert "2010021209001234567" not in page and payout.masked_account in page


def test_staff_see_a_policys_eligible_enterprises_and_near_misses_by_requirement(library, client):
    page = login(client, "supervisor").get(reverse("policy-matches", args=["software-enterprise-award"]))
    text = page.content.decode()
    assert "employees &gt;= 50" in text and "东莞市新晨科技有限公司" in text
    assert (
        login(client, "enterprise")
        .get(reverse("policy-matches", args=["software-enterprise-award"]))
        .status_code
        == 404
    )
    assert (
        reverse("proactive-take-up") in login(client, "supervisor").get(reverse("policies")).content.decode()
    )
    assert login(client, "supervisor").get(reverse("proactive-take-up")).status_code == 200
    assert login(client, "citizen").get(reverse("my-policies")).status_code == 404


def test_the_administrator_tests_a_draft_against_samples_then_publishes_it(library, client, worker):
    login(client, "admin")
    page = client.get(
        reverse("policy-test", args=["green-factory-award"]),
        {"industry": "C3911", "employees": "120"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Typed sample: eligible" in page
    assert "your headcount 120 meets the condition" in page
    assert (
        login(client, "supervisor").post(reverse("policy-publish", args=["green-factory-award"])).status_code
        == 404
    )
    login(client, "admin").post(reverse("policy-publish", args=["green-factory-award"]))
    policy = Policy.objects.get(code="green-factory-award")
    assert policy.status == "published"
    worker()
    expected = EnterpriseProfile.objects.filter(industry__startswith="C", employees__gte=100).count()
    assert expected and Match.objects.filter(policy=policy).count() == expected


def test_a_bad_rule_is_named_by_place_on_the_test_page(library, client):
    Policy.objects.filter(code="green-factory-award").update(
        rule={"all": [{"field": "headcount", "op": ">=", "value": 1}]}
    )
    page = login(client, "admin").get(reverse("policy-test", args=["green-factory-award"])).content.decode()
    assert "rule.all[0].field" in page and "Publish this policy" not in page


def test_declining_an_offer_and_turning_offers_off(demo, today, client):
    policies_demo.load_demo_policies(enterprises=10, today=today.day)
    login(client, "retiring")
    offer = client.get(reverse("my-offers")).context["offers"][0]
    client.post(reverse("offer-decline", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.declined_at is not None
    client.post(reverse("my-offers-settings"), {})
    assert User.objects.get(username="retiring").notice_preference.proactive_offers is False
    assert login(client, "citizen").post(reverse("offer-take-up", args=[offer.pk])).status_code == 404


def test_the_api_lists_open_policies_and_an_enterprises_matches_with_reasons(library, api_client, as_user):
    listed = api_client.get("/api/v1/policies", {"topic": "employment"}).json()
    assert {p["code"] for p in listed} >= {"graduate-hiring-grant", "startup-subsidy"}
    assert all(p["topic"] == "employment" for p in listed)
    assert next(p for p in listed if p["code"] == "graduate-hiring-grant")["item"] == "RS-009"
    matches = as_user("enterprise", "get", "/api/v1/policies/matches").json()
    software = next(m for m in matches if m["policy"]["code"] == "software-enterprise-award")
    assert software["eligible"] is False
    assert [r["met"] for r in software["reasons"]] == [True, False, True, True]
    assert as_user("citizen", "get", "/api/v1/policies/matches").status_code == 403
    assert api_client.get("/api/v1/policies/matches").status_code == 401


def test_a_withdrawn_policy_leaves_the_library_and_cannot_be_applied_for(library, client):
    from onewindow.policies import services

    policy = Policy.objects.get(code="graduate-hiring-grant")
    services.withdraw(User.objects.get(username="admin"), policy)
    assert "一次性扩岗补助" not in client.get(reverse("policies")).content.decode()
    login(client, "enterprise")
    assert client.get(reverse("policy", args=[policy.code])).status_code == 404
    assert client.post(reverse("policy-apply", args=[policy.code])).status_code == 404
    assert not Match.objects.filter(policy=policy).exists()


def test_a_credit_bar_shows_in_the_profile_and_rules_out_the_policies_that_exclude_it(library, client):
    from onewindow.policies import profiles
    from onewindow.trading.models import TrustListEntry

    TrustListEntry.objects.create(uscc=DEMO_ENTERPRISE_ID, name="新晨", list="black", reason="串通投标",
                                  valid_from=dt.date(2025, 1, 1))  # fmt: skip
    profile = profiles.refresh(DEMO_ENTERPRISE_ID)
    assert (
        "credit_barred" in profile.tags
        and profile.sources["tag_sources"]["credit_barred"]["source"] == "credit records"
    )
    page = login(client, "enterprise").get(reverse("my-policies"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    eligible = page.split("Policies you nearly meet")[0]
    assert "高新技术企业首次认定奖励" not in eligible  # excludes the discredited
    assert "高新技术企业减按 15% 税率征收企业所得税" in eligible  # does not


def test_the_start_page_lists_open_offers_and_exempt_policies_waiting_for_the_bank_account(library, client):
    page = login(client, "enterprise").get("/start/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "confirm your bank account (no application needed)" in page and "高新技术企业首次认定奖励" in page
    assert "support policies</a>" in page and "You meet" in page
    page = login(client, "retiring").get("/start/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "退休一件事" in page and "offered to you, filled in from the registers" in page
    assert (
        "You meet" not in login(client, "citizen").get("/start/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
