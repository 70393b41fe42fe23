"""Who reaches what: every role (and no token at all) against the API's endpoints, and guessing
another applicant's case."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

ROLES = ("anonymous", "citizen", "enterprise", "clerk", "reviewer-rsj", "supervisor", "admin")
ALL = {role: 200 for role in ROLES if role != "anonymous"} | {"anonymous": 401}
PUBLIC = dict.fromkeys(ROLES, 200)
SUPERVISORS = {"anonymous": 401, "citizen": 403, "enterprise": 403, "clerk": 403, "reviewer-rsj": 403,
               "supervisor": 200, "admin": 200}  # fmt: skip

MATRIX = [
    ("get", "/api/v1/items", PUBLIC),
    ("get", "/api/v1/items/RS-001", PUBLIC),
    ("get", "/api/v1/departments", PUBLIC),
    ("get", "/api/v1/bundles", PUBLIC),
    ("get", "/api/v1/me", ALL),
    ("get", "/api/v1/cases", ALL),
    ("get", "/api/v1/halls", ALL),
    ("get", "/api/v1/appointments", ALL),
    ("get", "/api/v1/reports/come-back", SUPERVISORS),
    ("get", "/api/v1/halls/DG-CENTRE/analytics", SUPERVISORS),
    ("get", "/api/v1/index?period=2025-03", SUPERVISORS),
]


@pytest.fixture
def tokens(token_for):
    return {role: token_for(role) for role in ROLES if role != "anonymous"}


def request(client, tokens, role, method, path, body=None):
    headers = {} if role == "anonymous" else {"HTTP_AUTHORIZATION": f"Bearer {tokens[role]}"}
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, body or {}, content_type="application/json", **headers)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "expected"), MATRIX, ids=[m[1] for m in MATRIX])
def test_each_role_reaches_only_what_it_may(api_client, tokens, method, path, expected):
    found = {role: request(api_client, tokens, role, method, path).status_code for role in ROLES}
    assert found == expected


@pytest.fixture
def march(monkeypatch):
    from onewindow.core import clock

    monkeypatch.setattr(clock, "now", lambda: timezone.make_aware(dt.datetime(2025, 3, 3, 10)))


@pytest.mark.django_db
def test_cases_and_their_actions_by_role(api_client, tokens, march):
    from onewindow.cases.models import Case
    from onewindow.ops.demo import load_demo_cases

    load_demo_cases()
    enterprise_case = Case.objects.get(item__code="SC-001")  # filed online by `enterprise`
    retirement = Case.objects.filter(item__code="RS-001", status="in_review").first()  # department rsj
    marriage = Case.objects.get(item__code="MZ-001")  # department mz
    seen = {
        role: request(api_client, tokens, role, "get", f"/api/v1/cases/{enterprise_case.pk}").status_code
        for role in ROLES
    }
    # Another applicant's case looks absent; a reviewer of another department does not see it either.
    assert seen == {"anonymous": 401, "citizen": 404, "enterprise": 200, "clerk": 200,
                    "reviewer-rsj": 404, "supervisor": 200, "admin": 200}  # fmt: skip
    assert (
        request(api_client, tokens, "reviewer-rsj", "get", f"/api/v1/cases/{retirement.pk}").status_code
        == 200
    )
    assert (
        request(api_client, tokens, "reviewer-rsj", "get", f"/api/v1/cases/{marriage.pk}").status_code == 404
    )
    # Guessing ids gives nothing away: the next ids and absurd ones answer as absent.
    for guess in (enterprise_case.pk + 1000, 0, 2**31):
        assert request(api_client, tokens, "citizen", "get", f"/api/v1/cases/{guess}").status_code == 404
    # Acting: the applicant may not accept their own case; a reviewer may not accept at the window.
    accept = {"action": "accept"}
    path = f"/api/v1/cases/{enterprise_case.pk}/actions"
    assert request(api_client, tokens, "enterprise", "post", path, accept).status_code == 403
    assert request(api_client, tokens, "citizen", "post", path, accept).status_code == 404
    assert request(api_client, tokens, "reviewer-rsj", "post", path, accept).status_code == 404
    approve = {"action": "approve"}
    assert (
        request(
            api_client, tokens, "clerk", "post", f"/api/v1/cases/{retirement.pk}/actions", approve
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_staff_pages_by_role(demo, march):
    pages = {
        "/hall/DG-CENTRE/window/": {"clerk", "admin"},
        "/hall/DG-CENTRE/analytics/": {"supervisor", "admin"},
        "/evaluation/index/": {"supervisor", "admin"},
        "/evaluation/rectifications/": {"clerk", "reviewer-rsj", "supervisor", "admin"},
        "/admin/": {"supervisor", "admin"},
    }
    for path, allowed in pages.items():
        for role in ROLES[1:]:
            client = Client()
            client.login(username=role, password="demo")
            status = client.get(path).status_code
            assert (status == 200) == (role in allowed), (path, role, status)
        assert Client().get(path).status_code == 302  # to the login page
