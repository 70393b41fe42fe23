import pytest

RETIREMENT_EMPLOYEE = {
    "insured_as": "employee",
    "retire_type": "normal",
    "other_province": "none",
    "years": "enough",
}


def post_json(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_search_finds_every_item_named_with_the_word_and_ranks_them_first(api_client):
    response = api_client.get("/api/v1/items", {"q": "退休"})
    assert response.status_code == 200
    body = response.json()
    names = [item["name"] for item in body["items"]]
    assert body["count"] == len(names)
    named = [name for name in names if "退休" in name]
    assert {
        "职工基本养老保险退休待遇申领",
        "退休人员基本医疗保险待遇核定",
        "离退休提取住房公积金",
        "退休人员基本养老保险延长缴费",
    } <= set(named)
    # every item whose name contains the query comes before any that only matches by keyword or summary
    assert names[: len(named)] == named
    first = body["items"][0]
    assert set(first) >= {
        "code",
        "name",
        "department",
        "item_type",
        "legal_days",
        "promised_days",
        "immediate",
        "max_visits",
    }
    assert set(first["department"]) == {"code", "name"}


def test_search_splits_a_sentence_into_words(api_client):
    names = [
        i["name"] for i in api_client.get("/api/v1/items", {"q": "我要办理公司注册营业执照"}).json()["items"]
    ]
    assert names[0] == "有限责任公司设立登记"


def test_search_in_english_uses_translated_names(api_client):
    names = [i["code"] for i in api_client.get("/api/v1/items", {"q": "Marriage"}).json()["items"]]
    assert names[0] == "MZ-001"


def test_filters_and_pagination(api_client):
    everything = api_client.get("/api/v1/items").json()
    assert everything["count"] >= 40
    assert len(everything["items"]) == everything["count"]
    gjj = api_client.get("/api/v1/items", {"department": "gjj"}).json()
    assert gjj["count"] == 5 and {i["department"]["code"] for i in gjj["items"]} == {"gjj"}
    page = api_client.get("/api/v1/items", {"limit": 10, "offset": 10}).json()
    assert page["count"] == everything["count"]
    assert [i["code"] for i in page["items"]] == [i["code"] for i in everything["items"][10:20]]
    events = api_client.get(
        "/api/v1/items", {"life_event": "business_opening", "audience": "enterprise"}
    ).json()
    assert {"SC-001", "GA-001", "SW-002", "RS-006", "GJ-003"} <= {i["code"] for i in events["items"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "many"}, "limit"),
        ({"department": "nowhere"}, "department"),
        ({"life_event": "nothing"}, "life_event"),
        ({"audience": "aliens"}, "audience"),
    ],
)
def test_bad_list_parameters_name_the_field(api_client, params, field):
    response = api_client.get("/api/v1/items", params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert [e["field"] for e in body["errors"]] == [field]


def test_item_detail_has_questions_and_materials(api_client):
    response = api_client.get("/api/v1/items/RS-001")
    assert response.status_code == 200
    item = response.json()
    assert item["department"] == {"code": "rsj", "name": "东莞市人力资源和社会保障局"}
    assert [q["code"] for q in item["questions"]] == ["insured_as", "retire_type", "other_province", "years"]
    assert item["questions"][0]["options"][0] == {"code": "employee", "text": "企业职工（由单位申报）"}
    assert len(item["materials"]) == 10
    assert item["channels"] == ["window", "online", "mobile"]


def test_item_detail_in_english(api_client):
    item = api_client.get("/api/v1/items/RS-001", HTTP_ACCEPT_LANGUAGE="en").json()
    assert item["name"] == "Claiming the basic pension on retirement"
    assert item["questions"][0]["text"] == "How were you insured before retiring?"


def test_unknown_item_is_a_json_404(api_client):
    response = api_client.get("/api/v1/items/NOPE-1")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published service item with code 'NOPE-1'", "errors": []}


def test_checklist_for_a_normal_retirement(api_client):
    response = post_json(api_client, "/api/v1/items/RS-001/checklist", {"answers": RETIREMENT_EMPLOYEE})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [m["code"] for m in body["materials"]] == [
        "id_card",
        "household_register",
        "pension_application_form",
        "personnel_file",
        "photo",
        "bank_card",
    ]
    form = body["materials"][2]
    assert (form["copies"], form["original"], form["required"]) == (2, False, True)
    assert body["materials"][0]["original"] is True
    assert (body["promised_days"], body["legal_days"], body["max_visits"]) == (2, 20, 1)
    assert [s["code"] for s in body["steps"]] == ["apply", "accept", "review", "decide", "pay"]


def test_checklist_for_an_early_retirement_adds_materials_steps_and_time(api_client):
    answers = {
        **RETIREMENT_EMPLOYEE,
        "insured_as": "flexible",
        "retire_type": "illness",
        "other_province": "not_transferred",
        "years": "short",
    }
    body = post_json(api_client, "/api/v1/items/RS-001/checklist", {"answers": answers}).json()
    codes = [m["code"] for m in body["materials"]]
    assert codes == [
        "id_card",
        "household_register",
        "pension_application_form",
        "photo",
        "disability_appraisal",
        "pension_transfer_letter",
        "extension_application",
        "bank_card",
    ]
    assert "publicity" in [s["code"] for s in body["steps"]]
    assert (body["promised_days"], body["max_visits"]) == (20, 2)


def test_conditional_question_is_required_only_when_it_applies(api_client):
    base = {"invoices": "no_invoices"}
    assert post_json(api_client, "/api/v1/items/SW-002/checklist", {"answers": base}).status_code == 200
    response = post_json(
        api_client, "/api/v1/items/SW-002/checklist", {"answers": {"invoices": "need_invoices"}}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "answers.vat_general", "message": "this question needs an answer"}
    ]


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ({k: v for k, v in RETIREMENT_EMPLOYEE.items() if k != "years"}, "answers.years", "needs an answer"),
        ({**RETIREMENT_EMPLOYEE, "pets": "cat"}, "answers.pets", "unknown question 'pets'"),
        ({**RETIREMENT_EMPLOYEE, "years": "forty"}, "answers.years", "unknown option 'forty'"),
        ({**RETIREMENT_EMPLOYEE, "years": 15}, "answers.years", "valid string"),
    ],
)
def test_bad_answers_are_422_naming_the_question(api_client, answers, field, words):
    response = post_json(api_client, "/api/v1/items/RS-001/checklist", {"answers": answers})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == field
    assert words in errors[0]["message"]


