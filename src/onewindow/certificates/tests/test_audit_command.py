"""`onewindow certs audit --url` against a running platform, remembering what it saw."""

import io
import json

import pytest
from django.core.management import call_command

from onewindow.certificates import services
from onewindow.certificates.demo import load_types
from onewindow.core.models import User


@pytest.mark.django_db(transaction=True)
def test_the_audit_command_checks_a_live_log_and_remembers_its_head(live_server, demo, tmp_path):
    load_types()
    issuer = User.objects.get(username="reviewer-rsj")
    for _ in range(3):
        services.issue(
            services.Issuance("RETIREMENT", "11010519491231002X", "李明", {"retired_on": "2026-11-30"}),
            issuer,
        )
    state = tmp_path / "state.json"
    out = io.StringIO()
    call_command("certs", "audit", "--url", live_server.url, "--state", str(state), stdout=out)
    report = json.loads(out.getvalue())
    assert report["ok"] and report["tree_size"] == 3 and report["entries_checked"] == 3
    assert report["root_hash"] == json.loads(state.read_text())["head"]["root_hash"]
    services.issue(
        services.Issuance("RETIREMENT", "11010519491231002X", "李明", {"retired_on": "2026-12-01"}), issuer
    )
    out = io.StringIO()
    call_command("certs", "audit", "--url", live_server.url, "--state", str(state), stdout=out)
    assert json.loads(out.getvalue())["consistent_with_size"] == 3
