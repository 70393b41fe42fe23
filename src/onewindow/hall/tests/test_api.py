import pytest

from onewindow.hall.models import Window

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(api_client, token_for):
    tokens = {}

    def request(username, method, url, body=None):
        tokens.setdefault(username, token_for(username))
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[username]}"}
        if method == "get":
            return api_client.get(url, body or {}, **headers)
        return api_client.post(url, body or {}, content_type="application/json", **headers)

    return request


def test_tickets_calls_and_the_public_position(call, api_client, centre, hall_clock):
    halls = call("clerk", "get", "/api/v1/halls").json()
    assert [h["code"] for h in halls][:1] == ["DG-CENTRE"]
    assert {c["prefix"] for c in halls[0]["categories"]} >= {"A", "B", "F"}
    first = call("clerk", "post", "/api/v1/halls/DG-CENTRE/tickets", {"category": "social"})
    assert first.status_code == 201, first.content
    second = call(
        "clerk", "post", "/api/v1/halls/DG-CENTRE/tickets", {"category": "social", "priority": "pregnant"}
    )
    assert (first.json()["number"], second.json()["number"]) == ("A001", "A002")
    token = first.json()["url"].rstrip("/").rsplit("/", 1)[-1]
    public = api_client.get(f"/api/v1/hall-tickets/{token}").json()
    assert public["position"] == 2 and public["expected_wait_minutes"] is None

    window = Window.objects.get(hall=centre, number="01")
    assert call("clerk", "post", f"/api/v1/hall-windows/{window.pk}/sign-in").json()["state"] == "open"
    called = call("clerk", "post", "/api/v1/hall-windows/mine/actions", {"action": "call"}).json()
    assert called["ticket"]["number"] == "A002"  # pregnant: priority group
    ticket_id = called["ticket"]["id"]
    assert api_client.get(f"/api/v1/hall-tickets/{token}").json()["position"] == 1
    refused = call("clerk", "post", f"/api/v1/hall-tickets/{ticket_id}/actions", {"action": "finish"})
    assert refused.status_code == 409
    call("clerk", "post", f"/api/v1/hall-tickets/{ticket_id}/actions", {"action": "start"})
    done = call(
        "clerk", "post", f"/api/v1/hall-tickets/{ticket_id}/actions", {"action": "finish", "cases": []}
    )
    assert done.json()["status"] == "done"
    board = call("clerk", "get", "/api/v1/halls/DG-CENTRE/board").json()
    assert board["calls"][0] == {**board["calls"][0], "number": "A002", "window": "01"}
    assert (
        call("clerk", "post", "/api/v1/hall-windows/mine/actions", {"action": "sign_out"}).status_code == 204
    )


def test_bad_ticket_input_names_the_field(call, hall_clock):
    unknown = call("clerk", "post", "/api/v1/halls/DG-CENTRE/tickets", {"category": "nope"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "category"
    bad_priority = call(
        "clerk", "post", "/api/v1/halls/DG-CENTRE/tickets", {"category": "social", "priority": "vip"}
    )
    assert bad_priority.status_code == 422 and bad_priority.json()["errors"][0]["field"] == "priority"
    assert call("clerk", "post", "/api/v1/halls/NOPE/tickets", {"category": "social"}).status_code == 404
    hall_clock.set(MONDAY, "18:00")
    closed = call("clerk", "post", "/api/v1/halls/DG-CENTRE/tickets", {"category": "social"})
    assert closed.status_code == 409 and "09:00" in closed.json()["detail"]
    # Only window staff work windows.
    window = Window.objects.get(hall__code="DG-CENTRE", number="01")
    assert call("citizen", "post", f"/api/v1/hall-windows/{window.pk}/sign-in").status_code == 403


def test_appointments_book_full_double_cancel_reschedule_and_check_in(call, hall_clock):
    slots = call(
        "citizen", "get", "/api/v1/halls/DG-CENTRE/slots", {"category": "police", "date": "2025-03-04"}
    ).json()
    assert slots[0] == {"start": "09:00", "free": 2, "bookable": True, "problem": None}
    body = {"hall": "DG-CENTRE", "category": "police", "date": "2025-03-04", "start": "10:00"}
    booked = call("citizen", "post", "/api/v1/appointments", body)
    assert booked.status_code == 201, booked.content
    code = booked.json()["code"]
    double = call("citizen", "post", "/api/v1/appointments", {**body, "start": "11:00"})
    assert double.status_code == 422 and double.json()["errors"][0]["field"] == "date"
    call("enterprise", "post", "/api/v1/appointments", body)
    from onewindow.core.models import Role, User

    User.objects.create(username="walker", role=Role.CITIZEN)
    full = call("walker", "post", "/api/v1/appointments", body)
    assert full.status_code == 422 and full.json()["errors"][0]["field"] == "start"
    weekend = call("walker", "post", "/api/v1/appointments", {**body, "date": "2025-03-08"})
    assert weekend.status_code == 422 and weekend.json()["errors"][0]["field"] == "date"
    bad = call("walker", "post", "/api/v1/appointments", {**body, "start": "ten"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "start"
    moved = call(
        "citizen", "post", f"/api/v1/appointments/{code}/reschedule", {"date": "2025-03-04", "start": "11:00"}
    )
    assert moved.json()["start"] == "11:00"
    assert call("walker", "post", "/api/v1/appointments", body).status_code == 201  # a place came free
    assert [a["code"] for a in call("citizen", "get", "/api/v1/appointments").json()] == [code]
    hall_clock.set(MONDAY.replace(day=4), "10:45")
    ticket = call("clerk", "post", "/api/v1/halls/DG-CENTRE/check-in", {"code": code})
    assert ticket.status_code == 201 and ticket.json()["priority"] == "appointment"
    assert ticket.json()["number"] == "D001"
    again = call("clerk", "post", "/api/v1/halls/DG-CENTRE/check-in", {"code": code})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "code"
    assert call("citizen", "post", f"/api/v1/appointments/{code}/cancel").status_code == 409


def test_analytics_for_supervisors_only(call, hall_clock):
    assert call("citizen", "get", "/api/v1/halls/DG-CENTRE/analytics").status_code == 403
    report = call("supervisor", "get", "/api/v1/halls/DG-CENTRE/analytics", {"group": "hour"})
    assert report.status_code == 200 and report.json()["group"] == "hour"
    assert (
        call("supervisor", "get", "/api/v1/halls/DG-CENTRE/analytics", {"group": "moon"}).status_code == 422
    )
