"""Demo halls: a Dongguan-like city centre (six comprehensive and four dedicated windows), a town
centre and a village service point; and two working weeks of generated ticket history."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from onewindow.catalog.calendars import calendar as working_calendar
from onewindow.catalog.models import Region
from onewindow.core import clock
from onewindow.core.i18n import translated
from onewindow.core.models import Role, User

from . import rules
from .models import Category, Hall, Ticket, Window

CENTRE = "DG-CENTRE"
HALLS = [
    {
        "code": CENTRE,
        "name": "东莞市民服务中心",
        "level": Hall.Level.CITY,
        "region": "441900",
        "address": "东莞市南城街道鸿福路 99 号",
        "opens_at": dt.time(9),
        "closes_at": dt.time(17),
        "translations": {
            "en": {
                "name": "Dongguan Citizen Service Centre",
                "address": "99 Hongfu Road, Nancheng, Dongguan",
            },
            "vi": {
                "name": "Trung tâm Phục vụ Công dân Đông Hoản",
                "address": "99 đường Hồng Phúc, Nam Thành, Đông Hoản",
            },
        },
        # code, prefix, name, en, vi, planned minutes, appointments per slot, arrivals per hour (history)
        "categories": [
            ("social", "A", "社保医保", "Social and medical insurance", "Bảo hiểm xã hội và y tế", 8, 4, 14),
            ("business", "B", "企业开办", "Starting a business", "Thành lập doanh nghiệp", 15, 3, 8),
            ("property", "C", "不动产登记", "Real estate registration", "Đăng ký bất động sản", 12, 3, 7),
            (
                "police",
                "D",
                "户政出入境",
                "Household and travel documents",
                "Hộ tịch và xuất nhập cảnh",
                10,
                2,
                6,
            ),
            ("fund", "E", "公积金", "Housing provident fund", "Quỹ nhà ở", 8, 2, 6),
            ("enquiry", "F", "综合咨询", "Enquiries", "Tư vấn chung", 5, 0, 6),
        ],
        # number, dedicated categories (empty: comprehensive)
        "windows": [("01", ()), ("02", ()), ("03", ()), ("04", ()), ("05", ()), ("06", ())]
        + [("07", ("business",)), ("08", ("business",)), ("09", ("property",)), ("10", ("police",))],
    },
    {
        "code": "NC-TOWN",
        "name": "南城街道便民服务中心",
        "level": Hall.Level.TOWN,
        "region": "441900003",
        "address": "东莞市南城街道宏图路 8 号",
        "opens_at": dt.time(9),
        "closes_at": dt.time(17),
        "translations": {
            "en": {"name": "Nancheng Service Centre"},
            "vi": {"name": "Trung tâm dịch vụ Nam Thành"},
        },
        "categories": [("general", "A", "综合受理", "All services", "Tất cả dịch vụ", 10, 2, 10)],
        "windows": [("01", ()), ("02", ()), ("03", ())],
    },
    {
        "code": "XH-VILLAGE",
        "name": "石龙镇西湖社区党群服务中心",
        "level": Hall.Level.VILLAGE,
        "region": "441900109001",
        "address": "东莞市石龙镇西湖社区西湖路 1 号",
        "opens_at": dt.time(9),
        "closes_at": dt.time(17),
        "break_start": dt.time(12),
        "break_end": dt.time(14),
        "translations": {
            "en": {"name": "Xihu Community Service Point"},
            "vi": {"name": "Điểm phục vụ cộng đồng Tây Hồ"},
        },
        "categories": [("general", "A", "便民服务", "All services", "Tất cả dịch vụ", 10, 1, 3)],
        "windows": [("01", ())],
    },
]
CLERKS = ["clerk", *(f"clerk{n:02d}" for n in range(2, 11))]


@transaction.atomic
def load_demo_halls() -> int:
    """Halls, categories, windows and window clerks (password `demo`); returns how many clerks were made."""
    from onewindow.core.demo_users import ensure_user

    made = sum(ensure_user(username, Role.CLERK) for username in CLERKS)
    clerks = list(User.objects.filter(username__in=CLERKS))
    for spec in HALLS:
        fields = {k: v for k, v in spec.items() if k not in {"code", "categories", "windows", "region"}}
        hall, created = Hall.objects.get_or_create(
            code=spec["code"], defaults={**fields, "region": Region.objects.get(code=spec["region"])}
        )
        if not created:
            continue
        hall.staff.add(*clerks)
        categories = {}
        for position, (code, prefix, name, en, vi, minutes, capacity, _rate) in enumerate(spec["categories"]):
            categories[code] = Category.objects.create(
                hall=hall,
                code=code,
                prefix=prefix,
                name=name,
                service_minutes=minutes,
                appointment_capacity=capacity,
                position=position,
                translations={"en": {"name": en}, "vi": {"name": vi}},
            )
        for position, (number, dedicated) in enumerate(spec["windows"]):
            window = Window.objects.create(
                hall=hall,
                number=number,
                kind=Window.Kind.DEDICATED if dedicated else Window.Kind.COMPREHENSIVE,
                position=position,
            )
            window.categories.add(*(categories[c] for c in dedicated))
    return made


REGION_ARRIVALS_PER_HOUR = 3.5  # a one-stop section of the province: a visitor every 17 minutes


def load_demo_history(days: int = 10, seed: int = 2025, hall_code: str = CENTRE) -> int:
    """Tickets for a hall's last `days` working days (the city centre's, or a province's one-stop
    section), as a first-come-first-served hall with its windows would have produced them. Only
    into a hall without tickets; returns the count."""
    hall = Hall.objects.filter(code=hall_code).first()
    if hall is None or hall.tickets.exists():
        return 0
    rng = random.Random(seed)
    categories = {c.code: c for c in hall.categories.all()}
    windows = list(hall.windows.prefetch_related("categories"))
    spec = next((s for s in HALLS if s["code"] == hall_code), None)
    if spec is not None:
        rates = {code: rate for code, *_rest, rate in spec["categories"]}
        by_name = {u.username: u for u in User.objects.filter(username__in=CLERKS)}
        clerks = {w.pk: by_name[CLERKS[int(w.number) - 1]] for w in windows}
    else:
        rates = dict.fromkeys(categories, REGION_ARRIVALS_PER_HOUR)
        staff = list(hall.staff.order_by("username"))
        clerks = {w.pk: staff[n % len(staff)] for n, w in enumerate(windows)}
    calendar = working_calendar(hall.calendar)
    day, made = clock.today(), 0
    for _ in range(days):
        day -= dt.timedelta(days=1)
        while not (calendar.knows(day) and calendar.is_working_day(day)):
            day -= dt.timedelta(days=1)
            if not calendar.knows(day):
                return made
        made += _history_day(hall, day, categories, rates, windows, clerks, rng)
    return made


def _history_day(hall, day, categories, rates, windows, clerks, rng) -> int:
    opens = timezone.make_aware(dt.datetime.combine(day, hall.opens_at))
    minutes_open = (hall.closes_at.hour - hall.opens_at.hour) * 60
    arrivals = []
    for code, rate in rates.items():
        t = rng.expovariate(rate / 60)
        while t < minutes_open:
            arrivals.append((t, code))
            t += rng.expovariate(rate / 60)
    arrivals.sort()
    free_at = {w.pk: 0.0 for w in windows}
    serves = {w.pk: w.counter([c.code for c in w.categories.all()]) for w in windows}
    sequences = {code: 0 for code in categories}
    tickets = []
    for arrived, code in arrivals:
        eligible = [
            w for w in windows if rules.may_serve(serves[w.pk], rules.Waiting(0, code, "none", opens))
        ]
        window = min(eligible, key=lambda w: (free_at[w.pk], w.position))
        called = max(arrived, free_at[window.pk])
        started = called + rng.uniform(0.3, 1.5)
        service = rng.expovariate(1 / float(categories[code].service_minutes))
        free_at[window.pk] = started + service
        sequences[code] += 1
        at = lambda minutes: opens + dt.timedelta(seconds=round(minutes * 60))  # noqa: E731
        tickets.append(
            Ticket(
                hall=hall,
                category=categories[code],
                service_date=day,
                sequence=sequences[code],
                number=rules.ticket_number(categories[code].prefix, sequences[code]),
                priority=rng.choice(["none"] * 12 + ["elderly", "disabled", "pregnant"]),
                source=Ticket.Source.KIOSK,
                status=Ticket.Status.DONE,
                arrived_at=at(arrived),
                issued_at=at(arrived),
                window=window,
                clerk=clerks[window.pk],
                called_at=at(called),
                service_started_at=at(started),
                finished_at=at(started + service),
            )
        )
    Ticket.objects.bulk_create(tickets)
    return len(tickets)


def load_region_hall_history(root: Region, days: int = 10) -> int:
    """Ticket history for every one-stop section of a further demo region."""
    from onewindow.catalog.selectors import regions_under

    halls = Hall.objects.filter(region__in=regions_under(root.code)).order_by("code")
    return sum(load_demo_history(days, seed=n, hall_code=hall.code) for n, hall in enumerate(halls))


def region_hall_code(region_code: str) -> str:
    return f"MC-{region_code}"


@transaction.atomic
def load_region_halls(root: Region) -> int:
    """A one-stop section (Bộ phận Một cửa) for every unit of a further demo region that has
    departments, with one window and its own clerk (`clerk-<region code>`, password `demo`); returns
    how many clerks were made. Running it again changes nothing."""
    from onewindow.catalog.models import Department
    from onewindow.catalog.selectors import regions_under
    from onewindow.core.demo_users import ensure_user

    made = 0
    levels = {"province": Hall.Level.CITY, "city": Hall.Level.CITY, "town": Hall.Level.TOWN}
    for region in regions_under(root.code):
        first = Department.objects.filter(region=region).order_by("position", "code").first()
        if first is None:
            continue
        username = f"clerk-{region.code.lower()}"
        made += ensure_user(username, Role.CLERK)
        hall, created = Hall.objects.get_or_create(
            code=region_hall_code(region.code),
            defaults={
                "name": f"Bộ phận Một cửa {region.name}",
                "level": levels.get(region.level, Hall.Level.VILLAGE),
                "region": region,
                "address": first.address.split(",", 1)[-1].strip() or first.address,
                "calendar": first.calendar,
                "opens_at": dt.time(7, 30),
                "closes_at": dt.time(17),
                "break_start": dt.time(11, 30),
                "break_end": dt.time(13, 30),
                "translations": {"en": {"name": f"One-stop section, {translated(region, 'name', 'en')}"}},
            },
        )
        if not created:
            continue
        hall.staff.add(User.objects.get(username=username))
        Category.objects.create(
            hall=hall,
            code="general",
            prefix="A",
            name="Tiếp nhận hồ sơ và trả kết quả",
            service_minutes=15,
            appointment_capacity=2,
            translations={"en": {"name": "Applications and results"}},
        )
        Window.objects.create(hall=hall, number="01", kind=Window.Kind.COMPREHENSIVE)
    return made
