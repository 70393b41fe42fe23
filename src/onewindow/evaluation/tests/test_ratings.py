import datetime as dt

import pytest
from django.test import Client

from onewindow.core.errors import InvalidInput
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.evaluation import selectors, services
from onewindow.evaluation.models import Rating, Rectification

pytestmark = pytest.mark.django_db

BAD = services.RatingInput(level=1, channel="qr", text="等了很久", tags=["slow"], consent_to_publish=True)


def test_only_ended_cases_are_rated_once_per_round(cases):
    running = cases["RS-001"]
    assert services.expected_round(running) is None
    with pytest.raises(Conflict):
        services.rate_case(running, 1, services.RatingInput(level=5, channel="pc"))
    delivered = cases["GJ-001"]
    assert services.expected_round(delivered) == 1
    services.rate_case(delivered, 1, services.RatingInput(level=5, channel="pc"))
    with pytest.raises(Conflict):
        services.rate_case(delivered, 1, services.RatingInput(level=4, channel="pc"))
    assert services.expected_round(delivered) is None  # a good rating opens no second round


def test_bad_input_names_the_field(cases):
    with pytest.raises(InvalidInput) as error:
        services.rate_case(cases["GJ-001"], 1, services.RatingInput(level=9, channel="fax", tags=["x"]))
    assert [e.field for e in error.value.errors] == ["level", "channel", "tags"]
    assert not Rating.objects.exists()


def test_a_bad_rating_is_rectified_stage_by_stage_then_rated_again(cases, users, today):
    case = cases["GJ-001"]
    rating = services.rate_case(case, 1, BAD)
    rectification = Rectification.objects.get(rating=rating)
    assert rectification.owner == users["reviewer-gjj"]
    assert rectification.due_date == dt.date(2025, 3, 10)  # five working days
    with pytest.raises(NotFound):
        services.advance(users["reviewer-rsj"], rectification.pk, "not mine")
    with pytest.raises(InvalidInput) as error:
        services.advance(users["reviewer-gjj"], rectification.pk, "")
    assert error.value.errors[0].field == "note"
    services.advance(users["reviewer-gjj"], rectification.pk, "窗口排队过长属实")
    today.set(dt.date(2025, 3, 4))
    services.advance(users["reviewer-gjj"], rectification.pk, "增开公积金窗口")
    done = services.advance(users["reviewer-gjj"], rectification.pk, "已增开窗口，感谢您的意见")
    assert done.stage == "callback" and done.due_date == dt.date(2025, 3, 11)
    with pytest.raises(InvalidInput):
        services.advance(users["reviewer-gjj"], rectification.pk, "")  # satisfied or not?
    closed = services.advance(users["reviewer-gjj"], rectification.pk, "", satisfied=True)
    assert (closed.stage, closed.outcome, closed.callback_satisfied) == ("closed", "rectified", True)
    assert [s.stage for s in closed.steps.all()] == ["verify", "fix", "reply", "callback"]
    assert services.expected_round(case) == 2
    services.rate_case(case, 2, services.RatingInput(level=4, channel="phone"))
    figures = selectors.public_figures(case.department)
    assert figures.total == 2 and figures.bad == 1 and figures.rectification_rate == 1.0
    assert [r.reply for r in selectors.published_replies(case.department)] == ["已增开窗口，感谢您的意见"]


def test_late_stages_are_escalated(cases, users, today):
    rating = services.rate_case(cases["GJ-001"], 1, BAD)
    today.set(dt.date(2025, 3, 11))
    late = selectors.rectifications_for(users["supervisor"], "late")
    assert [r.rating_id for r in late] == [rating.pk]
    assert not selectors.rectifications_for(users["reviewer-rsj"], "late").exists()


