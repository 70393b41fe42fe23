import datetime as dt

import pytest

from onewindow.core.errors import InvalidInput
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.hall import selectors, services
from onewindow.hall.models import Appointment, HallEvent, Ticket, Window

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def window(centre, number) -> Window:
    return centre.windows.get(number=number)


def test_numbers_count_per_category_and_start_again_each_day(centre, hall_clock):
    a1 = services.issue_ticket(centre, "social")
    a2 = services.issue_ticket(centre, "social")
    b1 = services.issue_ticket(centre, "business", priority="elderly")
    assert [a1.number, a2.number, b1.number] == ["A001", "A002", "B001"]
    hall_clock.set(MONDAY + dt.timedelta(days=1), "09:01")
    assert services.issue_ticket(centre, "social").number == "A001"
    assert HallEvent.objects.filter(hall=centre, action="issue").count() == 4


def test_bad_tickets_are_refused_with_the_field(centre, hall_clock):
    with pytest.raises(InvalidInput) as error:
        services.issue_ticket(centre, "nonsense")
    assert error.value.errors[0].field == "category" and "social" in error.value.errors[0].message
    with pytest.raises(InvalidInput) as error:
        services.issue_ticket(centre, "social", priority="vip")
    assert error.value.errors[0].field == "priority"
    hall_clock.set(MONDAY, "17:00")
    with pytest.raises(Conflict):
        services.issue_ticket(centre, "social")
    hall_clock.set(dt.date(2025, 3, 8), "10:00")  # a Saturday
    with pytest.raises(Conflict):
        services.issue_ticket(centre, "social")
    assert not Ticket.objects.filter(hall=centre).exists()


def test_only_the_halls_staff_sign_in_and_one_clerk_per_window(centre, users):
    with pytest.raises(Forbidden):
        services.sign_in(users["citizen"], window(centre, "01").pk)
    centre.staff.remove(users["clerk03"])
    with pytest.raises(Forbidden):
        services.sign_in(users["clerk03"], window(centre, "01").pk)
    services.sign_in(users["clerk"], window(centre, "01").pk)
    with pytest.raises(Conflict):
        services.sign_in(users["clerk02"], window(centre, "01").pk)
    # Moving to another window leaves the first one.
    services.sign_in(users["clerk"], window(centre, "02").pk)
    assert window(centre, "01").clerk is None and window(centre, "01").state == Window.State.CLOSED
    assert window(centre, "02").clerk == users["clerk"] and window(centre, "02").state == Window.State.OPEN


def test_a_visit_from_call_to_finish_with_a_case(centre, users, hall_clock):
    from onewindow.cases.models import Case

    ticket = services.issue_ticket(centre, "social")
    services.sign_in(users["clerk"], window(centre, "01").pk)
    hall_clock.advance(minutes=4)
    called = services.call_next(users["clerk"])
    assert called.pk == ticket.pk and called.status == Ticket.Status.CALLED
    from onewindow.core.models import Event

    event = Event.objects.get(type="hall.ticket_called")  # for the systems that follow the hall
    assert event.payload == {
        "hall": centre.code,
        "ticket": ticket.number,
        "window": "01",
        "waited_seconds": 240,
    }
    with pytest.raises(Conflict):
        services.call_next(users["clerk"])  # one visitor at a time
    hall_clock.advance(seconds=30)
    services.start_service(users["clerk"], ticket.pk)
    hall_clock.advance(minutes=7)
    from onewindow.ops.demo import load_demo_cases

    load_demo_cases()
    case = Case.objects.order_by("id").first()
    with pytest.raises(InvalidInput) as error:
        services.finish_service(users["clerk"], ticket.pk, ["NO-SUCH-CASE"])
    assert error.value.errors[0].field == "cases"
    done = services.finish_service(users["clerk"], ticket.pk, [case.number])
    assert done.status == Ticket.Status.DONE
    assert list(done.cases.all()) == [case]
    assert done.wait_seconds == 240 and done.service_seconds == 420
    assert services.call_next(users["clerk"]) is None


def test_dedicated_windows_call_their_categories_and_priorities_first(centre, users, hall_clock):
    services.issue_ticket(centre, "social")
    hall_clock.advance(minutes=1)
    business = services.issue_ticket(centre, "business")
    hall_clock.advance(minutes=1)
    elderly = services.issue_ticket(centre, "social", priority="elderly")
    services.sign_in(users["clerk"], window(centre, "07").pk)  # dedicated to business
    services.sign_in(users["clerk02"], window(centre, "01").pk)
    assert services.call_next(users["clerk"]).pk == business.pk
    assert services.call_next(users["clerk02"]).pk == elderly.pk


