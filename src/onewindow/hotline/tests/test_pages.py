"""The hotline's and the knowledge base's pages: who sees which, forms that name the bad field."""

import pytest

from onewindow.core.models import User
from onewindow.hotline import services
from onewindow.knowledge import services as knowledge

pytestmark = pytest.mark.django_db

PAGES = {
    "agent": ["/hotline/desk/", "/hotline/callbacks/", "/knowledge/unanswered/"],
    "reviewer-rsj": ["/hotline/inbox/", "/knowledge/write/", "/knowledge/unanswered/"],
    "supervisor": [
        "/hotline/supervision/",
        "/hotline/hot-spots/",
        "/knowledge/review/",
        "/hotline/desk/",
        "/hotline/inbox/",
        "/hotline/callbacks/",
    ],
    "citizen": ["/hotline/my/", "/hotline/new/", "/knowledge/"],
}
NOT_FOR = {
    "agent": ["/hotline/inbox/", "/knowledge/write/", "/hotline/supervision/", "/hotline/hot-spots/"],
    "reviewer-rsj": ["/hotline/desk/", "/hotline/callbacks/", "/hotline/supervision/", "/knowledge/review/"],
    "supervisor": [],
    "citizen": [
        "/hotline/desk/",
        "/hotline/inbox/",
        "/hotline/callbacks/",
        "/hotline/supervision/",
        "/hotline/hot-spots/",
        "/knowledge/write/",
        "/knowledge/review/",
        "/knowledge/unanswered/",
    ],
}


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("username", PAGES)
def test_each_role_reaches_its_pages_and_not_the_others(client, routes, username):
    login(client, username)
    for url in PAGES[username]:
        assert client.get(url).status_code == 200, url
    for url in NOT_FOR[username]:
        assert client.get(url).status_code == 404, url


def test_the_desk_names_the_bad_fields_and_registers_a_good_call(client, routes):
    login(client, "agent")
    bad = client.post(
        "/hotline/desk/", {"ticket_type": "complaint", "title": "", "body": "x", "latitude": "abc"}
    )
    assert bad.status_code == 422 and 'id="e-title"' in bad.content.decode()
    bad = client.post(
        "/hotline/desk/",
        {"ticket_type": "complaint", "title": "t", "body": "b", "latitude": "99", "longitude": "10"},
    )
    assert bad.status_code == 422 and "latitude" in bad.content.decode()
    not_a_number = client.post("/hotline/desk/", {"ticket_type": "complaint", "title": "t", "body": "b",
                                                  "latitude": "nan", "longitude": "10"})  # fmt: skip
    assert not_a_number.status_code == 422 and 'id="e-title"' not in not_a_number.content.decode()
    good = client.post(
        "/hotline/desk/",
        {
            "ticket_type": "complaint",
            "title": "供暖不热",
            "body": "小区暖气不热",
            "caller_phone": "13800138000",
        },
    )
    assert good.status_code == 302
    page = client.get(good["Location"]).content.decode()
    assert "138****8000" in page and "13800138000" not in page  # masked on the page


def test_a_consultation_answered_at_once_from_a_published_article(client, routes):
    writer, reviewer = User.objects.get(username="reviewer-rsj"), User.objects.get(username="supervisor")
    article = knowledge.write_article(
        knowledge.ArticleDraft(
            "社会保险断缴了怎么补缴？", "携带身份证到社保窗口申请补缴。", "rsj", ["RS-001"]
        ),
        writer,
    )
    knowledge.review_article(article, reviewer, publish=True)
    ticket = services.register(services.TicketInput("consultation", "保险断缴", "断缴了几个月怎么补？"))
    login(client, "agent")
    page = client.get(f"/hotline/tickets/{ticket.number}/").content.decode()
    assert ticket.status == "registered" and "社会保险断缴了怎么补缴" in page
    answered = client.post(
        f"/hotline/tickets/{ticket.number}/act/",
        {"action": "answer", "article": article.pk, "note": "携带身份证到社保窗口申请补缴。"},
    )
    assert answered.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.answered_at_once and ticket.article == article
    article.refresh_from_db()
    assert article.uses == 1
    # The article shows on its catalog item's page.
    assert "社会保险断缴了怎么补缴" in client.get("/services/RS-001/").content.decode()


def test_a_caller_sees_their_request_and_its_reply_but_not_the_internal_notes(client, routes):
    citizen = User.objects.get(username="citizen")
    login(client, "citizen")
    sent = client.post(
        "/hotline/new/", {"ticket_type": "suggestion", "title": "建议增加班次", "body": "早高峰车太挤"}
    )
    assert sent.status_code == 200
    ticket = citizen.hotline_tickets.get()
    assert ticket.channel == "web"
    agent = User.objects.get(username="agent")
    services.act(ticket, "dispatch", agent, department="ga")
    services.act(ticket, "sign", User.objects.get(username="reviewer-ga"))
    services.act(ticket, "handle", User.objects.get(username="reviewer-ga"), note="内部备注：已转公交公司")
    services.act(ticket, "reply", User.objects.get(username="reviewer-ga"), note="已增加早高峰班次。")
    page = client.get(f"/hotline/tickets/{ticket.number}/").content.decode()
    assert "已增加早高峰班次" in page and "内部备注" not in page
    assert ticket.number in client.get("/hotline/my/").content.decode()
    tracked = client.get(f"/hotline/track/{ticket.tracking_token}/")
    assert tracked.status_code == 200 and "已增加早高峰班次" in tracked.content.decode()


def test_the_desk_suggests_a_department_from_what_was_typed_without_registering(client, routes, settings):
    import random

    from onewindow.hotline.demo import example_messages
    from onewindow.hotline.models import Ticket
    from onewindow.hotline.routing import RoutingModel

    RoutingModel.train(example_messages(random.Random(1))).save(settings.HOTLINE_MODEL_DIR)
    login(client, "agent")
    typed = {
        "ticket_type": "complaint",
        "title": "工地晚上施工太吵",
        "body": "工地每天夜里施工噪声很大",
        "preview": "1",
    }
    page = client.post("/hotline/desk/", typed)
    text = page.content.decode()
    assert page.status_code == 200 and "环境保护" in text and "工地晚上施工太吵" in text
    assert Ticket.objects.count() == 0
    registered = client.post("/hotline/desk/", {**typed, "preview": "", "channel": "sms"})
    assert registered.status_code == 302 and Ticket.objects.get().channel == "sms"


def test_the_agent_lands_on_a_start_page_with_the_hotline_work(client, routes):
    services.register(services.TicketInput("complaint", "路灯不亮", "门口路灯坏了很久"))
    login(client, "agent")
    page = client.get("/start/").content.decode()
    assert "路灯不亮" in page and "/hotline/desk/" in page
    login(client, "reviewer-rsj")
    assert client.get("/start/").status_code == 200
