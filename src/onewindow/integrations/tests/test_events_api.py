"""The events API: the same stream as the webhooks, read with a cursor, scoped to the department."""

from onewindow.cases.services import ActionInput, act
from onewindow.core.models import ApiToken, User
from onewindow.integrations import services

from .test_webhooks import file_retirement


def get(api_client, token, url):
    return api_client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_reading_on_from_the_cursor_misses_nothing_and_repeats_nothing(api_client, demo):
    _client, token = services.register_client("HR reader", "rsj", ["events:read"])
    clerk = User.objects.get(username="clerk")
    first = file_retirement(clerk)
    page = get(api_client, token, "/api/v1/events?limit=1").json()
    assert [e["type"] for e in page["events"]] == ["case.filed"]
    act(clerk, first, ActionInput("accept"))
    file_retirement(clerk)
    seen, after = [], page["next_after"]
    while True:
        page = get(api_client, token, f"/api/v1/events?after={after}&limit=1").json()
        if not page["events"]:
            break
        seen += page["events"]
        after = page["next_after"]
    assert [e["type"] for e in seen] == ["case.accepted", "case.filed"]
    assert page["next_after"] == after  # nothing new: the cursor stays
    decided = get(api_client, token, "/api/v1/events?types=case.accepted").json()["events"]
    assert [e["data"]["case_id"] for e in decided] == [first]


def test_a_department_system_sees_only_its_own_department(api_client, demo):
    _client, token = services.register_client("Tax system", "sw", ["events:read"])
    file_retirement(User.objects.get(username="clerk"))  # a pension case: HR's, not tax's
    assert get(api_client, token, "/api/v1/events").json()["events"] == []
    _token, supervisor = ApiToken.issue(User.objects.get(username="supervisor"))
    assert len(get(api_client, supervisor, "/api/v1/events").json()["events"]) == 1
    _token, citizen = ApiToken.issue(User.objects.get(username="citizen"))
    assert get(api_client, citizen, "/api/v1/events").status_code == 403


def test_a_token_does_only_what_its_scopes_allow(api_client, demo):
    _client, token = services.register_client("HR reader", "rsj", ["events:read"])
    assert get(api_client, token, "/api/v1/events").status_code == 200
    refused = get(api_client, token, "/api/v1/cases")
    assert refused.status_code == 403 and "cases:read" in refused.json()["detail"]
    _client, reader = services.register_client("HR cases", "rsj", ["cases:read"])
    assert get(api_client, reader, "/api/v1/cases").status_code == 200
    case_id = file_retirement(User.objects.get(username="clerk"))
    acting = api_client.post(
        f"/api/v1/cases/{case_id}/actions",
        {"action": "accept"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {reader}",
    )
    assert acting.status_code == 403 and "cases:write" in acting.json()["detail"]


def test_bad_cursor_and_bad_scopes_are_clear_errors(api_client, demo):
    import pytest

    from onewindow.core.errors import InvalidInput

    _client, token = services.register_client("HR reader", "rsj", ["events:read"])
    bad = get(api_client, token, "/api/v1/events?after=-1")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "after"
    with pytest.raises(InvalidInput) as invalid:
        services.register_client("X", "nowhere", ["cases:fly"])
    assert {e.field for e in invalid.value.errors} == {"scopes", "department"}


def test_ratings_are_events_too(api_client, demo, worker):
    """A rating of a pension case reaches HR's stream (the hall's calls: hall/tests/test_services.py)."""
    from onewindow.cases.models import Case
    from onewindow.evaluation import services as evaluation

    _client, token = services.register_client("HR reader", "rsj", ["events:read"])
    clerk, reviewer = User.objects.get(username="clerk"), User.objects.get(username="reviewer-rsj")
    case_id = file_retirement(clerk)
    for actor, action in ((clerk, "accept"), (reviewer, "review"), (reviewer, "approve")):
        act(actor, case_id, ActionInput(action))
    act(clerk, case_id, ActionInput("deliver", delivery_method="window"))
    bad = evaluation.RatingInput(level=2, channel="qr", text="慢")
    evaluation.rate_case(Case.objects.get(pk=case_id), 1, bad)
    rated = get(api_client, token, "/api/v1/events?types=rating.created").json()["events"]
    assert len(rated) == 1 and rated[0]["data"]["level"] == 2 and rated[0]["data"]["bad"] is True