def test_recalls_then_no_show(centre, users, hall_clock):
    ticket = services.issue_ticket(centre, "social")
    services.sign_in(users["clerk"], window(centre, "01").pk)
    services.call_next(users["clerk"])
    with pytest.raises(Conflict) as refused:
        services.no_show(users["clerk"], ticket.pk)
    assert refused.value.allowed == ["recall"]
    services.recall(users["clerk"], ticket.pk)
    services.recall(users["clerk"], ticket.pk)
    with pytest.raises(Conflict):
        services.recall(users["clerk"], ticket.pk)
    assert services.no_show(users["clerk"], ticket.pk).status == Ticket.Status.NO_SHOW


def test_a_transfer_keeps_the_number_and_the_place_in_line(centre, users, hall_clock):
    first = services.issue_ticket(centre, "enquiry")
    hall_clock.advance(minutes=1)
    services.issue_ticket(centre, "social")
    services.sign_in(users["clerk"], window(centre, "01").pk)
    services.sign_in(users["clerk02"], window(centre, "02").pk)
    services.call_next(users["clerk"])
    services.start_service(users["clerk"], first.pk)
    hall_clock.advance(minutes=2)
    moved = services.transfer(users["clerk"], first.pk, category_code="social")
    assert (
        moved.number == "F001" and moved.category.code == "social" and moved.transferred_from_id == first.pk
    )
    first.refresh_from_db()
    assert first.status == Ticket.Status.TRANSFERRED and first.service_seconds == 120
    # Arrived before the A001 visitor: called first in the social queue.
    assert services.call_next(users["clerk02"]).pk == moved.pk
    # The tracking page follows the visitor to the new ticket.
    assert selectors.ticket_status(first.token).ticket.pk == moved.pk


def test_transfer_to_a_window(centre, users, hall_clock):
    ticket = services.issue_ticket(centre, "social")
    services.issue_ticket(centre, "social")
    services.sign_in(users["clerk"], window(centre, "01").pk)
    services.sign_in(users["clerk02"], window(centre, "02").pk)
    services.call_next(users["clerk"])
    with pytest.raises(InvalidInput):
        services.transfer(users["clerk"], ticket.pk)
    moved = services.transfer(users["clerk"], ticket.pk, window_id=window(centre, "02").pk)
    assert services.call_next(users["clerk02"]).pk == moved.pk


def test_position_and_expected_wait(centre, users, hall_clock):
    tickets = [services.issue_ticket(centre, "police") for _ in range(3)]
    status = selectors.ticket_status(tickets[2].token)
    assert status.position == 3 and status.expected_wait_minutes is None  # no window open yet
    services.sign_in(users["clerk"], window(centre, "10").pk)  # dedicated to police
    services.sign_in(users["clerk02"], window(centre, "01").pk)
    status = selectors.ticket_status(tickets[2].token)
    assert status.open_windows == 2
    assert status.expected_wait_minutes == 3 * 10 / 2


def monday_slot(hhmm="10:00"):
    return MONDAY, dt.time.fromisoformat(hhmm)


def test_booking_respects_capacity_working_days_and_limits(centre, users, hall_clock, settings):
    police = centre.categories.get(code="police")  # 2 per slot
    day, ten = monday_slot()
    services.book(users["citizen"], centre, "police", day, ten)
    with pytest.raises(InvalidInput) as error:
        services.book(users["citizen"], centre, "police", day, dt.time(11))
    assert error.value.errors[0].field == "date"  # one per service and day
    services.book(users["enterprise"], centre, "police", day, ten)
    assert services.booked_count(police, day, ten) == 2
    with pytest.raises(Forbidden):
        services.book(users["clerk"], centre, "police", day, dt.time(11))
    from onewindow.core.models import Role, User

    third = User.objects.create(username="third", role=Role.CITIZEN)
    with pytest.raises(InvalidInput) as error:
        services.book(third, centre, "police", day, ten)
    assert error.value.errors[0].field == "start" and "full" in error.value.errors[0].message
    bad = [
        (dt.date(2025, 3, 8), "10:00", "date"),  # Saturday
        (dt.date(2025, 4, 4), "10:00", "date"),  # Qingming, and beyond 14 days
        (MONDAY, "10:10", "start"),  # not a slot start
        (MONDAY, "09:00", "start"),  # already started
        (MONDAY, "17:00", "start"),
    ]
    for when, hhmm, field in bad:
        with pytest.raises(InvalidInput) as error:
            services.book(third, centre, "police", when, dt.time.fromisoformat(hhmm))
        assert error.value.errors[0].field == field, (when, hhmm)
    with pytest.raises(InvalidInput) as error:
        services.book(third, centre, "enquiry", day, ten)
    assert error.value.errors[0].field == "category"
    settings.ONEWINDOW_APPOINTMENT_LIMIT = 2
    services.book(third, centre, "social", day, ten)
    services.book(third, centre, "fund", day, ten)
    with pytest.raises(InvalidInput) as error:
        services.book(third, centre, "property", day, ten)
    assert "2" in error.value.errors[0].message


