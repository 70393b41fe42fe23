"""Publishing a tender from its page: the agent named by account manages it too; bad input is named."""

import datetime as dt

import pytest
from django.test import Client

from onewindow.core import clock
from onewindow.trading import services
from onewindow.trading.models import Tender

from .fixtures import enterprise

pytestmark = pytest.mark.django_db


def test_a_tender_published_from_the_page_is_managed_by_its_agent(parties, today):
    agent = enterprise("agent-co", "MA0000A01", "广东诚信招标代理有限公司")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(parties["owner"])
    form = {
        "project": "东莞市某学校改造工程",
        "owner_name": "东莞市教育局",
        "agent_name": agent.first_name,
        "agent_username": "agent-co",
        "deadline": "2025-03-25T09:30",
        "guarantee_amount": "80000",
        "evaluation_method": "lowest_price",
        "lot_1_name": "施工",
        "lot_1_budget": "4000000",
    }
    answer = client.post("/trading/tenders/new/", form)
    tender = Tender.objects.get(project="东莞市某学校改造工程")
    assert answer.status_code == 302 and answer["Location"] == f"/trading/tenders/{tender.code}/"
    assert tender.agent == agent and services.manages(agent, tender)
    assert tender.notices.get().text.startswith(
        "东莞市教育局 就 东莞市某学校改造工程"
    )  # the platform's language
    today.set(dt.date(2025, 3, 26))
    assert services.open_bids(agent, tender.code).status == "opened"


def test_bad_tender_input_names_each_field_and_writes_nothing(parties, today):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(parties["owner"])
    answer = client.post(
        "/trading/tenders/new/",
        {
            "project": "x",
            "owner_name": "y",
            "agent_username": "nobody",
            "deadline": f"{clock.today() - dt.timedelta(days=1)}T09:00",
            "guarantee_amount": "0",
            "evaluation_method": "lowest_price",
            "lot_1_name": "a",
            "lot_1_budget": "10",
        },
    )
    text = answer.content.decode()
    assert answer.status_code == 400
    for field in ("deadline", "guarantee_amount", "agent_username"):
        assert f"<code>{field}</code>" in text
    assert not Tender.objects.exists()
    assert client.post("/trading/tenders/new/", {"project": ""}).status_code == 400


def test_citizens_cannot_publish_tenders(demo):
    from onewindow.core.models import User

    client = Client()
    client.force_login(User.objects.get(username="citizen"))
    answer = client.post(
        "/trading/tenders/new/",
        {"project": "p", "owner_name": "o", "deadline": "2099-01-01T09:00", "guarantee_amount": "1",
         "evaluation_method": "lowest_price", "lot_1_name": "a", "lot_1_budget": "10"},
    )  # fmt: skip
    assert answer.status_code == 404 and not Tender.objects.exists()
