import textwrap

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from onewindow.catalog.models import (
    Department,
    ItemStatus,
    LifeEvent,
    Material,
    Question,
    Region,
    ServiceItem,
)
from onewindow.catalog.transfer import CatalogImportError, export_catalog, import_catalog
from onewindow.core.models import User
from onewindow.ops.demo import demo_catalog_text

MINIMAL = textwrap.dedent("""\
    regions:
    - {code: "100", name: 测试市, level: city}
    departments:
    - {code: d1, name: 测试局, short_name: 测试, region: "100"}
    items:
    - code: T-1
      status: published
      name: 测试事项
      item_type: "20"
      department: d1
      promised_days: 3
      legal_days: 5
      questions:
      - code: kind
        text: 哪种？
        options:
        - {code: a, text: 甲}
        - {code: b, text: 乙}
      materials:
      - {code: id_card, name: 身份证, kind: original}
      - {code: extra, name: 附加材料, kind: copy, when: {q: kind, is: b}}
    """)


def _problems(text):
    with pytest.raises(CatalogImportError) as failure:
        import_catalog(text)
    return failure.value.problems


def _wipe_catalog():
    """An empty catalog (reviewers are bound to departments, and halls to regions, so they go too)."""
    from onewindow.hall.models import Hall

    Hall.objects.all().delete()
    ServiceItem.objects.all().delete()
    User.objects.filter(department__isnull=False).delete()
    Department.objects.all().delete()
    LifeEvent.objects.all().delete()
    Region.objects.update(parent=None)
    Region.objects.all().delete()


def test_export_import_export_round_trips(demo):
    first = export_catalog()
    _wipe_catalog()
    assert not ServiceItem.objects.exists()
    import_catalog(first)
    assert export_catalog() == first
    parsed = yaml.safe_load(first)
    assert len(parsed["items"]) >= 40
    assert len(parsed["departments"]) >= 8


def test_reimporting_the_demo_changes_nothing(demo):
    summary = import_catalog(demo_catalog_text())
    assert summary.created == summary.updated == 0


def test_import_creates_items_with_their_rules(db):
    import_catalog(MINIMAL)
    item = ServiceItem.objects.get(code="T-1")
    assert item.status == ItemStatus.PUBLISHED
    assert [q.code for q in item.questions.all()] == ["kind"]
    assert Material.objects.get(item=item, code="extra").when == {"q": "kind", "is": "b"}


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        (("kind: copy, when", "kind: scan, when"), 21, "items[0].materials[1].kind", "Input should be"),
        (
            ("department: d1", "department: nowhere"),
            10,
            "items[0].department",
            "unknown department 'nowhere'",
        ),
        (
            ("{q: kind, is: b}", "{q: kinds, is: b}"),
            21,
            "items[0].materials[1].when.q",
            "unknown question 'kinds'",
        ),
        (("{q: kind, is: b}", "{q: kind, is: c}"), 21, "items[0].materials[1].when.is", "unknown option 'c'"),
        (
            ("promised_days: 3", "promised_days: 9"),
            11,
            "items[0].promised_days",
            "cannot exceed the legal one",
        ),
        (
            ("- {code: b, text: 乙}", "- {code: a, text: 乙}"),
            16,
            "items[0].questions[0].options",
            "duplicate option",
        ),
        (
            ("name: 测试事项", "name: 测试事项\n  colour: red"),
            9,
            "items[0].colour",
            "Extra inputs are not permitted",
        ),
        (('region: "100"}', 'region: "999"}'), 4, "departments[0].region", "unknown region '999'"),
        (("level: city}", "level: planet}"), 2, "regions[0].level", "Input should be"),
        (
            ("promised_days: 3", "promised_days: -1"),
            11,
            "items[0].promised_days",
            "greater than or equal to 0",
        ),
        (
            ("{code: id_card, name: 身份证, kind: original}", "{code: extra, name: 身份证, kind: original}"),
            21,
            "items[0].materials[1].code",
            "duplicate code 'extra'",
        ),
    ],
)
def test_bad_catalog_data_names_line_and_field_and_changes_nothing(db, change, line, field, words):
    before = ServiceItem.objects.count(), Department.objects.count(), Region.objects.count()
    problems = _problems(MINIMAL.replace(*change))
    assert (problems[0].line, problems[0].field) == (line, field), problems
    assert words in problems[0].message
    assert (ServiceItem.objects.count(), Department.objects.count(), Region.objects.count()) == before


