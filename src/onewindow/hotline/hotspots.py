"""Hot spots: topics whose tickets suddenly pile up in one place ("solve one request, then fix the
whole class of them").

Each ticket's words (jieba, stored on the ticket at registration) are its topics. For every word and
place, the tickets of the last `window` days are compared with the same word's own baseline, the
`baseline` days before: growth = (recent + 1) / (expected + 1), where expected is the baseline's
count scaled to the window. A word that is always common grows by about 1 and is never flagged;
a bus route that nobody mentioned and now twenty callers do grows by twenty. Candidates are scored
by volume × log growth, weighted up by their share of complaints and of unhappy callbacks; words
flagged for nearly the same tickets (one burst says "38路", "公交", "停运") merge into one hot spot.
A count must also be improbable under the word's usual rate (Poisson), so that a steady topic's busy
week is not a hot spot.
The pure part (`find_hot_spots`) is tested without the database.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.charts import Chart, bars
from onewindow.core.errors import FieldError, InvalidInput

WINDOW_DAYS = 7
BASELINE_DAYS = 56
MIN_RECENT = 6
MIN_GROWTH = 3.0
# Chance of so many tickets if the topic were as usual (Poisson at its baseline rate, at least
# BASELINE_FLOOR a week): thousands of word–place pairs are tested every time, so only the
# improbable counts (a steady topic's lucky week is about 1e-5).
SURPRISE = 1e-6
BASELINE_FLOOR = 0.25
COMMON_SHARE = 0.2  # words in more than this share of the baseline's tickets say nothing about a topic
SAME_TICKETS = 0.5  # two flagged words whose tickets overlap this much are one hot spot
MAX_TOPIC_WORDS = 4
EVERYWHERE = ""  # the place of a city-wide hot spot
_NUMBERED = re.compile(r"\d+[路号栋楼幢线期]")


@dataclass(frozen=True)
class TicketFacts:
    id: int
    day: dt.date
    words: frozenset[str]
    place: str
    complaint: bool = False
    unhappy: bool = False
    title_words: frozenset[str] = frozenset()  # a word of the titles names the topic best


@dataclass
class HotSpot:
    topic: list[str]
    place: str
    ticket_ids: list[int]
    recent: int
    expected: float
    growth: float
    complaint_share: float
    unhappy: int
    score: float
    places: Counter = field(default_factory=Counter)
    daily: list[tuple[dt.date, int]] = field(default_factory=list)
    in_titles: int = 0


def topic_words(text: str) -> list[str]:
    """The words of a ticket that can name a topic (two characters or more, no stop words)."""
    from onewindow.knowledge.search import words

    numbered = set(_NUMBERED.findall(text))  # 38路, 5号楼: jieba would keep only the number
    return sorted({w for w in words(text) if len(w) >= 2 and not w.isdigit()} | numbered)


def find_hot_spots(
    tickets: list[TicketFacts],
    today: dt.date,
    window: int = WINDOW_DAYS,
    baseline: int = BASELINE_DAYS,
    min_recent: int = MIN_RECENT,
    min_growth: float = MIN_GROWTH,
    top: int = 10,
) -> list[HotSpot]:
    window_start = today - dt.timedelta(days=window - 1)
    baseline_start = window_start - dt.timedelta(days=baseline)
    recent = [t for t in tickets if window_start <= t.day <= today]
    earlier = [t for t in tickets if baseline_start <= t.day < window_start]
    if not recent:
        return []
    everyone = recent + earlier
    # Words in a large share of ordinary days' tickets ("问题", "反映") name no topic; with too few
    # ordinary tickets to tell, none is left out.
    frequency = Counter(w for t in earlier for w in t.words)
    common = (
        {w for w, n in frequency.items() if n > COMMON_SHARE * len(earlier)} if len(earlier) >= 50 else set()
    )

    def keyed(rows):
        groups = defaultdict(list)
        for t in rows:
            for word in t.words - common:
                groups[(word, EVERYWHERE)].append(t)
                if t.place:
                    groups[(word, t.place)].append(t)
        return groups

    recent_groups, earlier_groups = keyed(recent), keyed(earlier)
    candidates = []
    for (word, place), rows in recent_groups.items():
        if len(rows) < min_recent:
            continue
        expected = len(earlier_groups.get((word, place), ())) * window / baseline
        growth = (len(rows) + 1) / (expected + 1)
        if growth < min_growth or poisson_tail(len(rows), max(expected, BASELINE_FLOOR)) > SURPRISE:
            continue
        complaints = sum(t.complaint for t in rows) / len(rows)
        unhappy = sum(t.unhappy for t in rows)
        score = len(rows) * math.log2(growth) * (1 + complaints) * (1 + unhappy / len(rows))
        in_titles = sum(word in t.title_words for t in rows)
        candidates.append(
            HotSpot(
                [word],
                place,
                sorted(t.id for t in rows),
                len(rows),
                round(expected, 2),
                round(growth, 2),
                round(complaints, 2),
                unhappy,
                round(score, 2),
                in_titles=in_titles,
            )
        )
    # Best first; a place-specific spot before the city-wide one of the same tickets; among words of
    # the same tickets, those of their titles first.
    candidates.sort(key=lambda s: (-s.score, s.place == EVERYWHERE, -s.in_titles, s.topic))
    merged: list[HotSpot] = []
    for candidate in candidates:
        tickets_of = set(candidate.ticket_ids)
        for spot in merged:
            shared = len(tickets_of & set(spot.ticket_ids)) / min(len(tickets_of), len(spot.ticket_ids))
            if shared >= SAME_TICKETS:
                if len(spot.topic) < MAX_TOPIC_WORDS and candidate.topic[0] not in spot.topic:
                    spot.topic.append(candidate.topic[0])
                break
        else:
            merged.append(candidate)
    by_id = {t.id: t for t in tickets}
    for spot in merged[:top]:
        spot.places = Counter(by_id[i].place or "—" for i in spot.ticket_ids)
        spot.daily = daily_counts(everyone, spot.topic[0], spot.place, baseline_start, today)
    return merged[:top]


def poisson_tail(k: int, mean: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mean)."""
    term = below = math.exp(-mean)
    for i in range(1, k):
        term *= mean / i
        below += term
    return max(0.0, 1.0 - below) if k > 0 else 1.0


