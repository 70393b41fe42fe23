"""Security of the web tier: headers and CSP, CSRF, login throttling, public media."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_policy(api_client):
    page = api_client.get("/")
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["X-Frame-Options"] == "DENY"
    assert page["Referrer-Policy"] == "same-origin"
    assert "camera=()" in page["Permissions-Policy"]
    assert "unsafe-inline" in api_client.get("/api/v1/docs")["Content-Security-Policy"]  # Swagger UI only


def test_personal_pages_are_not_cached(api_client, demo):
    api_client.login(username="citizen", password="demo")
    assert api_client.get("/cases/")["Cache-Control"] == "no-store"


def test_csrf_is_enforced_on_pages(demo):
    client = Client(enforce_csrf_checks=True)
    client.login(username="clerk", password="demo")
    assert client.post("/hall/DG-CENTRE/window/act/", {"action": "sign_out"}).status_code == 403
    assert (
        Client(enforce_csrf_checks=True).post("/hall/DG-CENTRE/kiosk/", {"category": "social"}).status_code
        == 403
    )


def test_login_is_throttled_per_account_and_address(demo, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ONEWINDOW_LOGIN_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "clerk", "password": "wrong"}).status_code == 200
    blocked = client.post(
        "/accounts/login/", {"username": "clerk", "password": "demo"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert blocked.status_code == 429 and "Too many failed attempts" in blocked.content.decode()
    # Another address may not try other accounts forever either: the address count is separate.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/accounts/login/", {"username": "clerk", "password": "demo"}).status_code == 429
    assert other.post("/accounts/login/", {"username": "citizen", "password": "demo"}).status_code == 302
    cache.clear()


def test_public_media_is_never_rendered_or_run(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "evil.html").write_text("<script>alert(1)</script>")
    (tmp_path / "form.pdf").write_bytes(b"%PDF-1.4\n")
    client = Client()
    html = client.get("/media/evil.html")
    assert html["Content-Type"] == "application/octet-stream" and html["Content-Disposition"] == "attachment"
    assert html["Content-Security-Policy"].startswith("sandbox")
    pdf = client.get("/media/form.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-Type-Options"] == "nosniff"
    assert client.get("/media/../settings.py").status_code == 404


def test_ping_answers_without_the_database(api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api_client.get("/api/v1/ping").json() == {"pong": True}


def test_load_benchmarks_need_postgresql():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="postgres"):
        call_command("bench", "read", "--db", "sqlite:///x.sqlite3", "--seconds", "1")


def test_numbers_beyond_the_database_are_bad_input(api_client, token_for):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for('supervisor')}"}
    assert api_client.get("/api/v1/departments", {"offset": 45179471111009909866496}).status_code == 422
    assert api_client.get(f"/api/v1/cases/{2**70}", **headers).status_code in (404, 422)