def test_invalid_yaml_names_the_line(db):
    problems = _problems("items:\n- {code: x, name: [unclosed\n")
    assert problems[0].line == 3
    assert "not valid YAML" in problems[0].message


def test_a_published_version_cannot_be_changed_by_import(db):
    import_catalog(MINIMAL)
    problems = _problems(MINIMAL.replace("name: 测试事项", "name: 改过的名字"))
    assert problems[0].field == "items[0].version"
    assert "import the changes as a new version" in problems[0].message
    assert ServiceItem.objects.get(code="T-1").name == "测试事项"


def test_importing_a_new_published_version_retires_the_old_one(db):
    import_catalog(MINIMAL)
    import_catalog(
        MINIMAL.replace("status: published", "version: 2\n  status: published\n  valid_from: 2026-01-01")
    )
    versions = dict(ServiceItem.objects.filter(code="T-1").values_list("version", "status"))
    assert versions == {1: ItemStatus.RETIRED, 2: ItemStatus.PUBLISHED}


def test_two_published_versions_in_one_file_are_refused(db):
    second = MINIMAL.split("items:\n")[1].replace("code: T-1\n", "code: T-1\n  version: 2\n")
    problems = _problems(MINIMAL + second)
    assert any(p.field == "items[1].status" for p in problems)


def test_one_error_in_a_later_item_leaves_earlier_items_unwritten(db):
    second = (
        MINIMAL.split("items:\n")[1].replace("code: T-1", "code: T-2").replace("kind: copy", "kind: nope")
    )
    _problems(MINIMAL + second)
    assert not ServiceItem.objects.filter(code__in=["T-1", "T-2"]).exists()
    assert not Department.objects.filter(code="d1").exists()


def test_cli_import_reports_file_and_line(db, tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.replace("department: d1", "department: nowhere"), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("catalog", "import", str(path))
    assert f"{path}:10: items[0].department: unknown department 'nowhere'" in capsys.readouterr().err


def test_cli_export_then_import(demo, tmp_path, capsys):
    call_command("catalog", "export")
    exported = capsys.readouterr().out
    assert "RS-001" in exported
    path = tmp_path / "catalog.yaml"
    path.write_text(exported, encoding="utf-8")
    call_command("catalog", "import", str(path))
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_region_parents_may_come_later_and_cycles_are_refused(db):
    import_catalog(
        "regions:\n- {code: t, name: 镇, level: town, parent: c}\n- {code: c, name: 市, level: city}\n"
    )
    assert Region.objects.get(code="t").parent.code == "c"
    problems = _problems(
        "regions:\n- {code: x, name: 甲, level: town, parent: y}\n"
        "- {code: y, name: 乙, level: town, parent: x}\n"
    )
    assert problems[0].message == "regions form a cycle"


def test_translations_are_checked(db):
    problems = _problems(
        MINIMAL.replace("name: 测试事项", "name: 测试事项\n  translations: {fr: {name: Test}}")
    )
    assert problems[0].field == "items[0].translations.fr"


def test_question_text_translations_only_for_translatable_fields(db):
    problems = _problems(MINIMAL.replace("text: 哪种？", "text: 哪种？\n    translations: {en: {colour: x}}"))
    assert problems[0].field == "items[0].questions[0].translations.en.colour"
    assert not Question.objects.filter(item__code="T-1").exists()


def test_a_bundles_typical_situation_must_fit_its_items(db):
    second = MINIMAL.split("items:\n")[1].replace("T-1", "T-2").replace("name: 测试事项", "name: 第二事项")
    bundle = textwrap.dedent("""\
        bundles:
        - code: both
          name: 两件事
          typical_answers: {kind: c}
          items: [{item: T-1}, {item: T-2}]
        """)
    problems = _problems(MINIMAL + second + bundle)
    assert [(p.field, p.message) for p in problems] == [
        ("bundles[0].typical_answers.kind", "unknown option 'c' (options: a, b)")
    ]
    import_catalog(MINIMAL + second + bundle.replace("{kind: c}", "{kind: b}"))
