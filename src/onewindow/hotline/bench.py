"""`onewindow bench hotline`: ticket registration (routing included), dispatch, and the model's
predictions per second, in a child process on its own database (SQLite, or PostgreSQL with --db)."""

from __future__ import annotations

import random
import time

from onewindow.core.bench import figures, run_child


def run(db: str | None, tickets: int, seed: int) -> dict:
    return run_child("hotline", ["--tickets", str(tickets), "--seed", str(seed)], db)


def measure(tickets: int, seed: int) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    from onewindow.cases.notifications import notices_held_back
    from onewindow.core.models import User
    from onewindow.ops.demo import load_demo

    from . import demo, services
    from .models import CategoryRoute, HotlineSettings
    from .routing import RoutingModel

    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    demo.load_routes()
    rng = random.Random(seed)
    model = RoutingModel.train(demo.example_messages(rng))
    model.save(settings.HOTLINE_MODEL_DIR)
    CategoryRoute.objects.update(keywords="")  # every ticket goes through the model
    agent = User.objects.get(username="agent")
    departments = list(CategoryRoute.objects.values_list("department__code", flat=True))
    messages = [
        (category, *rng.choice(rows)) for category, rows in demo.MESSAGES.items() for _ in range(tickets)
    ]
    rng.shuffle(messages)
    messages = messages[:tickets]

    def timed_registrations(into: list) -> list:
        made = []
        for _category, ticket_type, title, body in messages:
            data = services.TicketInput(
                ticket_type=ticket_type,
                title=title,
                body=body.format(place="南城", n=3),
                caller_phone="13800000000",
            )
            started = time.perf_counter()
            made.append(services.register(data, agent))
            into.append(time.perf_counter() - started)
        return made

    routed, waiting, dispatch = [], [], []
    with notices_held_back():
        auto = timed_registrations(routed)  # the model dispatches those it is sure of
        HotlineSettings.objects.update_or_create(pk=1, defaults={"auto_dispatch_threshold": 1.0})
        by_hand = timed_registrations(waiting)  # every one waits for an agent
        for ticket in by_hand:
            started = time.perf_counter()
            services.act(ticket, "dispatch", agent, department=rng.choice(departments))
            dispatch.append(time.perf_counter() - started)

    batch = [{"title": t, "body": b.format(place="南城", n=3)} for _c, _t, t, b in messages]
    started = time.perf_counter()
    model.predict(batch)
    batch_seconds = time.perf_counter() - started
    single = []
    for message in batch[:200]:
        started = time.perf_counter()
        model.predict([message])
        single.append(time.perf_counter() - started)
    return {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "register_and_route": figures(routed),
        "auto_dispatched_share": round(sum(t.status == "dispatched" for t in auto) / len(auto), 3),
        "register_waiting": figures(waiting),
        "dispatch_by_agent": figures(dispatch),
        "predict_batch_per_second": round(len(batch) / batch_seconds, 1),
        "predict_one": figures(single),
    }
