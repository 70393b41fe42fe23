"""Structured logs and the HTTPS switches."""

import json
import logging
import os
import subprocess
import sys

from onewindow.core.ids import mask_in_text
from onewindow.core.logs import JsonFormatter


def test_a_record_is_one_json_object_with_its_extra_fields_and_no_id_numbers():
    record = logging.LogRecord(
        "onewindow.cases", logging.WARNING, __file__, 1, "case of %s", ("11010519491231002X",), None
    )
    record.case = 42
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "onewindow.cases" and entry["case"] == 42
    assert entry["message"] == "case of 11**************2X"
    assert entry["time"].endswith("+00:00")
    assert "\n" not in line


def test_exceptions_are_kept_in_the_record():
    try:
        raise ValueError("bad 91350100M000100Y7A")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError" in entry["exception"] and "91350100M000100Y7A" not in entry["exception"]


def test_id_numbers_in_text_are_masked_and_other_numbers_kept():
    text = (
        "id=11010519491231002X&uscc=91350100M000100Y7A&vn=001099012345&case=441900-20261124-0000006&n=12345"
    )
    masked = mask_in_text(text)
    for number in ("11010519491231002X", "91350100M000100Y7A", "001099012345"):
        assert number not in masked
    assert "441900-20261124-0000006" in masked and "n=12345" in masked


def test_every_field_of_every_record_is_masked_in_both_formats():
    from django.test import RequestFactory

    from onewindow.core.logs import MaskedTextFormatter

    request = RequestFactory().get("/track/x/", {"t": "11010519491231002X"})
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x",), None)
    record.request, record.status_code = request, 404
    entry = json.loads(JsonFormatter().format(record))
    assert entry["status_code"] == 404 and "WSGIRequest" in entry["request"]
    assert "11010519491231002X" not in entry["request"]
    for text in (
        "GET /cases/?item=id11010519491231002Xabc",  # glued to letters
        "GET /track/?t=%31%31%30%31%30%35%31%39%34%39%31%32%33%31%30%30%32%58",  # percent-encoded
    ):
        record = logging.LogRecord("django.server", logging.INFO, __file__, 1, text, (), None)
        for formatter in (JsonFormatter(), MaskedTextFormatter("%(levelname)s %(message)s")):
            line = formatter.format(record)
            assert "11010519491231002X" not in line and "11**************2X" in line, line


def _settings(**env) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "names = ('SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'CSRF_TRUSTED_ORIGINS'); "
        "print(json.dumps({k: getattr(settings, k, None) for k in names}))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "onewindow.settings", **env}
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_https_switches(tmp_path):
    plain = _settings(ONEWINDOW_DATA_DIR=str(tmp_path))
    assert not plain["SECURE_SSL_REDIRECT"] and not plain["SESSION_COOKIE_SECURE"]
    assert plain["SECURE_PROXY_SSL_HEADER"] is None
    secure = _settings(
        ONEWINDOW_DATA_DIR=str(tmp_path),
        ONEWINDOW_HTTPS="1",
        ONEWINDOW_TRUST_FORWARDED_PROTO="1",
        ONEWINDOW_CSRF_TRUSTED_ORIGINS="https://gov.example, https://www.gov.example",
    )
    assert secure["SECURE_SSL_REDIRECT"] and secure["SESSION_COOKIE_SECURE"] and secure["CSRF_COOKIE_SECURE"]
    assert secure["SECURE_HSTS_SECONDS"] >= 31536000
    assert secure["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert secure["CSRF_TRUSTED_ORIGINS"] == ["https://gov.example", "https://www.gov.example"]
