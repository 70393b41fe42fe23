"""`onewindow bench events`: events per second from commit to delivery at a receiver.

In a child process on its own database: a department system subscribes to every event; workers
(`onewindow worker` processes, or Celery workers with --backend celery) deliver; the reference
receiver, in this process, notes when each message arrives. Each event is committed in its own
transaction, as a case action would be.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from onewindow.core.bench import figures, run_child

SUBJECTS = 50


def run(db: str | None, events: int, workers: int, backend: str) -> dict:
    args = ["--events", str(events), "--workers", str(workers), "--backend", backend]
    # The child that commits the events, and its workers, use the backend being measured.
    os.environ["ONEWINDOW_TASK_BACKEND"] = backend
    os.environ["ONEWINDOW_CELERY_QUEUE"] = f"onewindow-bench-{os.getpid()}"
    return run_child("events", args, db)


def _worker_command(backend: str, number: int) -> list[str]:
    if backend == "celery":
        return [sys.executable, "-m", "celery", "-A", "onewindow.core.celery", "worker", "--pool", "solo",
                "--loglevel", "WARNING", "-n", f"bench-{os.getpid()}-{number}@%h"]  # fmt: skip
    return [sys.executable, "-m", "onewindow.cli", "worker", "--interval", "0.05"]


def measure(events: int, workers: int, backend: str) -> dict:
    from django.core.management import call_command
    from django.db import transaction

    from onewindow.catalog.models import Department, Region
    from onewindow.core import events as outbox

    from . import receiver, services
    from .models import WebhookEndpoint

    call_command("migrate", interactive=False, verbosity=0)
    region = Region.objects.create(code="bench", name="bench", level=Region.Level.CITY)
    department = Department.objects.create(code="bench", name="bench", short_name="bench", region=region)
    client, _token = services.register_client("bench system", department.code, ["events:read"])
    endpoint = services.add_endpoint(client, "http://127.0.0.1:1/", ["*"])
    arrived: dict[str, float] = {}
    done = threading.Event()

    def on_message(msg_id, message):
        arrived[msg_id] = time.monotonic()
        if len(arrived) >= events:
            done.set()

    port = receiver.free_port()
    server = receiver.serve("127.0.0.1", port, [endpoint.secret], on_message)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"http://127.0.0.1:{port}/")
    env = dict(os.environ)
    processes = [
        subprocess.Popen(
            _worker_command(backend, n), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for n in range(workers)
    ]
    committed: dict[str, float] = {}
    try:
        time.sleep(2)  # the workers start
        started = time.monotonic()
        for n in range(events):
            with transaction.atomic():
                event = outbox.record(
                    "bench.ping", subject=f"case:{n % SUBJECTS}", payload={"n": n}, department=department.code
                )
            committed[f"msg_{event.pk}"] = time.monotonic()
        produced = time.monotonic() - started
        finished = done.wait(timeout=max(60, events / 20))
        last = max(arrived.values(), default=started)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        server.shutdown()
    latencies = [arrived[key] - committed[key] for key in committed if key in arrived]
    return {
        "benchmark": "events",
        "backend": backend,
        "workers": workers,
        "events": events,
        "delivered": len(arrived),
        "complete": finished,
        "produced_per_second": round(events / produced, 1),
        "delivered_per_second": round(len(arrived) / (last - started), 1) if arrived else 0,
        "commit_to_receiver": {k: v for k, v in figures(latencies).items() if k != "per_second"},
    }
