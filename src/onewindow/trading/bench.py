"""`onewindow bench trading`: how long a bid guarantee takes from order to issue end to end, and how
many tenders the collusion screening gets through per second.

In a child process on its own database (SQLite, or PostgreSQL with --db): the platform serves its API
on a local port (a threaded WSGI server in this process), one `onewindow worker` process hands orders
to the reference guarantor (`onewindow guarantor serve`, its own process), which answers through the
signed API. Each order is timed from the order's commit until the issued guarantee is in the database.

The screening part scores a year of a city's tenders (synthetic bids of competitive tenders and of
rings of covering bids) with a model trained on them: the price screens, their subgroup versions and
the model's score per tender, then the whole opening-time screening (database reads, links graph,
alert) on a sample of tenders with bids in the database.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import threading
import time
import urllib.request
from decimal import Decimal

from onewindow.core.bench import figures, run_child


def run(db: str | None, guarantees: int, tenders: int) -> dict:
    return run_child("trading", ["--guarantees", str(guarantees), "--tenders", str(tenders)], db)


def _serve_platform(port: int):
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", port, get_wsgi_application(), server_class=Server, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.1)


def synthetic_tenders(count: int, rng: random.Random) -> list:
    """Competitive tenders (independent bids around the estimate) and, one in five, a ring: a
    designated winner and covering bids a few per cent above it."""
    from .model import Tender

    made = []
    for n in range(count):
        estimate = rng.uniform(1e5, 5e7)
        bidders = rng.randint(3, 12)
        if n % 5 == 0:
            winner = estimate * rng.uniform(0.9, 0.98)
            amounts = [winner] + [winner * rng.uniform(1.01, 1.06) for _ in range(bidders - 1)]
            made.append(Tender(str(n), amounts, 1))
        else:
            made.append(Tender(str(n), [estimate * rng.uniform(0.75, 1.05) for _ in range(bidders)], 0))
    return made


def _tenders_with_bids(synthetic: list, bidders: list, owner) -> list:
    """Tenders in the database with the synthetic tenders' bids (documents and all), through the services."""
    from onewindow.core import clock

    from .demo import bid_pdf
    from .services import BidInput, DocumentInput, LotInput, TenderInput, publish_tender, submit_bid

    made = []
    for number, example in enumerate(synthetic):
        tender = publish_tender(
            owner,
            TenderInput(
                project=f"Screened {number}", owner_name="Bench Owner",
                deadline=clock.now() + dt.timedelta(days=20), guarantee_amount=Decimal("100000"),
                evaluation_method="lowest_price",
                lots=[LotInput("Works", Decimal("50000000"))],
            ),
        )  # fmt: skip
        for bidder, amount in zip(bidders, example.amounts, strict=False):
            document = DocumentInput(
                "bid.pdf", bid_pdf(bidder.first_name, f"{tender.code} {bidder.username}")
            )
            address = f"10.1.{number}.{bidders.index(bidder)}"
            submit_bid(
                bidder,
                tender.code,
                BidInput(1, Decimal(f"{amount:.2f}"), address, address, documents=[document]),
            )
        made.append(tender)
    return made


