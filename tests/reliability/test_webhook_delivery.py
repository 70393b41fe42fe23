"""Webhook deliveries survive crashes: real `onewindow worker` and `onewindow webhook-receiver`
processes, killed with SIGKILL in the middle of a batch. The receiver must end up with every event
exactly once (by webhook-id), and each case's events in order."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from onewindow.core.bench import new_postgres_database
from onewindow.integrations.receiver import free_port

from ..instances import ONEWINDOW, Instance

CELERY = ONEWINDOW.with_name("celery")

EVENTS = 300
SUBJECTS = 12


class Pipeline(Instance):
    """An instance with a department system subscribed to everything, workers and a receiver."""

    def __init__(self, env, folder: Path):
        super().__init__(env)
        self.folder = folder
        self.receiver_port = free_port()
        self.out = folder / "received.jsonl"
        added = self.run(
            "client", "add", "HR system", "--department", "rsj", "--webhook",
            f"http://127.0.0.1:{self.receiver_port}/hooks", "--types", "*",
        )  # fmt: skip
        self.secret = added.split("secret: ")[1].split()[0]
        self.workers: list[subprocess.Popen] = []
        self.receiver = None

    def start_worker(self):
        if self.env["ONEWINDOW_TASK_BACKEND"] == "celery":
            command = [
                CELERY,
                "-A",
                "onewindow.core.celery",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "-n",  # a node name of its own: tests run side by side on one broker
                f"{self.env['ONEWINDOW_CELERY_QUEUE']}-{len(self.workers)}@%h",
            ]
        else:
            command = [ONEWINDOW, "worker", "--interval", "0.05"]
        self.workers.append(self._spawn(*command))

    def start_receiver(self):
        self.receiver = self._spawn(
            "webhook-receiver",
            "--port",
            str(self.receiver_port),
            "--secret",
            self.secret,
            "--out",
            str(self.out),
        )

    def _spawn(self, *command):
        """`onewindow COMMAND …`, or another program given by its full path; logged to NAME.log."""
        if not str(command[0]).startswith("/"):
            command = (ONEWINDOW, *command)
        log = (self.folder / f"{Path(command[0]).name}-{command[1]}.log").open("ab")
        return subprocess.Popen(command, env=self.env, stdout=log, stderr=log, start_new_session=True)

    @staticmethod
    def kill(process):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def produce(self, count: int, start: int = 0):
        self.run("shell", "-c", (
            "from django.db import transaction\n"
            "from onewindow.core import events\n"
            f"for n in range({start}, {start + count}):\n"
            "    with transaction.atomic():\n"
            f"        subject = f'case:{{n % {SUBJECTS}}}'\n"
            "        events.record('case.test', subject=subject, payload={'n': n}, department='rsj')\n"
        ))  # fmt: skip

    def received(self) -> list[dict]:
        if not self.out.exists():
            return []
        lines = []
        for line in self.out.read_text(encoding="utf-8").splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue  # a line torn by SIGKILL: the message comes again
        return lines

    def wait_for(self, count: int, seconds: float = 90) -> list[dict]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            received = self.received()
            if len({m["webhook_id"] for m in received}) >= count:
                return received
            time.sleep(0.2)
        return self.received()

    def stop_all(self):
        for process in [*self.workers, self.receiver]:
            if process is not None and process.poll() is None:
                self.kill(process)


def broker_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture(params=["database", "celery"])
def pipeline(tmp_path, request):
    if (
        request.param == "celery"
        and not broker_reachable()
        and not os.environ.get("ONEWINDOW_REQUIRE_BROKER")
    ):
        pytest.skip("no RabbitMQ on 127.0.0.1:5672 (CI starts it and sets ONEWINDOW_REQUIRE_BROKER=1)")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ONEWINDOW_DATA_DIR"}}
    env.update(
        ONEWINDOW_DATA_DIR=str(tmp_path),
        ONEWINDOW_TASK_BACKEND=request.param,
        # Celery on the RabbitMQ of this machine, on a queue of this test's own.
        ONEWINDOW_CELERY_QUEUE=f"onewindow-test-{os.getpid()}-{tmp_path.name}",
        ONEWINDOW_WORKER_LEASE_SECONDS="2",  # a killed worker's task is given back within seconds
        ONEWINDOW_WEBHOOK_LEASE_SECONDS="2",
        ONEWINDOW_WEBHOOK_RETRY_BASE_SECONDS="0.2",
        ONEWINDOW_WEBHOOK_RETRY_CAP_SECONDS="1",
        ONEWINDOW_WEBHOOK_MAX_ATTEMPTS="1000",
    )
    url, drop = os.environ.get("DATABASE_URL", ""), None
    if url.startswith("postgres"):
        env["DATABASE_URL"], drop = new_postgres_database(url, f"onewindow_webhooks_{os.getpid()}")
    Instance(env).run("demo", "--no-serve", "--history-weeks", "0")
    found = Pipeline(env, tmp_path)
    yield found
    found.stop_all()
    if drop:
        drop()


def assert_each_event_once_and_in_order(received: list[dict]):
    ids = [m["webhook_id"] for m in received]
    assert len(ids) == len(set(ids)), "the receiver handed on a message twice"
    numbers = sorted(m["data"]["n"] for m in received)
    assert numbers == list(range(EVENTS)), "events are missing"
    for subject in range(SUBJECTS):
        in_arrival = [m["data"]["n"] for m in received if m["data"]["subject"] == f"case:{subject}"]
        assert in_arrival == sorted(in_arrival), f"case:{subject} arrived out of order"


def test_a_worker_killed_mid_batch_loses_and_repeats_nothing(pipeline):
    pipeline.start_receiver()
    pipeline.produce(EVENTS)
    pipeline.start_worker()
    pipeline.wait_for(40, seconds=60)
    pipeline.kill(pipeline.workers[0])  # SIGKILL in the middle of the batch
    halfway = len(pipeline.received())
    assert 0 < halfway < EVENTS
    pipeline.start_worker()
    received = pipeline.wait_for(EVENTS)
    assert_each_event_once_and_in_order(received)


def test_a_receiver_down_for_a_while_gets_everything_afterwards_once(pipeline):
    pipeline.start_receiver()
    pipeline.start_worker()
    pipeline.produce(100)
    pipeline.wait_for(20, seconds=60)
    pipeline.kill(pipeline.receiver)  # the department's system goes away mid-batch
    pipeline.produce(EVENTS - 100, start=100)
    time.sleep(4)  # deliveries fail and back off meanwhile
    assert len(pipeline.received()) < EVENTS
    pipeline.start_receiver()
    received = pipeline.wait_for(EVENTS)
    assert_each_event_once_and_in_order(received)
