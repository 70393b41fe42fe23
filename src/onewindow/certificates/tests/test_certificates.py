"""Issuing, signing, verifying and revoking certificates; tampering; key rotation; the log's proofs."""

import base64
import io
import json
import re

import pytest

from onewindow.catalog.models import Department
from onewindow.certificates import merkle, selectors, services, signing
from onewindow.certificates.demo import load_types
from onewindow.certificates.models import LogEntry
from onewindow.core.errors import InvalidInput
from onewindow.core.models import User
from onewindow.core.permissions import Conflict, Forbidden

pytestmark = pytest.mark.django_db

CITIZEN = "11010519491231002X"


@pytest.fixture
def types(demo):
    load_types()


def retirement(**surface):
    return services.Issuance("RETIREMENT", CITIZEN, "张三", {"retired_on": "2026-11-30", **surface})


def staff(name):
    return User.objects.get(username=name)


def test_an_issued_certificate_verifies_and_its_status_follows_suspension_and_revocation(types):
    certificate = services.issue(retirement(pension_start="2026-12"), staff("reviewer-rsj"))
    assert certificate.identifier.startswith("RETIREMENT-rsj-") and certificate.key_id.startswith("rsj-")
    found = selectors.verify_signed(certificate.jws)
    assert (found.status, found.problem, found.certificate) == ("valid", "", certificate)
    signed = signing.verify(certificate.jws, services.published_keys("rsj"))
    assert signed["holder"]["id"] == CITIZEN and signed["surface"]["pension_start"] == "2026-12"

    services.change_status(certificate, "suspend", staff("reviewer-rsj"), "核查中")
    assert selectors.verdict(certificate.identifier).status == "suspended"
    services.change_status(certificate, "reinstate", staff("reviewer-rsj"))
    services.change_status(certificate, "revoke", staff("supervisor"), "骗取养老保险待遇")
    assert selectors.verdict(certificate.identifier).status == "revoked"
    with pytest.raises(Conflict):
        services.change_status(certificate, "reinstate", staff("supervisor"))
    assert [json.loads(e.entry)["action"] for e in LogEntry.objects.all()] == [
        "issue", "suspend", "reinstate", "revoke",
    ]  # fmt: skip
    assert selectors.verdict("RETIREMENT-rsj-2026-0000999-X").status == "unknown"


def test_only_the_issuing_department_issues_and_bad_data_names_the_field(types):
    with pytest.raises(Forbidden):
        services.issue(retirement(), staff("reviewer-ga"))
    with pytest.raises(InvalidInput) as error:
        services.issue(
            services.Issuance("RETIREMENT", "110105194912310021", "", {"unknown": "x"}), staff("reviewer-rsj")
        )
    assert {e.field for e in error.value.errors} == {"holder_id", "holder_name", "surface.retired_on",
                                                      "surface.unknown"}  # fmt: skip
    assert LogEntry.objects.count() == 0


def _tampered(token, change):
    header, payload, signature = token.split(".")
    document = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(document)
    forged = base64.urlsafe_b64encode(signing.canonical(document)).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_tampering_gets_its_own_answer(types, settings, tmp_path):
    certificate = services.issue(retirement(), staff("reviewer-rsj"))
    changed = _tampered(certificate.jws, lambda d: d["holder"].update(name="李四"))
    assert "does not match" in selectors.verify_signed(changed).problem

    # Signed by another key that claims the department's key id.
    settings.CERTIFICATE_KEY_DIR = tmp_path / "elsewhere"
    kid, _public = signing.new_key("rsj")
    other = signing.sign(signing.verify(certificate.jws, services.published_keys()), kid, "Ed25519")
    assert "unknown key" in selectors.verify_signed(other).problem
    header = base64.urlsafe_b64encode(json.dumps({"alg": "Ed25519", "kid": certificate.key_id}).encode())
    impostor = header.rstrip(b"=").decode() + "." + ".".join(other.split(".")[1:])
    assert "does not match" in selectors.verify_signed(impostor).problem
    assert "malformed" in selectors.verify_signed("not a jws").problem


