"""Due dates in a year whose official calendar is not out yet: provisional, then recomputed on load."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.cases import services
from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.selectors import case_clock
from onewindow.catalog import calendars
from onewindow.catalog.models import Department
from onewindow.core.models import User
from onewindow.core.workdays import OfficialYear, add_working_days, base_calendar

from .test_cases_api import ANSWERS, RECEIVED, VALID_ID

D = dt.date
CN_2027 = """
calendar: CN
year: 2027
source: {title: 国务院办公厅关于2027年部分节假日安排的通知, date: 2026-11-20}
days_off:
  - {date: 2027-01-01, name: 元旦}
  - {from: 2027-02-05, to: 2027-02-12, name: 春节}
  - {date: 2027-04-05, name: 清明节}
  - {from: 2027-05-01, to: 2027-05-05, name: 劳动节}
  - {date: 2027-06-09, name: 端午节}
  - {date: 2027-09-15, name: 中秋节}
  - {from: 2027-10-01, to: 2027-10-07, name: 国庆节}
working_days:
  - {date: 2027-02-14, name: 春节调休上班}
  - {date: 2027-02-20, name: 春节调休上班}
"""


def file_case(clerk, day, today, *, name="张三", phone="13800138000", email="zhang@example.cn"):
    today.set(day)
    submission = services.Submission(
        item="RS-001",
        channel="window",
        answers=ANSWERS,
        materials=RECEIVED,
        applicant=services.Applicant(
            name=name, id_type="resident_id", id_number=VALID_ID, phone=phone, email=email
        ),
    )
    case, _ = services.submit_case(clerk, submission)
    return services.act(clerk, case.pk, services.ActionInput(action="accept"))


def fresh_due_date(case):
    return case_clock(Case.objects.get(pk=case.pk)).due_date


def test_loading_the_year_moves_provisional_dates_records_it_and_tells_the_applicant(
    demo, today, mailoutbox, worker
):
    clerk = User.objects.get(username="clerk")
    # Accepted on Thursday 4 February 2027, 2 working days: the statutory rules give the Spring
    # Festival 5–10 February (eve to the third day, two made up for the weekend) → due 12 February.
    case = file_case(clerk, D(2027, 2, 4), today)
    assert case.due_date_provisional is True and case.due_date == D(2027, 2, 12)
    provisional_due = case.due_date
    mailoutbox.clear()

    calendars.import_calendar_file(CN_2027, "cn-2027.yaml")
    worker()
    case.refresh_from_db()
    assert case.due_date_provisional is False
    assert case.due_date == D(2027, 2, 15)  # off until the 12th; Sunday the 14th is a working day
    assert case.due_date == fresh_due_date(case)
    event = CaseEvent.objects.filter(case=case, action="due_date_changed").get()
    assert event.data["from"] == provisional_due.isoformat()
    assert event.data["due_date"] == case.due_date.isoformat()
    assert set(event.data["notified"]) == {"email", "sms"}
    assert any(case.number in mail.body and case.due_date.isoformat() in mail.body for mail in mailoutbox)

    # Loading the same year again moves nothing more and records nothing more.
    calendars.import_calendar_file(CN_2027, "cn-2027.yaml")
    assert CaseEvent.objects.filter(case=case, action="due_date_changed").count() == 1


def test_a_date_that_does_not_move_only_stops_being_provisional(demo, today):
    clerk = User.objects.get(username="clerk")
    case = file_case(clerk, D(2026, 12, 30), today)
    assert case.due_date_provisional and case.due_date == D(2027, 1, 4)
    calendars.import_calendar_file(CN_2027, "cn-2027.yaml")
    case.refresh_from_db()
    assert not case.due_date_provisional and case.due_date == D(2027, 1, 4)
    assert not CaseEvent.objects.filter(case=case, action="due_date_changed").exists()


PROPERTY_APPLICANT = "王五（性质测试）"
official_2027 = st.builds(
    lambda off, working: OfficialYear(2027, frozenset(off), frozenset(working) - frozenset(off)),
    st.sets(st.dates(D(2027, 1, 1), D(2027, 3, 31)), max_size=20),
    st.sets(st.dates(D(2027, 1, 1), D(2027, 3, 31)).filter(lambda d: d.weekday() >= 5), max_size=4),
)


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    official=official_2027,
    accepted=st.lists(st.dates(D(2026, 12, 1), D(2027, 1, 31)), min_size=1, max_size=3),
)
def test_recomputation_equals_a_fresh_computation_with_the_loaded_year(demo, today, official, accepted):
    clerk = User.objects.get(username="clerk")
    for day in accepted:
        file_case(clerk, day, today, name=PROPERTY_APPLICANT)
    yaml_text = "\n".join(
        [
            "calendar: CN",
            "year: 2027",
            "source: {title: 测试通知, date: 2026-11-20}",
            "days_off:",
            *[f"  - {{date: {d.isoformat()}, name: 休}}" for d in sorted(official.days_off)],
            "working_days:",
            *[f"  - {{date: {d.isoformat()}, name: 班}}" for d in sorted(official.working_days)],
        ]
    ).replace("days_off:\nworking", "days_off: []\nworking")
    if not official.working_days:
        yaml_text += " []"
    today.set(D(2026, 12, 1))
    calendars.import_calendar_file(yaml_text, "2027.yaml")

    loaded = base_calendar("CN").with_years([official])
    rsj = department_calendar_of("rsj")
    for case in Case.objects.filter(applicant_name=PROPERTY_APPLICANT):
        assert case.due_date == add_working_days(loaded, case.accepted_on, case.promised_days)
        assert case.due_date == case_clock(case).due_date
        assert case.due_date_provisional is False
        assert rsj.is_working_day(case.due_date)


def department_calendar_of(code):
    return calendars.department_calendar(Department.objects.get(code=code))