def test_a_working_weekend_takes_bookings(centre, users, hall_clock):
    hall_clock.set(dt.date(2025, 4, 22), "10:00")
    appointment = services.book(
        users["citizen"], centre, "social", dt.date(2025, 4, 27), dt.time(9)
    )  # Sunday, worked
    assert appointment.starts_at.date() == dt.date(2025, 4, 27)


def test_cancel_and_reschedule(centre, users, hall_clock):
    day, ten = monday_slot()
    appointment = services.book(users["citizen"], centre, "police", day, ten)
    services.book(users["enterprise"], centre, "police", day, dt.time(11))
    moved = services.reschedule(users["citizen"], appointment.code, day, dt.time(11))
    assert moved.start == dt.time(11)
    assert services.booked_count(centre.categories.get(code="police"), day, ten) == 0
    with pytest.raises(NotFound):
        services.cancel(users["enterprise"], appointment.code)  # not theirs
    services.cancel(users["citizen"], appointment.code)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.CANCELLED
    with pytest.raises(Conflict):
        services.cancel(users["citizen"], appointment.code)


def test_check_in_gives_a_priority_ticket_only_in_its_window(centre, users, hall_clock):
    day, ten = monday_slot("11:00")
    appointment = services.book(users["citizen"], centre, "social", day, ten)
    walk_in = services.issue_ticket(centre, "social")
    hall_clock.set(day, "10:29")
    with pytest.raises(InvalidInput) as error:
        services.check_in(centre, appointment.code)
    assert error.value.errors[0].field == "code" and "30" in error.value.errors[0].message
    hall_clock.set(day, "10:40")
    ticket = services.check_in(
        centre, f"http://testserver/hall/{centre.code}/check-in/{appointment.code.lower()}/"
    )
    assert ticket.priority == "appointment" and ticket.appointment_id == appointment.pk
    with pytest.raises(InvalidInput):
        services.check_in(centre, appointment.code)  # once
    services.sign_in(users["clerk"], window(centre, "01").pk)
    assert services.call_next(users["clerk"]).pk == walk_in.pk  # 10:40: the 11:00 slot is not due
    services.finish_service(users["clerk"], services.start_service(users["clerk"], walk_in.pk).pk)
    hall_clock.set(day, "10:51")
    services.issue_ticket(centre, "social", priority="elderly")
    assert services.call_next(users["clerk"]).pk == ticket.pk  # due within 10 minutes: first


def test_missed_appointments_become_no_shows(centre, users, hall_clock):
    appointment = services.book(users["citizen"], centre, "social", *monday_slot("10:00"))
    hall_clock.set(MONDAY, "10:10")
    assert services.record_no_shows() == 0
    hall_clock.set(MONDAY, "10:11")
    assert services.record_no_shows() == 1
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.NO_SHOW
    with pytest.raises(InvalidInput) as error:
        services.check_in(centre, appointment.code)
    assert error.value.errors[0].field == "code"


def test_an_appointment_can_complete_an_online_application(centre, users, hall_clock):
    from onewindow.cases.models import Case
    from onewindow.ops.demo import load_demo_cases

    load_demo_cases()
    mine = Case.objects.filter(applicant_user=users["citizen"]).first()
    theirs = Case.objects.filter(applicant_user=users["enterprise"]).first()
    with pytest.raises(InvalidInput) as error:
        services.book(users["citizen"], centre, "police", *monday_slot(), case_number=theirs.number)
    assert error.value.errors[0].field == "case_number"
    appointment = services.book(users["citizen"], centre, "police", *monday_slot(), case_number=mine.number)
    assert appointment.case_number == mine.number