def test_a_rotated_key_keeps_old_certificates_verifiable_and_signs_nothing_new(types):
    first = services.issue(retirement(), staff("reviewer-rsj"))
    old_key = first.key_id
    department = first.issuer
    services.rotate_key(department)
    second = services.issue(retirement(), staff("reviewer-rsj"))
    assert second.key_id != old_key
    assert selectors.verify_signed(first.jws).status == "valid"
    assert selectors.verify_signed(second.jws).status == "valid"
    assert {k["kid"] for k in services.published_keys("rsj")} == {old_key, second.key_id}


def test_reissuing_supersedes_the_old_version(types):
    first = services.issue(retirement(), staff("reviewer-rsj"))
    second = services.reissue(first, {"retired_on": "2026-12-31"}, staff("reviewer-rsj"))
    assert second.version == 2 and second.supersedes == first
    assert selectors.verdict(first.identifier).status == "superseded"
    assert signing.verify(second.jws, services.published_keys())["supersedes"] == first.identifier


def test_the_log_proves_each_entry_and_that_it_only_grows(types):
    for _ in range(5):
        services.issue(retirement(), staff("reviewer-rsj"))
    head = services.latest_tree_head()
    log_keys = services.published_keys(services.LOG_OWNER)
    signed_head = signing.verify(head.signature, log_keys)
    assert signed_head["tree_size"] == 5 and signed_head["root_hash"] == bytes(head.root_hash).hex()
    proof = selectors.inclusion(3)
    assert merkle.verify_inclusion(
        3, 5, bytes.fromhex(proof["leaf_hash"]), [bytes.fromhex(h) for h in proof["inclusion_path"]],
        bytes(head.root_hash),
    )  # fmt: skip
    for _ in range(3):
        services.issue(retirement(), staff("reviewer-rsj"))
    newer = services.latest_tree_head()
    path = [bytes.fromhex(h) for h in selectors.consistency(5, 8)["consistency_path"]]
    assert merkle.verify_consistency(5, 8, bytes(head.root_hash), bytes(newer.root_hash), path)


def test_approving_a_case_of_a_producing_item_issues_its_certificate_and_the_pages_show_it(
    types, as_user, today, client
):
    from onewindow.cases.models import Case

    answers = {"insured_as": "employee", "retire_type": "normal", "other_province": "none", "years": "enough"}
    materials = ("id_card", "household_register", "pension_application_form", "personnel_file", "photo")
    body = {
        "item": "RS-001",
        "channel": "window",
        "answers": answers,
        "materials": dict.fromkeys((*materials, "bank_card"), "received"),
        "applicant": {"name": "张三", "id_type": "resident_id", "id_number": CITIZEN},
    }
    case = as_user("clerk", "post", "/api/v1/cases", body).json()
    for username, action in (("clerk", "accept"), ("reviewer-rsj", "review"), ("reviewer-rsj", "approve")):
        response = as_user(username, "post", f"/api/v1/cases/{case['id']}/actions", {"action": action})
        assert response.status_code == 200, response.content
    certificate = Case.objects.get(pk=case["id"]).certificates.get()
    assert certificate.certificate_type.code == "RETIREMENT" and certificate.holder_id == CITIZEN
    assert certificate.surface["retired_on"] == "2025-03-03"

    public = client.get(f"/certificates/verify/{certificate.identifier}/").content.decode()
    assert 'data-status="valid"' in public and "张*" in public and CITIZEN not in public
    api = client.get("/api/v1/verify", {"identifier": certificate.identifier}).json()
    assert api["status"] == "valid" and api["holder"] == "张*"
    posted = client.post("/api/v1/verify", {"jws": certificate.jws}, content_type="application/json").json()
    assert posted["status"] == "valid" and posted["problem"] == ""
    assert client.get("/certificates/verify/NOPE-x-2026-0000001-A/").status_code == 404

    client.force_login(User.objects.get(username="citizen"))  # the demo citizen holds this ID
    assert certificate.identifier in client.get("/certificates/mine/").content.decode()
    download = client.get(f"/certificates/{certificate.identifier}/signed.json")
    assert json.loads(download.content)["jws"] == certificate.jws
    client.post(f"/certificates/{certificate.identifier}/status/", {"action": "revoke", "reason": "x"})
    assert client.get("/api/v1/verify", {"identifier": certificate.identifier}).json()["status"] == "valid"

    client.force_login(User.objects.get(username="reviewer-rsj"))
    client.post(f"/certificates/{certificate.identifier}/status/", {"action": "revoke", "reason": "错误签发"})
    assert client.get("/api/v1/verify", {"identifier": certificate.identifier}).json()["status"] == "revoked"
    head = client.get("/api/v1/certificates/log/head").json()
    assert head["tree_size"] == 2
    proof = client.get("/api/v1/certificates/log/inclusion", {"index": 1}).json()
    path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
    root_hash = bytes.fromhex(head["root_hash"])
    assert merkle.verify_inclusion(1, 2, bytes.fromhex(proof["leaf_hash"]), path, root_hash)
    assert client.get("/api/v1/certificates/log/inclusion", {"index": 5}).status_code == 404


