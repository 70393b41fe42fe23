import re
from html import unescape

import pytest
from django.test import Client


@pytest.fixture
def client(demo):
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def follow_guide(client, code, choices):
    """Answer the guide's questions in order, as a browser without JavaScript would."""
    response = client.get(f"/services/{code}/guide/")
    for choice in choices:
        assert response.status_code == 200, response.content[:500]
        html = response.content.decode()
        field = re.search(r'type="radio" id="[^"]+" name="([^"]+)"', html).group(1)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
        response = client.get(f"/services/{code}/guide/", {**hidden, field: choice})
    return response


def test_home_lists_life_events_and_departments(client):
    page = text(client.get("/"))
    for words in ("退休", "企业开办", "东莞市人力资源和社会保障局", "找政务服务"):
        assert words in page


def test_search_page_ranks_names_with_the_word_first(client):
    response = client.get("/services/", {"q": "退休"})
    assert response.status_code == 200
    titles = re.findall(r'<h2><a href="/services/[^/]+/">([^<]+)</a></h2>', response.content.decode())
    assert "职工基本养老保险退休待遇申领" in titles
    assert all("退休" in title for title in titles[:4])


def test_browse_by_department_and_life_event(client):
    assert "离退休提取住房公积金" in text(client.get("/services/", {"department": "gjj"}))
    page = text(client.get("/services/", {"life_event": "business_opening"}))
    assert "有限责任公司设立登记" in page and "公章刻制备案" in page


def test_item_page_shows_elements_and_every_material(client):
    page = text(client.get("/services/RS-001/"))
    for words in (
        "职工基本养老保险退休待遇申领",
        "《中华人民共和国社会保险法》第十六条",
        "劳动能力鉴定结论书",
        "开始情形引导",
    ):
        assert words in page


def test_unknown_item_page_is_404(client):
    assert client.get("/services/NOPE/").status_code == 404


def test_guide_walks_one_question_per_page_to_the_checklist(client):
    response = follow_guide(client, "RS-001", ["employee", "normal", "none", "enough"])
    assert response.status_code == 302
    checklist = client.get(response["Location"])
    page = text(checklist)
    assert "本人人事档案" in page and "《延长缴费申请表》" not in page and "劳动能力鉴定结论书" not in page
    assert "承诺 2 个工作日内办结" in page


def test_guide_asks_a_conditional_question_only_when_it_applies(client):
    response = follow_guide(client, "SW-002", ["no_invoices"])
    assert response.status_code == 302
    response = follow_guide(client, "SW-002", ["need_invoices"])
    assert response.status_code == 200
    assert "是否申请登记为增值税一般纳税人" in text(response)


def test_guide_without_a_choice_shows_an_error_on_the_same_question(client):
    response = client.get("/services/RS-001/guide/", {"after": "insured_as"})
    assert response.status_code == 400
    page = text(response)
    assert "您退休前以什么身份参加养老保险" in page and "请选择一个答案" in page


def test_guide_back_link_keeps_answers_and_preselects(client):
    response = client.get("/services/RS-001/guide/", {"a.insured_as": "flexible", "after": "insured_as"})
    html = response.content.decode()
    assert "您办理哪种退休" in text(response)
    back = unescape(re.search(r'<a class="back" href="([^"]+)"', html).group(1))
    previous = client.get(back)
    assert 'value="flexible" checked' in previous.content.decode()


def test_guide_with_unknown_codes_is_a_clear_400(client):
    response = client.get("/services/RS-001/guide/", {"a.pets": "cat"})
    assert response.status_code == 400
    assert "unknown question 'pets'" in text(response)
    response = client.get("/services/RS-001/checklist/", {"a.insured_as": "robot"})
    assert response.status_code == 400


def test_checklist_with_missing_answers_goes_back_to_the_guide(client):
    response = client.get("/services/RS-001/checklist/", {"a.insured_as": "employee"})
    assert response.status_code == 302
    assert response["Location"].startswith("/services/RS-001/guide/?a.insured_as=employee")


def test_checklist_lists_materials_with_copies_and_change_links(client):
    response = client.get("/services/GJ-002/checklist/", {"a.house": "resale", "a.married": "with_spouse"})
    page = text(response)
    assert "不动产权证书" in page and "结婚证" in page and "商品房买卖合同" not in page
    assert "at=married" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Find a government service"),
        ("vi", "Tìm dịch vụ công"),
        ("zh-hans", "找政务服务"),
    ],
)
def test_pages_are_translated(demo, language, words):
    page = text(Client(HTTP_ACCEPT_LANGUAGE=language).get("/"))
    assert words in page


def test_language_switcher_works_without_javascript(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/services/RS-001/"})
    assert response.status_code == 302
    page = text(client.get("/services/RS-001/"))
    assert "Claiming the basic pension on retirement" in page and "Start the situation guide" in page


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_login_page_and_demo_login(client):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "supervisor", "password": "demo"})
    assert response.status_code == 302
    assert "supervisor" in text(client.get("/"))


def test_bundle_guide_asks_shared_questions_once_and_shows_the_savings(client):
    home = text(client.get("/"))
    assert "退休一件事" in home
    bundle_page = text(client.get("/bundles/retirement/"))
    assert "开始情形引导" in bundle_page
    assert "7 份，分开办理需 17 份" in bundle_page and "分别办理的法定时限 30 个工作日" in bundle_page
    assert "最快 2 个工作日" in bundle_page and "20 + 5 + 3 + 2" in bundle_page
    response = follow_guide_at(
        client, "/bundles/retirement/guide/", ["employee", "normal", "none", "enough", "enough"]
    )
    assert response.status_code == 302 and response["Location"].startswith("/bundles/retirement/checklist/?")
    page = text(client.get(response["Location"]))
    assert "7 份，分开办理需 17 份" in page and "一件事承诺时限 2 个工作日" in page
    assert (
        "职工基本养老保险待遇核定表" in page and "职工基本养老保险退休待遇申领" in page
    )  # passed on, from RS-001
    assert client.get("/bundles/nothing/").status_code == 404


def follow_guide_at(client, url, choices):
    response = client.get(url)
    for choice in choices:
        assert response.status_code == 200, response.content[:300]
        html = response.content.decode()
        field = re.search(r'type="radio" id="[^"]+" name="([^"]+)"', html).group(1)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
        response = client.get(url, {**hidden, field: choice})
    return response


def test_pre_review_consultation_then_planning(client):
    assert "您想办什么事" in text(client.get("/pre-review/"))
    assert client.get("/pre-review/", {"event": "nothing"}).status_code == 400
    plan = text(client.get("/pre-review/", {"event": "retirement"}))
    assert "退休一件事" in plan and "合并为一件事办理" in plan
    assert "异地就医备案" in plan  # a retirement service outside the bundle


def test_checklist_page_gives_channel_advice(client):
    page = text(client.get("/services/GJ-004/checklist/"))
    assert "网上办理，无需到现场" in page


def test_the_demo_says_how_to_try_it(demo, settings):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Try it" not in client.get("/").content.decode()
    settings.ONEWINDOW_DEMO = True
    page = client.get("/").content.decode()
    assert "Try it" in page and "resident-01" in page and "docs/demo.md" in page
