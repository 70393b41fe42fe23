RETIREE = {
    "insured_as": "employee",
    "retire_type": "normal",
    "other_province": "none",
    "years": "enough",
    "medical_years": "enough",
}


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_bundles_are_listed_and_searchable(api_client):
    body = api_client.get("/api/v1/bundles").json()
    assert {"retirement", "retiree_contribution", "business_opening", "newborn"} <= {
        b["code"] for b in body["items"]
    }
    found = api_client.get("/api/v1/bundles", {"q": "退休"}).json()
    assert [b["code"] for b in found["items"]] == ["retirement", "retiree_contribution"]


def test_bundle_detail_asks_each_question_once(api_client):
    bundle = api_client.get("/api/v1/bundles/retirement").json()
    assert [i["code"] for i in bundle["items"]] == ["RS-001", "YB-001", "GJ-001", "RS-008"]
    codes = [q["code"] for q in bundle["questions"]]
    assert codes == ["insured_as", "retire_type", "other_province", "years", "medical_years"]
    assert api_client.get("/api/v1/bundles/nothing").status_code == 404


def test_retirement_bundle_counts_come_from_the_item_data(api_client):
    response = post(api_client, "/api/v1/bundles/retirement/checklist", {"answers": RETIREE})
    assert response.status_code == 200, response.content
    body = response.json()
    asked = [m["code"] for m in body["materials"] if m["asked"]]
    assert asked == [
        "id_card",
        "pension_application_form",
        "personnel_file",
        "photo",
        "bank_card",
        "medical_years_form",
        "fund_withdrawal_form",
    ]
    approval = next(m for m in body["materials"] if m["code"] == "retirement_approval")
    assert approval["provided_by"] == "RS-001" and approval["needed_by"] == ["YB-001", "GJ-001", "RS-008"]
    shared = [m["code"] for m in body["materials"] if m["shared_data"]]
    assert shared == ["household_register", "medical_contribution_record"]
    assert body["stages"] == [["RS-001"], ["YB-001", "GJ-001", "RS-008"]]
    assert (body["materials_if_separate"], body["materials_in_bundle"]) == (17, 7)
    assert (body["legal_days_if_separate"], body["days_in_bundle"]) == (30, 2)
    assert (body["visits_if_separate"], body["visits_in_bundle"]) == (3, 1)


def test_the_seeds_retirement_figures_are_computed_from_the_item_data(api_client):
    """Dongguan: 申办材料从17份精简至7份，办理时限从30个工作日压缩至最快2个工作日 (seed 001)."""
    bundle = api_client.get("/api/v1/bundles/retirement").json()
    figures = bundle["figures"]
    assert figures["answers"]["retire_type"] == "normal"
    assert (figures["materials_if_separate"], figures["materials_in_bundle"]) == (17, 7)
    assert (figures["legal_days_if_separate"], figures["fastest_days_in_bundle"]) == (30, 2)
    assert "20 + 5 + 3 + 2" in bundle["assumptions"]
    english = api_client.get("/api/v1/bundles/retirement", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "2 working days at the fastest" in english["assumptions"]


def test_an_early_retirement_takes_longer_than_the_fastest(api_client):
    answers = {**RETIREE, "retire_type": "illness", "medical_years": "short"}
    body = post(api_client, "/api/v1/bundles/retirement/checklist", {"answers": answers}).json()
    assert body["days_in_bundle"] == 20 + 5  # publicity for the pension; medical insurance takes its days
    assert "disability_appraisal" in [m["code"] for m in body["materials"] if m["asked"]]


def test_tax_and_social_insurance_joint_intake_needs_one_visit_instead_of_two(api_client):
    """Dongguan: 人保、医保、税务三个部门 … 至少跑2次 → 一窗通办 (seed 001)."""
    bundle = api_client.get("/api/v1/bundles/retiree_contribution").json()
    assert {i["department"]["code"] for i in bundle["items"]} == {"rsj", "ybj", "sw"}
    figures = bundle["figures"]
    assert (figures["visits_if_separate"], figures["visits_in_bundle"]) == (2, 1)
    assert (figures["materials_if_separate"], figures["materials_in_bundle"]) == (7, 4)
    body = post(api_client, "/api/v1/bundles/retiree_contribution/checklist", {"answers": {}}).json()
    assert body["stages"] == [["RS-002", "YB-005"], ["SW-006"]]
    approval = next(m for m in body["materials"] if m["code"] == "extension_approval")
    assert approval["provided_by"] == "RS-002" and not approval["asked"]


def test_a_bundle_without_a_typical_situation_has_no_figures(api_client):
    assert api_client.get("/api/v1/bundles/newborn").json()["figures"] is None


def test_business_opening_runs_in_parallel_after_the_licence(api_client):
    answers = {
        "shareholders": "natural_persons",
        "premises": "leased",
        "agent": "self",
        "invoices": "need_invoices",
        "vat_general": "small",
    }
    body = post(api_client, "/api/v1/bundles/business_opening/checklist", {"answers": answers}).json()
    assert body["stages"] == [["SC-001"], ["GA-001", "SW-002", "RS-006", "GJ-003"]]
    licence = next(m for m in body["materials"] if m["code"] == "business_license")
    assert licence["provided_by"] == "SC-001" and not licence["asked"]
    assert body["materials_in_bundle"] < body["materials_if_separate"]


def test_bad_bundle_answers_are_422_naming_the_question(api_client):
    response = post(
        api_client, "/api/v1/bundles/retirement/checklist", {"answers": {"insured_as": "employee"}}
    )
    assert response.status_code == 422
    assert "answers.medical_years" in [e["field"] for e in response.json()["errors"]]
    response = post(api_client, "/api/v1/bundles/retirement/checklist", {"answers": {**RETIREE, "x": "y"}})
    assert response.json()["errors"][0]["field"] == "answers.x"


def test_bad_bundles_in_a_catalog_file_are_refused(db):
    import pytest

    from onewindow.catalog.transfer import CatalogImportError, import_catalog

    from .test_transfer import MINIMAL

    with pytest.raises(CatalogImportError) as failure:
        import_catalog(MINIMAL + "bundles:\n- {code: b, name: 套餐, items: [{item: T-1}, {item: NOPE}]}\n")
    assert failure.value.problems[0].field == "bundles[0].items[1].item"
    with pytest.raises(CatalogImportError) as failure:
        import_catalog(
            MINIMAL + "bundles:\n- {code: b, name: 套餐, items: [{item: T-1, after: [Z]}, {item: T-1}]}\n"
        )
    assert {p.field for p in failure.value.problems} == {"bundles[0].items[1].item", "bundles[0].items"}