def test_offline_verification_needs_only_the_file_and_the_published_keys(types, tmp_path):
    from django.core.management import CommandError, call_command

    certificate = services.issue(retirement(), staff("reviewer-rsj"))
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": services.published_keys("rsj")}))
    signed = tmp_path / "certificate.json"
    signed.write_text(json.dumps({"jws": certificate.jws, "document": services.document(certificate)}))
    out = io.StringIO()
    call_command("certs", "verify", str(signed), "--keys", str(keys), stdout=out)
    assert out.getvalue().startswith("VALID signature: " + certificate.identifier)

    readable = json.loads(signed.read_text())
    readable["document"]["holder"]["name"] = "李四"
    signed.write_text(json.dumps(readable))
    with pytest.raises(CommandError, match="differs from what was signed"):
        call_command("certs", "verify", str(signed), "--keys", str(keys))
    bare = tmp_path / "certificate.jws"
    bare.write_text(_tampered(certificate.jws, lambda d: d.update(valid_until="2000-01-01")))
    with pytest.raises(CommandError, match="does not match"):
        call_command("certs", "verify", str(bare), "--keys", str(keys))
    other_keys = tmp_path / "other.json"
    other_keys.write_text(json.dumps({"keys": []}))
    bare.write_text(certificate.jws)
    with pytest.raises(CommandError, match="unknown key"):
        call_command("certs", "verify", str(bare), "--keys", str(other_keys))


def test_an_outside_audit_accepts_the_log_and_catches_a_rewritten_entry(types, client):
    from onewindow.certificates.audit import AuditFailure, audit

    def fetch(path, params):
        response = client.get(path, params)
        assert response.status_code == 200, response.content
        return response.json()

    for _ in range(6):
        services.issue(retirement(), staff("reviewer-rsj"))
    fetch("/api/v1/certificates/log/head", {})
    log_keys = fetch("/api/v1/certificates/keys", {"owner": "log"})["keys"]  # what an auditor pins
    first = audit(fetch, log_keys).as_dict()
    assert first["ok"] and first["tree_size"] == 6 and first["entries_checked"] == 6
    services.issue(retirement(), staff("reviewer-rsj"))
    second = audit(fetch, log_keys, previous=first)
    assert second.tree_size == 7 and second.consistent_with == 6

    # Someone with database access rewrites an entry (the table refuses updates: go around it).
    from django.db import connection

    entry = LogEntry.objects.get(index=2)
    forged = entry.entry.replace('"issue"', '"revoke"')
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {LogEntry._meta.db_table} SET entry = %s WHERE id = %s", [forged, entry.pk])
    with pytest.raises(AuditFailure, match="entry 2 was rewritten"):
        audit(fetch, log_keys)
    # ... and rewriting its leaf hash too breaks the tree the auditor saw before.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LogEntry._meta.db_table} SET leaf_hash = %s WHERE id = %s",
            [merkle.leaf_hash(forged.encode()), entry.pk],
        )
    services.issue(retirement(), staff("reviewer-rsj"))
    with pytest.raises(AuditFailure, match="does not extend|not in the signed tree"):
        audit(fetch, log_keys, previous=second.as_dict())


