import pytest
from django.forms import inlineformset_factory
from django.test import Client

from onewindow.catalog.admin import ConditionFormSet, QuestionFormSet
from onewindow.catalog.models import ItemStatus, Material, Question, ServiceItem, SituationRule


@pytest.fixture
def admin_client(demo):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.login(username="admin", password="demo")
    return client


def published(code):
    return ServiceItem.objects.get(code=code, status=ItemStatus.PUBLISHED)


def test_admin_lists_items_and_shows_published_versions_read_only(admin_client):
    assert admin_client.get("/admin/catalog/serviceitem/").status_code == 200
    item = published("RS-001")
    page = admin_client.get(f"/admin/catalog/serviceitem/{item.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # view only


def test_actions_make_a_draft_and_publish_it(admin_client):
    item = published("GJ-001")
    admin_client.post(
        "/admin/catalog/serviceitem/", {"action": "make_new_version", "_selected_action": [item.pk]}
    )
    draft = ServiceItem.objects.get(code="GJ-001", version=2)
    assert draft.status == ItemStatus.DRAFT
    page = admin_client.get(f"/admin/catalog/serviceitem/{draft.pk}/change/")
    assert b'name="_save"' in page.content
    admin_client.post("/admin/catalog/serviceitem/", {"action": "publish", "_selected_action": [draft.pk]})
    assert published("GJ-001").version == 2
    item.refresh_from_db()
    assert item.status == ItemStatus.RETIRED


def test_staff_without_permissions_cannot_edit_the_catalog(demo):
    client = Client()
    client.login(username="supervisor", password="demo")
    assert client.get("/admin/catalog/serviceitem/").status_code == 403
    client.login(username="citizen", password="demo")
    assert client.get("/admin/catalog/serviceitem/").status_code == 302  # to the admin login


def _formset(model, formset, fields, item, rows):
    factory = inlineformset_factory(ServiceItem, model, formset=formset, fields=fields, extra=0)
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"form-{index}-{key}": value for key, value in row.items()})
    return factory(data, instance=item, prefix="form")


def test_material_conditions_are_checked_against_the_items_questions(demo):
    item = published("RS-001")
    row = {
        "code": "new",
        "name": "新材料",
        "kind": "copy",
        "copies": "1",
        "position": "20",
        "translations": "{}",
    }
    good = _formset(
        Material,
        ConditionFormSet,
        ["code", "name", "kind", "copies", "position", "when", "translations"],
        item,
        [{**row, "when": '{"q": "insured_as", "is": "flexible"}'}],
    )
    assert good.is_valid(), good.errors
    bad = _formset(
        Material,
        ConditionFormSet,
        ["code", "name", "kind", "copies", "position", "when", "translations"],
        item,
        [{**row, "when": '{"q": "insured_as", "is": "martian"}'}],
    )
    assert not bad.is_valid()
    assert "unknown option 'martian'" in " ".join(bad.errors[0]["when"])


def test_rule_changes_are_checked(demo):
    item = published("RS-001")
    bad = _formset(
        SituationRule,
        ConditionFormSet,
        ["position", "when", "overrides"],
        item,
        [
            {
                "position": "9",
                "when": '{"q": "years", "is": "short"}',
                "overrides": '{"promised_days": "soon"}',
            }
        ],
    )
    assert not bad.is_valid()
    assert "whole number" in " ".join(bad.errors[0]["overrides"])


def test_a_question_may_only_depend_on_earlier_ones(demo):
    item = published("RS-001")
    fields = ["code", "text", "position", "when", "translations"]
    later = _formset(
        Question,
        QuestionFormSet,
        fields,
        item,
        [
            {
                "code": "extra",
                "text": "追加问题",
                "position": "0",
                "translations": "{}",
                "when": '{"q": "years", "is": "short"}',
            }
        ],
    )
    assert not later.is_valid()
    assert "unknown question 'years'" in " ".join(later.errors[0]["when"])


def test_material_pre_checks_are_validated_in_the_admin(demo):
    item = published("RS-001")
    fields = ["code", "name", "kind", "copies", "position", "checks", "translations"]
    row = {
        "code": "scan",
        "name": "扫描件",
        "kind": "copy",
        "copies": "1",
        "position": "30",
        "translations": "{}",
    }
    good = _formset(
        Material, ConditionFormSet, fields, item, [{**row, "checks": '[{"rule": "file", "types": ["pdf"]}]'}]
    )
    assert good.is_valid(), good.errors
    bad = _formset(
        Material, ConditionFormSet, fields, item, [{**row, "checks": '[{"rule": "file", "types": ["exe"]}]'}]
    )
    assert not bad.is_valid()
    assert "unknown types ['exe']" in " ".join(bad.errors[0]["checks"])


def test_the_bundle_admin_shows_the_figures_or_why_there_are_none(admin_client):
    from onewindow.catalog.models import Bundle

    bundle = Bundle.objects.get(code="retirement")
    page = admin_client.get(f"/admin/catalog/bundle/{bundle.pk}/change/").content.decode()
    assert "&#x27;materials_if_separate&#x27;: 17" in page and "&#x27;fastest_days_in_bundle&#x27;: 2" in page
    bundle.typical_answers = {"retire_type": "someday"}
    bundle.save()
    page = admin_client.get(f"/admin/catalog/bundle/{bundle.pk}/change/").content.decode()
    assert "typical_answers.retire_type: unknown option &#x27;someday&#x27;" in page
