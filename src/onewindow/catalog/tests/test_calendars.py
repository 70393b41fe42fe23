"""Official calendar years: files checked all or nothing, loads audited, warnings before the year ends."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from onewindow.catalog import calendars
from onewindow.catalog.models import CalendarYear, Department
from onewindow.catalog.transfer import CatalogImportError
from onewindow.core import clock

D = dt.date
GOOD = """calendar: CN
year: 2027
source: {title: 国务院办公厅关于2027年部分节假日安排的通知, date: 2026-11-20}
days_off:
  - {date: 2027-01-01, name: 元旦}
  - {from: 2027-02-05, to: 2027-02-12, name: 春节}
working_days:
  - {date: 2027-02-14, name: 春节调休上班}
"""


@pytest.fixture
def today(monkeypatch):
    def set_day(day):
        monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(day, dt.time(10), dt.UTC))

    set_day(D(2026, 12, 1))
    return set_day


def problems_of(text, filename="2027.yaml"):
    with pytest.raises(CatalogImportError) as error:
        calendars.parse_calendar_file(text, filename)
    return [str(problem) for problem in error.value.problems]


def test_a_loaded_year_is_in_force_and_audited(demo, today):
    cn = calendars.calendar("CN")
    assert cn.is_provisional(D(2027, 2, 11)) and cn.is_working_day(D(2027, 2, 11))
    (row,) = calendars.import_calendar_file(GOOD, "cn-2027.yaml")
    assert row.source_title.startswith("国务院办公厅") and row.source_date == D(2026, 11, 20)
    assert row.days_off[1] == {"date": "2027-02-05", "name": "春节"} and len(row.days_off) == 9
    cn = calendars.calendar("CN")
    assert not cn.is_provisional(D(2027, 2, 11)) and not cn.is_working_day(D(2027, 2, 11))
    assert cn.is_working_day(D(2027, 2, 14))
    # A corrected notice is a new load; the newest is in force, the first stays on record.
    calendars.import_calendar_file(GOOD.replace("2027-02-12", "2027-02-11"), "cn-2027.yaml")
    assert calendars.calendar("CN").is_working_day(D(2027, 2, 12))
    assert CalendarYear.objects.filter(calendar="CN", year=2027).count() == 2
    with pytest.raises(TypeError, match="append-only"):
        row.save()


def test_yaml_problems_name_line_and_field_and_load_nothing(demo, today):
    text = GOOD.replace("2027-02-14, name", "2027-02-15, name").replace(
        "{date: 2027-01-01, name: 元旦}", "{date: 2028-01-01, name: 元旦}"
    )
    found = problems_of(text)
    assert "line 5: days_off[0]: 2028-01-01 is not in 2027" in found
    assert (
        "line 8: working_days[0]: 2027-02-15 is a weekday: only a weekend day can be made a working day"
        in found
    )
    assert problems_of("calendar: XX\nyear: 2027\nsource: {title: t, date: 2026-11-20}\n") == [
        "line 1: calendar: unknown calendar 'XX'; use CN, VN, WEEKDAYS"
    ]
    assert any(
        "line 3: source.date" in p for p in problems_of(GOOD.replace("date: 2026-11-20", "date: soon"))
    )
    assert any("give either `date`" in p for p in problems_of(GOOD.replace("{date: 2027-01-01,", "{")))
    assert any("is given twice" in p for p in problems_of(GOOD + "  - {date: 2027-02-14, name: again}\n"))
    assert any("not valid YAML" in p for p in problems_of("calendar: [CN\n"))
    assert not CalendarYear.objects.exists()


def test_csv_loads_several_years_and_departments(demo, today):
    text = (
        "calendar,department,year,date,kind,name,source_title,source_date\n"
        "VN,,2027,2027-02-05,off,Tết,Thông báo nghỉ Tết 2027,2026-11-25\n"
        "VN,,2027,2027-02-20,working,Làm bù,Thông báo nghỉ Tết 2027,2026-11-25\n"
        ",rsj,2027,2027-03-01,off,系统升级停办,人社局公告,2026-11-30\n"
    )
    written = calendars.import_calendar_file(text, "years.csv")
    assert {(row.calendar, row.department_id is not None) for row in written} == {("VN", False), ("CN", True)}
    assert calendars.calendar("VN").is_working_day(D(2027, 2, 20))
    rsj = calendars.department_calendar(Department.objects.get(code="rsj"))
    assert not rsj.is_working_day(D(2027, 3, 1)) and rsj.is_provisional(D(2027, 3, 1))  # CN 2027 not loaded
    assert calendars.department_calendar(Department.objects.get(code="ybj")).is_working_day(D(2027, 3, 1))


def test_csv_problems_name_their_line(demo, today):
    text = (
        "calendar,department,year,date,kind,name,source_title,source_date\n"
        "CN,,2027,2027-13-01,off,x,t,2026-11-20\n"
        "CN,,2027,2027-02-06,holiday,x,t,2026-11-20\n"
        ",nope,2027,2027-02-06,off,x,t,2026-11-20\n"
    )
    found = problems_of(text, "bad.csv")
    assert "line 2: date: '2027-13-01' is not a date; use YYYY-MM-DD" in found
    assert "line 3: kind: use off or working" in found
    assert "line 4: department: unknown department 'nope'" in found
    assert problems_of("calendar,year\nCN,2027\n", "bad.csv")[0].startswith(
        "line 1: (header): missing columns"
    )
    assert not CalendarYear.objects.exists()


def test_the_command_loads_and_reports_problems(demo, today, tmp_path):
    good, bad = tmp_path / "cn.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(GOOD.replace("2027-02-14", "2027-02-16"), encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("workdays", "import", str(bad), stderr=errors)
    assert f"{bad}:8: working_days[0]: 2027-02-16 is a weekday" in errors.getvalue()
    out = io.StringIO()
    call_command("workdays", "import", str(good), stdout=out)
    assert "loaded CN 2027" in out.getvalue()
    out = io.StringIO()
    call_command("workdays", "add", "--calendar", "CN", "--from", "2026-12-30", "--days", "2", stdout=out)
    assert out.getvalue().strip() == "2027-01-04"  # no longer provisional


def test_the_admin_loads_a_file_all_or_nothing(demo, today):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.login(username="admin", password="demo")
    page = client.get("/admin/catalog/calendaryear/add/")
    assert page.status_code == 200 and b'type="file"' in page.content
    bad = SimpleUploadedFile("cn.yaml", GOOD.replace("2027-02-14", "2027-02-16").encode())
    refused = client.post("/admin/catalog/calendaryear/add/", {"file": bad})
    assert (
        refused.status_code == 200
        and b"line 8" in refused.content
        and b"Nothing was loaded" in refused.content
    )
    assert not CalendarYear.objects.exists()
    loaded = client.post(
        "/admin/catalog/calendaryear/add/", {"file": SimpleUploadedFile("cn.yaml", GOOD.encode())}
    )
    assert loaded.status_code == 302
    row = CalendarYear.objects.get()
    assert row.loaded_by.username == "admin"
    listing = client.get("/admin/catalog/calendaryear/")
    assert "国务院办公厅".encode() in listing.content
    assert client.get(f"/admin/catalog/calendaryear/{row.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/catalog/calendaryear/{row.pk}/delete/").status_code == 403


def test_supervisors_are_warned_from_october_and_the_log_says_so(demo, today, caplog):
    supervisor, citizen = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    supervisor.login(username="supervisor", password="demo")
    citizen.login(username="citizen", password="demo")
    warning = b"The official working-day calendar for 2027 is not loaded for CN"
    assert warning in supervisor.get("/").content
    assert warning not in citizen.get("/").content
    assert calendars.warn_if_next_year_missing(D(2026, 12, 1)) == ["CN"]
    assert "the CN working-day calendar for 2027 is not published" in caplog.text
    today(D(2026, 9, 30))
    assert warning not in supervisor.get("/").content  # not before 1 October
    today(D(2026, 12, 1))
    calendars.import_calendar_file(GOOD, "cn.yaml")
    assert warning not in supervisor.get("/").content


def test_the_api_says_when_an_answer_is_provisional(api_client):
    answer = api_client.get(
        "/api/v1/workdays/add", {"calendar": "CN", "from": "2026-12-30", "days": 2}
    ).json()
    assert answer == {
        "calendar": "CN",
        "date": "2027-01-04",
        "working_days": None,
        "provisional": True,
        "provisional_years": [2027],
    }
    answer = api_client.get(
        "/api/v1/workdays/add", {"calendar": "VN", "from": "2025-04-25", "days": 1}
    ).json()
    assert answer["date"] == "2025-04-26" and answer["provisional"] is False
    answer = api_client.get(
        "/api/v1/workdays/between", {"department": "rsj", "from": "2025-01-24", "to": "2025-02-07"}
    ).json()
    assert answer["working_days"] == 5 and answer["provisional"] is False
    for query, field in (
        ({"calendar": "CN", "from": "2026-12-30"}, "days"),
        ({"from": "2026-12-30", "days": 1}, "calendar"),
        ({"department": "nope", "from": "2026-12-30", "days": 1}, "department"),
        ({"calendar": "CN", "from": "2100-01-01", "days": 1}, "from"),
        ({"calendar": "CN", "from": "soon", "days": 1}, "from"),
    ):
        refused = api_client.get("/api/v1/workdays/add", query)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == field, (
            query,
            refused.content,
        )