def daily_counts(tickets, word: str, place: str, since: dt.date, until: dt.date) -> list[tuple[dt.date, int]]:
    counts = Counter(t.day for t in tickets if word in t.words and (place == EVERYWHERE or t.place == place))
    days = (until - since).days + 1
    return [(since + dt.timedelta(days=n), counts[since + dt.timedelta(days=n)]) for n in range(days)]


# With the database --------------------------------------------------------------------------------


def ticket_facts(since: dt.date, until: dt.date) -> list[TicketFacts]:
    from .models import Ticket

    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    rows = (
        Ticket.objects.filter(registered_at__gte=start, registered_at__lt=end)
        .exclude(status="merged")
        .values_list("id", "registered_at", "words", "region__code", "ticket_type", "satisfied", "title")
    )
    return [
        TicketFacts(
            pk,
            timezone.localdate(at),
            frozenset(words),
            region or "",
            kind == "complaint",
            satisfied is False,
            frozenset(w for w in words if w in title),
        )
        for pk, at, words, region, kind, satisfied, title in rows
    ]


def hot_spots_now(today: dt.date, window: int = WINDOW_DAYS) -> list[HotSpot]:
    """The top hot spots of the last `window` days, with their tickets, places and daily chart."""
    from onewindow.catalog.models import Region

    from .models import Ticket

    since = today - dt.timedelta(days=window + BASELINE_DAYS)
    spots = find_hot_spots(ticket_facts(since, today), today, window)
    names = dict(Region.objects.values_list("code", "name"))
    ids = {i for s in spots for i in s.ticket_ids[:20]}
    tickets = Ticket.objects.in_bulk(ids)
    for spot in spots:
        spot.tickets = [tickets[i] for i in spot.ticket_ids[:20] if i in tickets]
        spot.place_name = names.get(spot.place, _("everywhere"))
        spot.place_rows = [(names.get(code, code), n) for code, n in spot.places.most_common()]
        spot.chart = chart(spot)
    return spots


def chart(spot: HotSpot) -> Chart:
    last_four_weeks = spot.daily[-28:]
    return bars(
        [(f"{day:%m-%d}", n) for day, n in last_four_weeks],
        _("Tickets per day about %(topic)s") % {"topic": " ".join(spot.topic)},
        bar_height=12,
    )


def link_fix(user, *, topic: str, place: str, kind: str, reference: str, note: str):
    from .models import HotSpotFix

    errors = []
    if not topic.strip():
        errors.append(FieldError("topic", _("name the topic's words")))
    if kind not in HotSpotFix.Kind.values:
        errors.append(FieldError("kind", _("choose the kind of fix")))
    if not note.strip():
        errors.append(FieldError("note", _("say what was done")))
    if len(note) > 2000 or len(topic) > 200 or len(reference) > 200 or len(place) > 100:
        errors.append(FieldError("note", _("too long")))
    if errors:
        raise InvalidInput(errors)
    return HotSpotFix.objects.create(
        topic=topic.strip(),
        place=place.strip(),
        kind=kind,
        reference=reference.strip(),
        note=note.strip(),
        fixed_on=clock.today(),
        by=user,
    )


def before_and_after(topic: str, place: str, fixed_on: dt.date, today: dt.date, weeks: int = 4) -> dict:
    """Tickets of the topic (its first word) at the place, per week, `weeks` before the fix and since."""
    word = (topic.split() or [""])[0]
    since = fixed_on - dt.timedelta(weeks=weeks)
    facts = [t for t in ticket_facts(since, today) if word in t.words and (not place or t.place == place)]
    before = [
        sum(1 for t in facts if since + dt.timedelta(weeks=w) <= t.day < since + dt.timedelta(weeks=w + 1))
        for w in range(weeks)
    ]
    after_days = max(1, (today - fixed_on).days + 1)
    after_count = sum(1 for t in facts if t.day >= fixed_on)
    return {
        "before_weekly": before,
        "before_per_week": round(sum(before) / weeks, 1),
        "after": after_count,
        "after_per_week": round(after_count * 7 / after_days, 1),
    }
