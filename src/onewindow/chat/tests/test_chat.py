"""The chat channel: a citizen links her chat account with a code, asks "where is my dossier?" by its
number and gets its status; her case notices come by chat when she chose it; events are verified and
applied once; the reference chat platform renders the templates."""

import json

import pytest
from django.test import Client
from django.utils import translation

from onewindow.cases import services as case_services
from onewindow.chat import services, templates
from onewindow.chat.models import ChatLink, ChatMessage, NoticeChannels
from onewindow.core.models import User
from onewindow.integrations import partners
from onewindow.ops.demo import load_region_catalog

pytestmark = pytest.mark.django_db(transaction=True)
ITEM = "1.001193"  # đăng ký khai sinh at a ward


def _citizen_case():
    load_region_catalog("quang-nam")
    citizen = User.objects.get(username="citizen-vn")
    case, _created = case_services.submit_case(
        citizen,
        case_services.Submission(
            item=ITEM,
            applicant=case_services.Applicant("Trần Văn Bình", "vn_citizen_id", "049190001234"),
            receiving_unit="hoian-camchau",
        ),
    )
    return citizen, case


def test_link_look_up_and_notices_through_the_reference_platform(demo, chatgate, worker):
    citizen, case = _citizen_case()

    def say(text):
        chatgate.write("zalo-binh", text)
        worker()  # the replies go out through the task queue

    say("xin chào")
    say(case.number)  # not linked yet: nothing about the case
    code = services.new_link_code(citizen)
    say(f"LIENKET {code.code}")
    assert ChatLink.objects.get(user=citizen).chat_user_id == "zalo-binh"
    say(f"hồ sơ {case.number.lower()} đến đâu rồi?")
    say("VN49-50302-20250101-0000001")  # not hers
    said = [(m["direction"], m["template"]) for m in chatgate.conversation("zalo-binh")]
    assert said == [
        ("in", ""), ("out", "help"), ("in", ""), ("out", "not_linked"), ("in", ""), ("out", "linked"),
        ("in", ""), ("out", "case_status"), ("in", ""), ("out", "case_not_found"),
    ]  # fmt: skip
    status = chatgate.conversation("zalo-binh")[7]["text"]
    with translation.override("vi"):
        assert status.startswith(f"Hồ sơ {case.number} (Đăng ký khai sinh): {case.get_status_display()}.")

    # She chose chat only: the acceptance comes by chat, not by SMS.
    services.set_channels(citizen, email=False, sms=False, chat=True)
    clerk = User.objects.get(username="clerk-vn49-50302")
    required = {m.code: "received" for m in case.materials.all() if m.required}
    accepted = case_services.act(clerk, case.pk, case_services.ActionInput("accept", materials=required))
    assert accepted.events.get(action="accept").data["notified"] == ["chat"]
    worker()
    last = chatgate.conversation("zalo-binh")[-1]
    assert last["template"] == "accept" and last["text"].startswith(f"Hồ sơ {case.number}")


def test_events_are_signed_and_applied_once(demo, chatgate, live_server):
    body = json.dumps({"event": "user_send_text", "chat_user_id": "zalo-x", "text": "help"}).encode()
    web = Client()
    forged = web.post("/chat/events/", body, content_type="application/json")
    assert forged.status_code == 401 and not ChatMessage.objects.exists()
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in partners.sign(chatgate.secret, "POST", "/chat/events/", body, "evt_1").items()
    }
    assert web.post("/chat/events/", body, content_type="application/json", **headers).json() == {
        "status": "applied"
    }
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in partners.sign(chatgate.secret, "POST", "/chat/events/", body, "evt_1").items()
    }
    assert web.post("/chat/events/", body, content_type="application/json", **headers).json() == {
        "status": "duplicate"
    }
    assert (
        ChatMessage.objects.filter(direction="in").count() == 1
        and ChatMessage.objects.filter(direction="out").count() == 1
    )


def test_the_notice_page_chooses_channels_and_links(demo):
    citizen, _case = _citizen_case()
    page = Client()
    page.force_login(citizen)
    refused = page.post("/account/notices/", {"action": "channels", "chat": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "link your chat account first" in refused.content.decode()
    assert page.post("/account/notices/", {"action": "channels"}).status_code == 400  # none chosen
    assert page.post("/account/notices/", {"action": "code"}).status_code == 302
    shown = page.get("/account/notices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "LINK " in shown
    assert page.post("/account/notices/", {"action": "channels", "sms": "1"}).status_code == 302
    assert NoticeChannels.objects.get(user=citizen).email is False
    clerk = Client()
    clerk.force_login(User.objects.get(username="clerk"))
    assert clerk.get("/account/notices/").status_code == 404


def test_the_templates():
    assert templates.problems("accept", {"number": "X", "item": "Y", "due": "Z"}) == []
    assert templates.problems("accept", {"number": "X"}) == [
        "missing parameter 'due'",
        "missing parameter 'item'",
    ]
    assert templates.problems("nope", {}) == ["unknown template 'nope'"]
    assert templates.problems("help", {"x": "1"}) == ["unknown parameter 'x'"]
    assert templates.parse("liên kết 123456") == ("link", "123456")
    assert templates.parse("绑定：654321") == ("link", "654321")
    assert templates.parse("vn49-50301-20251205-0000042 đâu rồi") == ("status", "VN49-50301-20251205-0000042")
    assert templates.parse("441900-20250303-0000012") == ("status", "441900-20250303-0000012")
    assert templates.parse("xin chào") == ("help", "")
    for name, texts in templates.TEMPLATES.items():
        assert set(texts) == set(templates.LANGUAGES), name
        params = dict.fromkeys(templates.params_of(name), "x")
        assert all(templates.render(name, params, language) for language in templates.LANGUAGES)
