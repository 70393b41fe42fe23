import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import translation

from onewindow.catalog.models import Department
from onewindow.cli import _take_data_dir
from onewindow.core.models import ApiToken, Role, User
from onewindow.core.templatetags.onewindow import masked
from onewindow.core.uploads import validate_document_upload
from onewindow.ops.demo import load_demo

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_demo_users_exist_for_every_role_and_department(demo):
    for username, role in [
        ("admin", Role.ADMIN),
        ("clerk", Role.CLERK),
        ("supervisor", Role.SUPERVISOR),
        ("citizen", Role.CITIZEN),
        ("enterprise", Role.ENTERPRISE),
    ]:
        user = User.objects.get(username=username)
        assert user.role == role and user.check_password("demo")
    for department in Department.objects.all():
        reviewer = User.objects.get(username=f"reviewer-{department.code}")
        assert (reviewer.role, reviewer.department) == (Role.REVIEWER, department)


def test_loading_the_demo_twice_changes_nothing(demo):
    summary, created_users = load_demo()
    assert (summary.created, summary.updated, created_users) == (0, 0, 0)


def test_demo_command_prepares_without_serving(demo):
    out = io.StringIO()
    call_command("demo", "--no-serve", "--history-weeks", "0", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()


def test_token_command_prints_a_working_token(demo):
    out = io.StringIO()
    call_command("token", "clerk", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("ow_")
    assert ApiToken.objects.for_raw_token(raw).user.username == "clerk"
    assert raw not in {t.digest for t in ApiToken.objects.all()}  # only the digest is stored
    with pytest.raises(CommandError):
        call_command("token", "nobody")


def test_inactive_users_tokens_stop_working(demo):
    user = User.objects.get(username="citizen")
    _token, raw = ApiToken.issue(user)
    user.is_active = False
    user.save()
    assert ApiToken.objects.for_raw_token(raw) is None


def test_a_reviewer_needs_a_department(db):
    user = User(username="lost", role=Role.REVIEWER)
    with pytest.raises(ValidationError) as failure:
        user.full_clean()
    assert "department" in failure.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_id_numbers_are_masked():
    assert masked("441900196501011234") == "44**************34"
    assert masked("1234") == "****"
    assert masked(None) == ""


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@translation.override("en")
def test_uploads_are_checked_by_content():
    validate_document_upload(SimpleUploadedFile("form.pdf", PDF))
    validate_document_upload(SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20))
    with pytest.raises(ValidationError, match="Only PDF"):
        validate_document_upload(SimpleUploadedFile("form.pdf", b"MZ\x90\0 an executable"))
    with pytest.raises(ValidationError, match="does not match"):
        validate_document_upload(SimpleUploadedFile("form.png", PDF))
    with pytest.raises(ValidationError, match="Only PDF"):
        validate_document_upload(SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script>"))


def test_uploads_are_size_limited(settings):
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 100
    with translation.override("en"), pytest.raises(ValidationError, match="limit is 100 bytes"):
        validate_document_upload(SimpleUploadedFile("form.pdf", PDF + b"0" * 200))


def test_the_cli_reads_the_data_dir_before_django_starts(monkeypatch):
    monkeypatch.delenv("ONEWINDOW_DATA_DIR", raising=False)
    assert _take_data_dir(["onewindow", "demo", "--data-dir", "/tmp/x", "--addr", "1:2"]) == [
        "onewindow",
        "demo",
        "--addr",
        "1:2",
    ]
    import os

    assert os.environ["ONEWINDOW_DATA_DIR"] == "/tmp/x"
    assert _take_data_dir(["onewindow", "--data-dir=/tmp/y", "check"]) == ["onewindow", "check"]
    assert os.environ["ONEWINDOW_DATA_DIR"] == "/tmp/y"


def _po_entries(path: Path) -> dict[str, list[str]]:
    """msgid → msgstr values of a .po file (a minimal reader: enough to find untranslated strings)."""
    entries, current, key = {}, None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("msgid "):
            current, key = {"msgid": [line[6:]], "msgstr": []}, "msgid"
        elif line.startswith("msgid_plural"):
            key = "plural"
        elif line.startswith("msgstr"):
            current["msgstr"].append(line.split(" ", 1)[1])
            key = "msgstr"
        elif line.startswith('"') and current is not None and key in ("msgid", "msgstr"):
            current[key][-1 if key == "msgstr" else 0] += line
        elif not line.strip() and current is not None:
            msgid = "".join(re.findall(r'"(.*?)"(?=\s*$|")', "".join(current["msgid"])))
            entries[msgid] = ["".join(re.findall(r'"(.*?)"', s)) for s in current["msgstr"]]
            current = None
    entries.pop("", None)
    return entries


@pytest.mark.parametrize("language", ["zh_Hans", "vi"])
def test_every_interface_string_is_translated_and_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    entries = _po_entries(po)
    assert len(entries) > 150
    assert [msgid for msgid, strs in entries.items() if not all(strs)] == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert mo.stat().st_size > 0
    import gettext

    catalog = gettext.GNUTranslations(mo.open("rb"))
    assert catalog.gettext("Find a government service") != "Find a government service"
    assert len(catalog._catalog) >= len(entries)  # the .mo was compiled from this .po


def test_demo_cases_go_through_the_real_services(demo):
    from onewindow.cases.models import Case, CaseEvent
    from onewindow.ops.demo import DEMO_CASES, load_demo_cases

    assert load_demo_cases() == len(DEMO_CASES)
    statuses = sorted(Case.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [
            "in_review",
            "supplement_requested",
            "delivered",
            "supplement_requested",
            "accepted",
            "approved",
            "submitted",
            "submitted",
        ]
    )
    assert CaseEvent.objects.filter(action="submit").count() == len(DEMO_CASES)
    assert load_demo_cases() == 0  # only into an empty case table


def test_come_back_rate_works_on_demo_data(demo, api_client, token_for):
    from onewindow.ops.demo import load_demo_cases

    load_demo_cases()
    report = api_client.get(
        "/api/v1/reports/come-back",
        {"group": "department"},
        HTTP_AUTHORIZATION=f"Bearer {token_for('supervisor')}",
    ).json()
    assert report["total_cases"] == 6 and report["total_came_back"] == 1
    assert {"key": "rsj", "cases": 2, "came_back": 1, "rate": 0.5} in report["rows"]