def measure(guarantees: int, tenders: int) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    from onewindow.core import clock
    from onewindow.integrations.receiver import free_port

    from . import links, model, protocol, screening, screens, services
    from .demo import ensure_enterprise, uscc_of
    from .models import Guarantee, GuaranteeStatus

    call_command("migrate", interactive=False, verbosity=0)
    key_file = settings.DATA_DIR / "bench-guarantor.key"
    private, public = protocol.new_key()
    key_file.write_text(private)
    guarantor_port, platform_port = free_port(), free_port()
    guarantor = services.register_guarantor(
        code="bench-bank", name="Bench Bank", kind="bank", endpoint=f"http://127.0.0.1:{guarantor_port}",
        public_key=public, fee_rate=Decimal("0.001"), minimum_fee=Decimal("100"),
        red_list_discount=Decimal("0.8"),
    )  # fmt: skip
    # The worker process writes the callback address into each application: it must know our port.
    settings.ONEWINDOW_PUBLIC_URL = os.environ["ONEWINDOW_PUBLIC_URL"] = f"http://127.0.0.1:{platform_port}"
    server = _serve_platform(platform_port)
    command = [sys.executable, "-m", "onewindow.cli"]
    processes = [
        subprocess.Popen(
            [
                *command,
                "guarantor",
                "serve",
                "--code",
                "bench-bank",
                "--name",
                "Bench Bank",
                "--key-file",
                str(key_file),
                "--addr",
                f"127.0.0.1:{guarantor_port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),  # fmt: skip
        subprocess.Popen([*command, "worker", "--interval", "0.02"], stdout=subprocess.DEVNULL),
    ]
    try:
        _wait_for(f"http://127.0.0.1:{guarantor_port}/healthz", processes[0])
        owner = ensure_enterprise("bench-owner", uscc_of("MA0000001"), "Bench Owner")
        per_tender = 20
        bidders = [
            ensure_enterprise(f"bench-bidder-{n}", uscc_of(f"MB{n:07d}"), f"Bidder {n}")
            for n in range(per_tender)
        ]
        end_to_end, recorded = [], []
        tender = None
        for n in range(guarantees):
            if n % per_tender == 0:
                tender = services.publish_tender(
                    owner,
                    services.TenderInput(
                        project=f"Bench {n}", owner_name="Bench Owner",
                        deadline=clock.now() + dt.timedelta(days=20), guarantee_amount=Decimal("100000"),
                        evaluation_method="lowest_price",
                        lots=[services.LotInput("Works", Decimal("5000000"))],
                    ),
                )  # fmt: skip
            started = time.perf_counter()
            order = services.order_guarantee(
                bidders[n % per_tender], tender.code, guarantor.code, "62220202001"
            )
            while not Guarantee.objects.filter(pk=order.pk, status=GuaranteeStatus.ISSUED).exists():
                if time.perf_counter() - started > 30:
                    raise RuntimeError(f"guarantee {order.reference} was not issued within 30 s")
                time.sleep(0.002)
            end_to_end.append(time.perf_counter() - started)
            recorded.append(Guarantee.objects.get(pk=order.pk).issue_seconds)
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        server.shutdown()

    rng = random.Random(7)
    year = synthetic_tenders(tenders, rng)
    trained = model.ScreeningModel.train(synthetic_tenders(600, random.Random(8)))
    started = time.perf_counter()
    for tender in year:
        screens.price_screens(tender.amounts)
    screens_seconds = time.perf_counter() - started
    started = time.perf_counter()
    scores = trained.score(year)
    scored_seconds = time.perf_counter() - started
    attributes = {
        f"B{n}": {"device_id": {f"d{rng.randrange(40)}"}, "ip_address": {f"10.0.0.{rng.randrange(200)}"}}
        for n in range(12)
    }
    started = time.perf_counter()
    for _ in range(tenders):
        links.bidder_links(attributes)
    links_seconds = time.perf_counter() - started
    opened = _tenders_with_bids(year[:30], bidders, owner)
    started = time.perf_counter()
    for tender in opened:
        screening.screen_tender(tender)
    opening_seconds = time.perf_counter() - started
    return {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "guarantee_order_to_issued": figures(end_to_end),
        "guarantee_issue_seconds_recorded_mean": round(sum(recorded) / len(recorded), 3),
        "screening_tenders": tenders,
        "price_screens_tenders_per_second": round(tenders / screens_seconds, 1),
        "model_score_tenders_per_second": round(len(scores) / scored_seconds, 1),
        "links_graph_tenders_per_second": round(tenders / links_seconds, 1),
        "opening_screening_tenders_per_second": round(len(opened) / opening_seconds, 1) if opened else None,
    }
