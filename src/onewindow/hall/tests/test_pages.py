import datetime as dt

import pytest
from django.test import Client

from onewindow.hall.models import Appointment, Ticket

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(demo):
    """A browser at an enrolled kiosk of DG-CENTRE."""
    from onewindow.core.models import User
    from onewindow.hall import services
    from onewindow.hall.models import Hall

    _device, cookie = services.enroll_kiosk(
        Hall.objects.get(code="DG-CENTRE"), User.objects.get(username="clerk"), "entrance"
    )
    browser = Client()
    browser.cookies[services.KIOSK_COOKIE] = cookie
    return browser


def test_kiosk_issues_a_ticket_with_its_qr_code(client, hall_clock):
    page = client.get("/hall/DG-CENTRE/kiosk/")
    assert page.status_code == 200 and 'value="social"' in page.content.decode()
    taken = client.post("/hall/DG-CENTRE/kiosk/", {"category": "social", "priority": "elderly"}, follow=True)
    text = taken.content.decode()
    assert "A001" in text and "<svg" in text
    assert Ticket.objects.get(number="A001").priority == "elderly"


def test_kiosk_refuses_an_unknown_category_clearly(client, hall_clock):
    page = client.post("/hall/DG-CENTRE/kiosk/", {"category": "moon"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Unknown category moon" in page.content.decode()
    assert not Ticket.objects.exists()


def test_console_calls_and_finishes_and_the_board_shows_it(client, users, centre, hall_clock):
    client.post("/hall/DG-CENTRE/kiosk/", {"category": "police"})
    client.force_login(users["clerk"])
    act = "/hall/DG-CENTRE/window/act/"
    window = centre.windows.get(number="10")
    client.post(act, {"action": "sign_in", "window": window.pk})
    client.post(act, {"action": "call"})
    ticket = Ticket.objects.get(number="D001")
    assert ticket.status == "called" and ticket.window == window
    live = Client().get("/hall/DG-CENTRE/board/live/").content.decode()
    assert "D001" in live and 'data-window="10"' in live
    client.post(act, {"action": "start", "ticket": ticket.pk})
    page = client.post(act, {"action": "finish", "ticket": ticket.pk, "more_cases": "X-1"}, follow=True)
    assert "X-1" in page.content.decode()  # refused: no such case, the ticket stays open
    client.post(act, {"action": "finish", "ticket": ticket.pk})
    assert Ticket.objects.get(pk=ticket.pk).status == "done"
    # Citizens have no console.
    client.force_login(users["citizen"])
    assert client.get("/hall/DG-CENTRE/window/").status_code == 404


def test_booking_pages(client, users, hall_clock):
    client.force_login(users["citizen"])
    page = client.get("/hall/DG-CENTRE/appointments/", {"category": "police", "date": "2025-03-04"})
    assert page.status_code == 200 and 'value="09:00"' in page.content.decode()
    booked = client.post(
        "/hall/DG-CENTRE/appointments/",
        {"category": "police", "date": "2025-03-04", "start": "09:30"},
        follow=True,
    )
    appointment = Appointment.objects.get(applicant_user=users["citizen"])
    assert appointment.code in booked.content.decode() and "<svg" in booked.content.decode()
    full = client.post(
        "/hall/DG-CENTRE/appointments/",
        {"category": "police", "date": "2025-03-04", "start": "09:10"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "not a slot start" in full.content.decode()
    moved = client.post(
        "/hall/DG-CENTRE/appointments/",
        {"category": "police", "date": "2025-03-05", "start": "10:00", "reschedule": appointment.code},
        follow=True,
    )
    assert moved.status_code == 200
    appointment.refresh_from_db()
    assert appointment.date == dt.date(2025, 3, 5)
    client.post(f"/hall/appointments/{appointment.code}/cancel/")
    assert Appointment.objects.get(pk=appointment.pk).status == "cancelled"


def test_check_in_by_qr_address(client, users, hall_clock):
    client.force_login(users["citizen"])
    client.post(
        "/hall/DG-CENTRE/appointments/", {"category": "social", "date": "2025-03-03", "start": "10:00"}
    )
    code = Appointment.objects.get().code
    hall_clock.set(MONDAY, "09:45")
    kiosk = Client()
    form = kiosk.get(f"/hall/DG-CENTRE/check-in/{code}/")
    assert code in form.content.decode()
    ticket_page = kiosk.post("/hall/DG-CENTRE/check-in/", {"code": code}, follow=True)
    assert "A001" in ticket_page.content.decode()
    assert Appointment.objects.get().status == "checked_in"


def test_pages_are_translated(client, hall_clock):
    zh = client.get("/hall/DG-CENTRE/kiosk/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    vi = client.get("/hall/DG-CENTRE/kiosk/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "取号" in zh
    assert "Bảo hiểm xã hội" in vi


def test_an_online_applicant_is_offered_a_hall_appointment(client, users, hall_clock):
    from onewindow.cases.models import Case
    from onewindow.ops.demo import load_demo_cases

    load_demo_cases()
    case = Case.objects.filter(applicant_user=users["citizen"], status="submitted").first()
    client.force_login(users["citizen"])
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/hall/?case_number={case.number}" in detail
    halls = client.get("/hall/", {"case_number": case.number}).content.decode()
    assert f"/hall/DG-CENTRE/appointments/?case_number={case.number}" in halls
    booking = client.get("/hall/DG-CENTRE/appointments/", {"case_number": case.number, "category": "police"})
    assert f'value="{case.number}"' in booking.content.decode()


def test_a_booking_without_a_valid_day_books_nothing(client, users, hall_clock):
    client.force_login(users["citizen"])
    page = client.post(
        "/hall/DG-CENTRE/appointments/",
        {"category": "police", "date": "tomorrow", "start": "10:00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Choose a day." in page.content.decode()
    assert not Appointment.objects.exists()


def test_staff_are_not_offered_booking_links_they_cannot_use(client, users, hall_clock):
    from onewindow.core.models import User

    for username in ("clerk", "reviewer-ga", "supervisor", "admin"):
        client.force_login(User.objects.get(username=username))
        halls = client.get("/hall/").content.decode()
        assert "/hall/DG-CENTRE/appointments/" not in halls and "/hall/appointments/" not in halls, username
        assert "/hall/DG-CENTRE/kiosk/" in halls
    client.force_login(users["citizen"])
    assert "/hall/DG-CENTRE/appointments/" in client.get("/hall/").content.decode()
