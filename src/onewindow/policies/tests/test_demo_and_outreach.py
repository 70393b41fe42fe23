"""The demo's policies and enterprises, and the proactive run on the platform: the demo citizen
whose retirement is near gets exactly one offer, and taking it up opens the retirement bundle's
guide filled in from the registers."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from onewindow.core.models import User
from onewindow.ops.demo import DEMO_ENTERPRISE_ID
from onewindow.policies import demo as policies_demo
from onewindow.policies import outreach, proactive, retirement
from onewindow.policies.models import EnterpriseProfile, Policy, ProactiveOffer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_policies(demo, today):
    return policies_demo.load_demo_policies(enterprises=400, today=today.day)


def test_the_demo_has_thirty_published_policies_with_their_sources(demo_policies):
    published = Policy.objects.filter(status="published")
    assert published.count() >= 30
    assert all(p.source_title and p.source_url.startswith("https://") for p in published)
    assert {"apply", "exempt"} <= set(published.values_list("how", flat=True))
    assert EnterpriseProfile.objects.count() == 401
    assert demo_policies["eligible"] > 400


def test_the_demo_enterprise_profile_keeps_each_value_with_its_source(demo_policies):
    profile = EnterpriseProfile.objects.get(uscc=DEMO_ENTERPRISE_ID)
    assert (profile.industry, profile.employees, profile.tax_credit) == ("I6511", 48, "A")
    assert profile.sources["employees"]["source"] == "register:enterprise"
    assert profile.sources["tax_credit"]["source"] == "declared"
    assert "BUSINESS_LICENCE" not in profile.certificates  # no certificates loaded in this test


def test_the_citizen_near_retirement_gets_exactly_one_offer_and_taking_it_opens_the_bundle_prefilled(
    demo_policies, today, client
):
    citizen = User.objects.get(username=policies_demo.RETIRING_USERNAME)
    holder = citizen.verified_id_number
    when = retirement.retirement_date("male", retirement.birth_date_from_id(holder))
    assert 0 < (when - today.day).days <= 90
    assert ProactiveOffer.objects.filter(holder_id=holder).count() == 1  # made by the demo's first run
    assert outreach.run_daily(today.day) == {t: 0 for t in ("food-licence-60", "licence-term-90",
                                                             "newborn-30", "retirement-90")}  # fmt: skip
    offers = ProactiveOffer.objects.all()
    assert [(o.trigger.code, o.holder_id, o.event_date) for o in offers] == [("retirement-90", holder, when)]
    client.force_login(citizen)
    page = client.get(reverse("my-offers"))
    assert "退休一件事" in page.content.decode()
    response = client.post(reverse("offer-take-up", args=[offers[0].pk]))
    url = urlparse(response["Location"])
    assert url.path == reverse("bundle-guide", args=["retirement"])
    query = parse_qs(url.query)
    assert query["a.insured_as"] == ["employee"] and query["prefill"]
    offers[0].refresh_from_db()
    assert offers[0].taken_up_at is not None


def test_someone_who_asked_for_no_offers_gets_none(demo, today):
    citizen_id = policies_demo.retiring_citizen_id(today.day)
    policies_demo.load_triggers()
    policies_demo._retiring_citizen(today.day)
    outreach.set_preference(User.objects.get(username="retiring"), proactive_offers=False)
    assert outreach.run_daily(today.day)["retirement-90"] == 0
    assert not ProactiveOffer.objects.filter(holder_id=citizen_id).exists()
    assert proactive.is_resident_id(citizen_id)