def test_an_upheld_appeal_keeps_the_rating_but_not_in_scores(cases, users):
    case = cases["GJ-001"]
    rating = services.rate_case(case, 1, BAD)
    with pytest.raises(NotFound):
        services.appeal(users["reviewer-rsj"], rating.pk, "malicious", "not our department")
    with pytest.raises(InvalidInput):
        services.appeal(users["reviewer-gjj"], rating.pk, "rude", "")
    appeal = services.appeal(users["reviewer-gjj"], rating.pk, "mistaken", "评价对象为其他部门")
    with pytest.raises(Conflict):
        services.appeal(users["reviewer-gjj"], rating.pk, "mistaken", "again")
    with pytest.raises(Forbidden):
        services.rule(users["reviewer-gjj"], appeal.pk, True, "mine")
    services.rule(users["supervisor"], appeal.pk, True, "核实为误评")
    rating.refresh_from_db()
    assert rating.excluded and "核实为误评" in rating.exclusion_reason
    assert Rectification.objects.get(rating=rating).outcome == "appeal_upheld"
    figures = selectors.public_figures(case.department)
    assert figures.total == 0 and figures.bad == 0
    assert Rating.objects.count() == 1


def test_rating_page_by_the_receipts_token_without_login(cases):
    case = cases["GJ-001"]
    url = f"/rate/{services.rating_token(case)}/"
    client = Client()
    assert client.get(url).status_code == 200
    missing = client.post(url, {"text": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 422 and "Choose a rating" in missing.content.decode()
    done = client.post(url, {"level": "2", "tags": ["slow"], "text": "慢"})
    assert done.status_code == 200 and Rating.objects.get().channel == "qr"
    assert client.get(url).status_code == 409  # one-time
    assert client.get("/rate/forged:token/").status_code == 404
    other = services.rating_token(cases["RS-001"])
    assert client.get(f"/rate/{other}/").status_code == 409  # not ended yet


def test_department_page_and_staff_pages(cases, users):
    services.rate_case(cases["GJ-001"], 1, BAD)
    page = Client().get(
        f"/evaluation/departments/{cases['GJ-001'].department.code}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200 and "Very dissatisfied" in page.content.decode()
    client = Client()
    client.force_login(users["reviewer-gjj"])
    listing = client.get("/evaluation/rectifications/")
    assert cases["GJ-001"].number in listing.content.decode()
    rectification = Rectification.objects.get()
    client.post(f"/evaluation/rectifications/{rectification.pk}/act/", {"action": "advance", "note": "属实"})
    assert Rectification.objects.get().stage == "fix"
    client.force_login(users["citizen"])
    assert client.get("/evaluation/rectifications/").status_code == 404


def test_a_hall_visit_is_rated_once_from_its_ticket(demo, users, monkeypatch):
    from django.utils import timezone

    from onewindow.core import clock
    from onewindow.hall import services as hall

    monkeypatch.setattr(clock, "now", lambda: timezone.make_aware(dt.datetime(2025, 3, 3, 10)))
    from onewindow.hall.models import Hall

    centre = Hall.objects.get(code="DG-CENTRE")
    ticket = hall.issue_ticket(centre, "social")
    client = Client()
    assert client.post(f"/rate-visit/{ticket.token}/", {"level": "1"}).status_code == 409  # not served yet
    hall.sign_in(users["clerk"], centre.windows.get(number="01").pk)
    hall.call_next(users["clerk"])
    hall.start_service(users["clerk"], ticket.pk)
    hall.finish_service(users["clerk"], ticket.pk)
    page = client.get(f"/hall/tickets/{ticket.token}/").content.decode()
    assert f"/rate-visit/{ticket.token}/" in page
    assert client.post(f"/rate-visit/{ticket.token}/", {"level": "1", "tags": ["slow"]}).status_code == 200
    rating = Rating.objects.get(ticket=ticket)
    assert rating.region == centre.region and rating.department is None
    assert rating.rectification.stage == "verify"
    assert client.post(f"/rate-visit/{ticket.token}/", {"level": "5"}).status_code == 409
    services.advance(users["supervisor"], rating.rectification.pk, "核实")
