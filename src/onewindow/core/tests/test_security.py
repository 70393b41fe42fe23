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
    settings.ONEWINDOW_LOGIN_ATTEMPTS = 3
    settings.ONEWINDOW_LOGIN_ACCOUNT_ATTEMPTS = 5
    client = Client()
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "clerk", "password": "wrong"}).status_code == 200
    blocked = client.post(
        "/accounts/login/", {"username": "clerk", "password": "demo"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert blocked.status_code == 429 and "Too many failed attempts" in blocked.content.decode()
    # A colleague behind the same address is not locked out, nor is the clerk from another address…
    assert client.post("/accounts/login/", {"username": "citizen", "password": "demo"}).status_code == 302
    assert (
        Client(REMOTE_ADDR="10.0.0.9")
        .post("/accounts/login/", {"username": "clerk", "password": "demo"})
        .status_code
        == 302
    )
    # …until guesses spread over addresses reach the account's own limit.
    for address in ("10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.14"):
        Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    assert (
        Client(REMOTE_ADDR="10.0.0.15")
        .post("/accounts/login/", {"username": "clerk", "password": "demo"})
        .status_code
        == 429
    )


def test_the_admin_login_is_the_same_throttled_door(demo, settings):
    settings.ONEWINDOW_LOGIN_ATTEMPTS = 5
    client = Client()
    answers = [
        client.post("/admin/login/", {"username": "supervisor", "password": "wrong"}).status_code
        for _ in range(7)
    ]
    assert answers == [200] * 5 + [429] * 2
    # Locked out at one door means locked out at the other.
    for _ in range(5):
        client.post("/accounts/login/", {"username": "admin", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "admin", "password": "demo"}).status_code == 429
    assert not client.get("/admin/").wsgi_request.user.is_authenticated


def test_behind_trusted_proxies_the_forwarded_address_counts(demo, settings):
    settings.ONEWINDOW_LOGIN_ATTEMPTS = 2
    settings.ONEWINDOW_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.1.1.1")  # the load balancer
    for _ in range(2):
        proxy.post(
            "/accounts/login/", {"username": "clerk", "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.5"
        )
    blocked = {"username": "clerk", "password": "demo"}
    assert proxy.post("/accounts/login/", blocked, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    # A forged entry on the left does not move the attacker to a new address.
    forged = "198.51.100.1, 203.0.113.5"
    assert proxy.post("/accounts/login/", blocked, HTTP_X_FORWARDED_FOR=forged).status_code == 429
    # Someone else behind the same load balancer is another address.
    assert proxy.post("/accounts/login/", blocked, HTTP_X_FORWARDED_FOR="203.0.113.77").status_code == 302


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
