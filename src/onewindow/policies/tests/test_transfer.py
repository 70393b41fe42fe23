"""Importing policies from YAML: all or nothing, each problem by line and field."""

import pytest

from onewindow.core.yamlfile import YamlFileError
from onewindow.policies.models import Policy
from onewindow.policies.transfer import import_policies

pytestmark = pytest.mark.django_db

GOOD = """\
policies:
  - code: dg-hightech
    title: 高新技术企业认定奖励
    issuer: 东莞市科学技术局
    valid_from: 2026-01-01
    benefit: 一次性奖励 20 万元
    amount: 200000
    how: exempt
    rule: {all: [{field: tags, op: has, value: high_tech}, {field: employees, op: ">=", value: 10}]}
    status: published
  - code: dg-startup
    title: 创业补贴
    issuer: 东莞市人力资源和社会保障局
    valid_from: 2026-01-01
    benefit: 一次性创业补贴
    how: apply
    item: RS-001
    rule: {field: age, op: "<=", value: 3}
"""


def test_a_good_file_is_imported_and_again_changes_nothing(demo):
    assert import_policies(GOOD) == {"created": 2, "updated": 0}
    assert import_policies(GOOD) == {"created": 0, "updated": 2}
    hightech = Policy.objects.get(code="dg-hightech")
    assert hightech.status == "published" and hightech.published_at and hightech.amount == 200000
    assert Policy.objects.get(code="dg-startup").item.code == "RS-001"


def test_every_problem_is_named_by_line_and_nothing_is_written(demo):
    bad = (
        GOOD.replace("value: 10}", 'value: "ten"}')
        .replace("item: RS-001", "item: NOPE")
        .replace("code: dg-startup", "code: dg-hightech")
    )
    with pytest.raises(YamlFileError) as raised:
        import_policies(bad)
    problems = [str(p) for p in raised.value.problems]
    assert "line 9: policies[0].rule.all[1].value: a number, 0 or more" in problems
    assert "line 11: policies[1].code: 'dg-hightech' appears twice" in problems
    assert any(p.startswith("line 17: policies[1].item:") for p in problems)
    assert not Policy.objects.exists()
    with pytest.raises(YamlFileError) as raised:
        import_policies("policies:\n  - code: X\n")
    assert any("policies[0].code" in str(p) for p in raised.value.problems)
    with pytest.raises(YamlFileError, match="not valid YAML"):
        import_policies("policies: [")


HEADER = ["code", "title", "issuer", "valid_from", "valid_until", "benefit", "amount", "how", "item", "rule"]


def workbook(*rows) -> bytes:
    import datetime as dt
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_is_imported_row_by_row(demo):
    import datetime as dt

    content = workbook(
        ["xl-hightech", "高企奖励", "科技局", dt.date(2026, 1, 1), None, "20 万元", 200000, "exempt", None,
         '{"field": "tags", "op": "has", "value": "high_tech"}'],
        [],  # an empty row is skipped
        ["xl-jobs", "就业补贴", "人社局", "2026-01-01", "2026-12-31", "1500 元", None, "apply", "RS-001",
         "{all: [{field: employees, op: '>=', value: 1}]}"],
    )  # fmt: skip
    assert import_policies(content, "xlsx") == {"created": 2, "updated": 0}
    assert Policy.objects.get(code="xl-jobs").valid_until == dt.date(2026, 12, 31)


HUGE = '{"field": "size", "op": "in", "value": ["huge"]}'
ONE = '{"field": "employees", "op": ">=", "value": 1}'


def test_a_bad_workbook_names_each_problem_by_row_and_field_and_writes_nothing(demo):
    broken = workbook(["xl-b", "B", "x", "2026-01-01", None, "b", None, "exempt", None, '{"field": "size"'])
    with pytest.raises(YamlFileError) as raised:
        import_policies(broken, "xlsx")
    assert str(raised.value.problems[0]).startswith("row 2: policies[0].rule: not JSON:")
    with pytest.raises(YamlFileError) as raised:
        import_policies(
            workbook(
                ["xl-a", "A", "x", "2026-01-01", None, "b", -5, "exempt", None, HUGE],
                ["xl-b", "B", "x", "not a date", None, "b", None, "apply", "NOPE", ONE],
            ),
            "xlsx",
        )
    problems = [str(p) for p in raised.value.problems]
    assert any(p.startswith("row 2: policies[0].amount:") for p in problems)
    assert any(p.startswith("row 3: policies[1].valid_from:") for p in problems)
    with pytest.raises(YamlFileError) as raised:
        import_policies(
            workbook(
                ["xl-a", "A", "x", "2026-01-01", None, "b", 5, "exempt", None, HUGE],
                ["xl-b", "B", "x", "2026-01-01", None, "b", None, "apply", "NOPE", ONE],
            ),
            "xlsx",
        )
    assert [str(p) for p in raised.value.problems] == [
        "row 2: policies[0].rule.value: a non-empty list of micro, small, medium, large",
        "row 3: policies[1].item: a policy obtained by applying names a catalog item code",
    ]
    assert not Policy.objects.exists()
    with pytest.raises(YamlFileError, match="not an XLSX workbook"):
        import_policies(b"PK\x03\x04 not really", "xlsx")