@pytest.mark.parametrize("algorithm", ["Ed25519", "ES256", "SM2SM3"])
def test_each_signature_algorithm_signs_verifies_and_catches_tampering(types, algorithm):
    services.rotate_key(Department.objects.get(code="rsj"), algorithm)
    certificate = services.issue(retirement(), staff("reviewer-rsj"))
    header = json.loads(signing.b64decode(certificate.jws.split(".")[0]))
    assert header["alg"] == algorithm
    assert selectors.verify_signed(certificate.jws).status == "valid"
    changed = _tampered(certificate.jws, lambda d: d["surface"].update(retired_on="2000-01-01"))
    assert "does not match" in selectors.verify_signed(changed).problem
    public = next(k for k in services.published_keys("rsj") if k["kid"] == certificate.key_id)
    assert "d" not in public  # never the private half


def test_paper_era_certificates_import_all_or_nothing_with_errors_by_row_and_column(types, tmp_path):
    from django.core.management import CommandError, call_command
    from openpyxl import Workbook

    from onewindow.certificates.models import Certificate

    bad = tmp_path / "old.csv"
    bad.write_text(
        "type,holder_id,holder_name,retired_on,pension_start,colour\n"
        f"RETIREMENT,{CITIZEN},张三,2001-05-01,2001-06,\n"
        "RETIREMENT,110105194912310021,李四,,2001-06,red\n"
        "NOPE,x,y,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("certs", "import", str(bad))
    message = str(error.value)
    for expected in ("row 3, column holder_id", "row 3, column retired_on: required", "row 3, column colour",
                     "row 4, column type"):  # fmt: skip
        assert expected in message
    assert Certificate.objects.count() == 0

    book = Workbook()
    book.active.append(["type", "holder_id", "holder_name", "valid_from", "retired_on"])
    book.active.append(["RETIREMENT", CITIZEN, "张三", "2001-05-01", "2001-05-01"])
    book.active.append(["RETIREMENT", CITIZEN, "张三", "", "2003-01-01"])
    good = tmp_path / "old.xlsx"
    book.save(good)
    call_command("certs", "import", str(good))
    assert Certificate.objects.count() == 2 and LogEntry.objects.count() == 2
    assert str(Certificate.objects.order_by("id").first().valid_from) == "2001-05-01"


def test_a_share_link_shows_the_whole_certificate_for_its_days_and_the_enterprise_code_what_it_chose(
    types, client, monkeypatch
):
    import time

    from onewindow.ops.demo import DEMO_ENTERPRISE_ID

    licence = services.issue(
        services.Issuance("BUSINESS_LICENCE", DEMO_ENTERPRISE_ID, "东莞市新晨科技有限公司",
                          {"legal_representative": "陈新", "scope": "软件开发"}),
        staff("reviewer-scjg"),
    )  # fmt: skip
    assert client.get(f"/enterprises/{DEMO_ENTERPRISE_ID}/").status_code == 404  # nothing shown yet
    client.force_login(User.objects.get(username="enterprise"))
    client.post(f"/certificates/{licence.identifier}/show/", {"show": "1"})
    response = client.post(f"/certificates/{licence.identifier}/share/", {"days": "3"}, follow=True)
    link = re.search(r"https?://\S+", next(str(m) for m in response.context["messages"])).group()
    client.logout()
    page = client.get(f"/enterprises/{DEMO_ENTERPRISE_ID}/").content.decode()
    assert "营业执照" in page and "东莞市新晨科技有限公司" in page
    shared = client.get(link)
    assert shared.status_code == 200 and "陈新" in shared.content.decode()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/certificates/shared/{token}x/").status_code == 404
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 4 * 86400)  # past the link's own three days
    assert client.get(link).status_code == 404


def test_an_exported_log_is_audited_without_network_and_a_rewritten_entry_in_it_is_caught(types, tmp_path):
    from django.core.management import CommandError, call_command

    for _ in range(4):
        services.issue(retirement(), staff("reviewer-rsj"))
    dump = tmp_path / "log.json"
    call_command("certs", "log-export", str(dump), stdout=io.StringIO())
    out = io.StringIO()
    call_command("certs", "audit", "--file", str(dump), stdout=out)
    assert json.loads(out.getvalue())["entries_checked"] == 4
    data = json.loads(dump.read_text())
    data["entries"][1] = data["entries"][1].replace('"issue"', '"revoke"')
    dump.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="AUDIT FAILED: entry . is not in the signed tree of 4"):
        call_command("certs", "audit", "--file", str(dump))
