"""Hot spots: a planted burst is found among months of steady topics, which are never flagged."""

import datetime as dt
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.hotline.hotspots import TicketFacts, find_hot_spots

TODAY = dt.date(2026, 11, 30)
STEADY = [
    ({"社保", "缴费", "断缴"}, "441900003"),
    ({"物业", "收费", "电梯"}, "441900109"),
    ({"噪音", "施工", "夜间"}, "441900003"),
    ({"学校", "学位", "入学"}, "441900109"),
    ({"医院", "挂号", "排队"}, "441900003"),
]


def months_of_steady_tickets(rng, days=120, per_day=6):
    tickets, n = [], 0
    for back in range(days):
        day = TODAY - dt.timedelta(days=back)
        for _ in range(rng.randint(per_day - 2, per_day + 2)):
            words, place = rng.choice(STEADY)
            n += 1
            tickets.append(TicketFacts(n, day, frozenset(words | {"问题"}), place, rng.random() < 0.3))
    return tickets


def burst(start_id, count=18, days=5, place="441900109001"):
    words = frozenset({"38路", "公交", "停运", "问题"})
    return [
        TicketFacts(start_id + i, TODAY - dt.timedelta(days=i % days), words, place, True, i % 4 == 0)
        for i in range(count)
    ]


def test_the_planted_spike_comes_first_and_steady_topics_are_not_flagged():
    rng = random.Random(7)
    steady = months_of_steady_tickets(rng)
    spots = find_hot_spots(steady + burst(100000), TODAY)
    assert spots, "the spike was not found"
    top = spots[0]
    assert set(top.topic) >= {"38路", "公交"} and top.place == "441900109001"
    assert top.recent == 18 and top.growth > 10 and top.complaint_share == 1.0
    assert len(top.daily) == 7 + 56 and sum(n for _d, n in top.daily) == 18
    flagged_words = {w for s in spots for w in s.topic}
    assert not flagged_words & {w for words, _p in STEADY for w in words}
    assert find_hot_spots(steady, TODAY) == []


def test_a_topic_as_busy_last_month_as_now_is_no_hot_spot():
    rng = random.Random(3)
    steady = months_of_steady_tickets(rng)
    # The same burst every week for two months: its own baseline explains it.
    recurring = []
    for week in range(9):
        recurring += [
            TicketFacts(200000 + week * 100 + i, TODAY - dt.timedelta(days=week * 7 + i % 7),
                        frozenset({"供暖", "不热"}), "441900003")
            for i in range(6)
        ]  # fmt: skip
    assert not [s for s in find_hot_spots(steady + recurring, TODAY) if "供暖" in s.topic]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=4))
def test_steady_random_traffic_is_never_flagged(seed, per_day):
    rng = random.Random(seed)
    assert find_hot_spots(months_of_steady_tickets(rng, days=70, per_day=per_day + 2), TODAY) == []


@pytest.mark.django_db
def test_the_hot_spots_page_lists_the_spike_with_its_tickets_and_records_a_fix(client, routes, today):
    from onewindow.hotline import services

    today.set(dt.date(2025, 3, 3))
    for i in range(8):
        services.register(services.TicketInput(
            ticket_type="complaint", title=f"38路公交停运 {i}", body="38路公交车连续几天停运，没有任何通知。",
            region="441900109001"))  # fmt: skip
    client.force_login(
        __import__("onewindow.core.models", fromlist=["User"]).User.objects.get(username="supervisor")
    )
    page = client.get("/hotline/hot-spots/")
    text = page.content.decode()
    assert page.status_code == 200 and "38路" in text and "38路公交停运 0" in text
    fixed = client.post("/hotline/hot-spots/fix/", {"topic": "38路 公交", "kind": "note", "note": "恢复运营"})
    assert fixed.status_code == 302
    assert "恢复运营" in client.get("/hotline/hot-spots/").content.decode()
    assert client.post("/hotline/hot-spots/fix/", {"topic": "", "kind": "x", "note": ""}).status_code == 302


def test_poisson_tail_matches_the_definition():
    from onewindow.hotline.hotspots import poisson_tail

    assert poisson_tail(0, 3.0) == 1.0
    assert abs(poisson_tail(1, 2.0) - (1 - math.exp(-2))) < 1e-12
    assert abs(poisson_tail(17, 4.75) - 1.0475365559221383e-05) < 1e-12
    assert poisson_tail(26, 0.25) < 1e-30