def test_malformed_json_body_is_a_client_error(api_client):
    response = api_client.post("/api/v1/items/RS-001/checklist", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_item_without_questions_needs_no_answers(api_client):
    body = post_json(api_client, "/api/v1/items/RS-004/checklist", {}).json()
    assert [m["code"] for m in body["materials"]] == ["id_card"]
    assert body["immediate"] is True


def test_token_authentication(api_client, token_for):
    assert api_client.get("/api/v1/me").status_code == 401
    assert api_client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    token = token_for("reviewer-rsj")
    body = api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body == {
        "username": "reviewer-rsj",
        "role": "reviewer",
        "department": {"code": "rsj", "name": "东莞市人力资源和社会保障局"},
    }


def test_openapi_schema_and_docs(api_client):
    schema = api_client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/items", "/api/v1/items/{code}", "/api/v1/items/{code}/checklist"} <= set(schema["paths"])
    assert api_client.get("/api/docs").status_code == 302
    assert api_client.get("/api/v1/docs").status_code == 200


def test_departments_and_life_events(api_client):
    departments = api_client.get("/api/v1/departments").json()
    assert departments["count"] >= 8
    assert {"rsj", "ybj", "sw", "gjj", "scjg", "ga", "mz", "zj"} <= {d["code"] for d in departments["items"]}
    events = api_client.get("/api/v1/life-events").json()
    assert {"retirement", "business_opening"} <= {e["code"] for e in events["items"]}


def test_every_list_endpoint_pages_the_same_way(api_client):
    for url in ("/api/v1/items", "/api/v1/departments", "/api/v1/life-events"):
        full = api_client.get(url).json()
        page = api_client.get(url, {"limit": 2, "offset": 1}).json()
        assert page["count"] == full["count"]
        assert page["items"] == full["items"][1:3]
        assert api_client.get(url, {"limit": 501}).status_code == 422


def test_json_carries_chinese_text_as_utf8(api_client):
    response = api_client.get("/api/v1/items/RS-001")
    assert response["Content-Type"].startswith("application/json")
    assert "职工基本养老保险退休待遇申领" in response.content.decode("utf-8")


def test_demo_department_translations_are_separate_fields(api_client):
    names = {
        d["code"]: d["name"]
        for d in api_client.get("/api/v1/departments", HTTP_ACCEPT_LANGUAGE="en").json()["items"]
    }
    assert names["gjj"] == "Dongguan Housing Provident Fund Centre"
    assert not any(":" in name for name in names.values())


def test_checklists_give_channel_advice(api_client):
    body = post_json(api_client, "/api/v1/items/RS-001/checklist", {"answers": RETIREMENT_EMPLOYEE}).json()
    assert body["channel_advice"] == {"code": "online_then_window", "visits": 1}
    assert post_json(api_client, "/api/v1/items/GJ-004/checklist", {}).json()["channel_advice"] == {
        "code": "online",
        "visits": 0,
    }
    assert post_json(
        api_client, "/api/v1/items/MZ-001/checklist", {"answers": {"previously_married": "first"}}
    ).json()["channel_advice"] == {"code": "window", "visits": 1}
