"""`onewindow bench intake|read|list`: load on a real server process (`onewindow serve`) from this
separate process, with two floors measured in the same run:

- the framework floor: the same load on `GET /api/v1/ping` of the same server (no database);
- the database floor: the same database work done directly with psycopg, by as many threads.

Each prints requests per second, p50/p95/p99 latency and errors; the ratios say how far the
endpoint is above its floors. `cpu_ms_per_request` says where the machine's time went (Linux): the
app server's processes, PostgreSQL's and this load generator's CPU time over the run, per request;
`machine_ms_per_request` is what the machine had per request (cores × seconds / requests).

PostgreSQL only (`--db`); run `onewindow seed` on it first for a big database (the figures in
docs/performance.md use 1,000,000 cases).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from .bench import figures

ONEWINDOW = Path(sys.executable).with_name("onewindow")
VALID_ID = "11010519491231002X"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: str, workers: int, threads: int):
        self.folder = tempfile.TemporaryDirectory(prefix="onewindow-load-")
        self.env = {**os.environ, "DATABASE_URL": db, "ONEWINDOW_DATA_DIR": self.folder.name}
        self.port, self.workers, self.threads = _port(), workers, threads
        self.process = None

    def run(self, *args) -> str:
        return subprocess.run(
            [ONEWINDOW, *args], env=self.env, capture_output=True, text=True, check=True
        ).stdout

    def __enter__(self):
        self.run("demo", "--no-serve", "--history-weeks", "0")
        command = [ONEWINDOW, "serve", "--no-migrate", "--addr", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            [*command, "--workers", str(self.workers), "--threads", str(self.threads)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/api/v1/ping")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait()
        self.folder.cleanup()


def cpu_seconds(stat_lines: dict[int, str], app_group: int | None) -> dict[str, float]:
    """CPU seconds (user + system) of the app server's process group and of PostgreSQL's processes,
    from `/proc/<pid>/stat` lines. The command name is in parentheses and may hold spaces."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {"app": 0.0, "database": 0.0}
    for line in stat_lines.values():
        name = line[line.index("(") + 1 : line.rindex(")")]
        fields = line[line.rindex(")") + 2 :].split()
        # After the name: state, ppid, pgrp, …; utime and stime are the 14th and 15th fields overall.
        group, used = int(fields[2]), (int(fields[11]) + int(fields[12])) / ticks
        if app_group is not None and group == app_group:
            found["app"] += used
        elif name == "postgres":
            found["database"] += used
    return found


def _stat_lines() -> dict[int, str]:
    lines = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if entry.name.isdigit():
            try:
                lines[int(entry.name)] = (entry / "stat").read_text()
            except OSError:  # the process ended meanwhile
                continue
    return lines


class _Machine:
    """CPU time spent over a load run, by the app server, PostgreSQL and this process."""

    def __init__(self, app_group: int | None):
        self.app_group = app_group

    def __enter__(self):
        self.started = self._now()
        return self

    def __exit__(self, *exc):
        self.spent = {key: value - self.started[key] for key, value in self._now().items()}

    def _now(self) -> dict[str, float]:
        found = cpu_seconds(_stat_lines(), self.app_group)
        own = os.times()
        found["load"] = own.user + own.system
        return found

    def per_request(self, requests: int) -> dict[str, float]:
        spent = {key: round(value * 1000 / requests, 2) for key, value in self.spent.items()}
        spent["total"] = round(sum(self.spent.values()) * 1000 / requests, 2)
        return spent


def _load(seconds: float, concurrency: int, one_request, app_group: int | None = None) -> dict:
    """Closed loop: `concurrency` threads, each sending its next request when the last one answered."""
    latencies: list[float] = []
    errors = [0]
    first_error: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    # Kept past the run: a client's connection closes with its state, and PostgreSQL's process for it
    # must still be there when the CPU time is read.
    states = [{"n": n, "rng": random.Random(n)} for n in range(concurrency)]

    def client(n: int):
        state = states[n]
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                ok = one_request(state)
            except Exception as error:  # noqa: BLE001 - a dropped connection is an error of the run, counted
                ok = False
                state.pop("connection", None)
                first_error[:] = first_error or [f"{type(error).__name__}: {error}"[:300]]
            mine.append(time.perf_counter() - started)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    with _Machine(app_group) as machine:
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    found = figures(latencies)
    found["per_second"] = round(len(latencies) / elapsed, 1)
    found["errors"] = errors[0]
    if latencies and Path("/proc/self/stat").exists():
        found["cpu_ms_per_request"] = machine.per_request(len(latencies))
        found["machine_ms_per_request"] = round((os.cpu_count() or 1) * elapsed * 1000 / len(latencies), 2)
    if first_error:
        found["first_error"] = first_error[0]
    return found


class _Connection:
    """A lean HTTP/1.1 client for the load: the requests are bytes made once, the answers are read by
    their Content-Length, the connection is kept open when the server keeps it (http.client spent
    more CPU than the framework floor's server on these two cores)."""

    def __init__(self, port: int):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.open = True

    def exchange(self, request: bytes) -> int:
        self.socket.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        headers = dict(line.split(b":", 1) for line in lines[1:])
        headers = {name.strip().lower(): value.strip() for name, value in headers.items()}
        length = int(headers.get(b"content-length", b"0"))
        while len(self.buffer) < length:
            self._receive()
        self.buffer = self.buffer[length:]
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return int(lines[0].split()[1])

    def _receive(self):
        chunk = self.socket.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def close(self):
        self.open = False
        self.socket.close()


def _request_bytes(method: str, target: str, body: bytes | None, headers: dict) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def _http(server: Server, method: str, path, body=None, headers=None, expect=200):
    def send(state) -> bool:
        connection = state.get("connection")
        if connection is None or not connection.open:
            connection = state["connection"] = _Connection(server.port)
        payload = body(state) if callable(body) else body
        request_headers = dict(headers or {})
        if payload:
            request_headers["Content-Type"] = "application/json"
        if "key" in state:
            request_headers["Idempotency-Key"] = state.pop("key")
        target = path(state) if callable(path) else path
        encoded = json.dumps(payload).encode() if payload else None
        return connection.exchange(_request_bytes(method, target, encoded, request_headers)) == expect

    return send


def _ratio(a, b):
    return round(a / b, 2) if b else None


def run(kind: str, db: str, seconds: float, concurrency: int, workers: int, threads: int) -> dict:
    import psycopg

    if not db.startswith(("postgres://", "postgresql://")):
        raise ValueError("--db takes a postgres:// URL")
    with psycopg.connect(db, autocommit=True) as connection:
        # As autovacuum leaves a settled table: counts can then read the index alone.
        connection.execute("VACUUM ANALYZE cases_case")
        sample = [
            row[0] for row in connection.execute("SELECT id FROM cases_case ORDER BY random() LIMIT 2000")
        ]
        departments = [row[0] for row in connection.execute("SELECT code FROM catalog_department")]
        case_count = connection.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    with Server(db, workers, threads) as server:
        tokens = {name: server.run("token", name).split()[-1] for name in ("citizen", "supervisor")}
        auth = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
        framework = _load(seconds, concurrency, _http(server, "GET", "/api/v1/ping"), server.process.pid)
        if kind == "intake":

            def body(state):
                state["key"] = f"bench-{uuid.uuid4()}"
                applicant = {"name": state["key"][:40], "id_type": "resident_id", "id_number": VALID_ID}
                return {
                    "item": "GA-002",
                    "channel": "online",
                    "answers": {"basis": "job"},
                    "applicant": applicant,
                }

            send = _http(server, "POST", "/api/v1/cases", body, auth["citizen"], 201)
        elif kind == "read":

            def path(state):
                return f"/api/v1/cases/{state['rng'].choice(sample)}"

            send = _http(server, "GET", path, headers=auth["supervisor"])
        else:

            def path(state):
                return (
                    f"/api/v1/cases?department={state['rng'].choice(departments)}&status=in_review&limit=50"
                )

            send = _http(server, "GET", path, headers=auth["supervisor"])
        target = _load(seconds, concurrency, send, server.process.pid)
    database = _database_floor(kind, db, seconds, concurrency, sample)
    return {
        "benchmark": kind,
        "cases": case_count,
        "seconds": seconds,
        "concurrency": concurrency,
        "workers": workers,
        "threads": threads,
        **target,
        "framework_floor": framework,
        "database_floor": database,
        "p95_over_framework_floor": _ratio(target["p95_ms"], framework["p95_ms"]),
        "p95_over_database_floor": _ratio(target["p95_ms"], database["p95_ms"]),
        "rate_share_of_framework_floor": _ratio(target["per_second"], framework["per_second"]),
    }


INSERT_CASE = (
    "INSERT INTO cases_case (number, tracking_token, item_id, department_id, channel, status, "
    "applicant_name, applicant_id_type, applicant_id_number, applicant_phone, applicant_email, answers, "
    "review_steps, step, suspended_from, waiting_for, submitted_at, extension_days, promised_days, "
    "immediate, delivery_method, pickup_code, tracking_number, supplement_requests, materials_total, "
    "materials_shared, materials_digitised, due_date_provisional) "
    "SELECT %s, %s, id, department_id, 'online', 'submitted', 'x', 'resident_id', %s, '', '', '{}', '[]', 0, "
    "'', '[]', now(), 0, promised_days, immediate, '', '', '', 0, 0, 0, 0, false "
    "FROM catalog_serviceitem WHERE code = 'GA-002' AND status = 'published' RETURNING id"
)
INSERT_MATERIALS = (
    "INSERT INTO cases_casematerial (case_id, code, name, required, status, data, checks, file, sha256, "
    "attestation) SELECT %s, code, name, required, 'missing', '{}', '[]', '', '', '' "
    "FROM catalog_material WHERE "
    "item_id = (SELECT id FROM catalog_serviceitem WHERE code = 'GA-002' AND status = 'published')"
)
INSERT_EVENT = (
    "INSERT INTO cases_caseevent (case_id, at, actor_role, action, from_status, to_status, note, data) "
    "VALUES (%s, now(), 'citizen', 'submit', '', 'submitted', '', '{}')"
)


def _database_floor(kind: str, db: str, seconds: float, concurrency: int, sample: list[int]) -> dict:
    """The endpoint's essential SQL, straight through psycopg (one connection per thread)."""
    import psycopg

    made: list[int] = []

    def work(state) -> bool:
        connection = state.get("db")
        if connection is None:
            connection = state["db"] = psycopg.connect(db)
            state["departments"] = [row[0] for row in connection.execute("SELECT id FROM catalog_department")]
            connection.rollback()
        rng = state["rng"]
        if kind == "read":
            case_id = rng.choice(sample)
            connection.execute("SELECT * FROM cases_case WHERE id = %s", [case_id]).fetchall()
            connection.execute("SELECT * FROM cases_casematerial WHERE case_id = %s", [case_id]).fetchall()
            events = "SELECT * FROM cases_caseevent WHERE case_id = %s ORDER BY at, id"
            connection.execute(events, [case_id]).fetchall()
            connection.rollback()
        elif kind == "list":
            department = rng.choice(state["departments"])
            where = "department_id = %s AND status = 'in_review'"
            connection.execute(f"SELECT count(*) FROM cases_case WHERE {where}", [department]).fetchone()
            page = f"SELECT * FROM cases_case WHERE {where} ORDER BY id DESC LIMIT 51"
            connection.execute(page, [department]).fetchall()
            connection.rollback()
        else:
            with connection.transaction():
                number = f"floor-{uuid.uuid4().hex[:24]}"
                case_id = connection.execute(
                    INSERT_CASE, [number, uuid.uuid4().hex[:16], VALID_ID]
                ).fetchone()[0]
                connection.execute(INSERT_MATERIALS, [case_id])
                connection.execute(INSERT_EVENT, [case_id])
            made.append(case_id)
        return True

    found = _load(seconds, concurrency, work)
    if made:  # the floor's own rows go again, outside the timing
        with psycopg.connect(db) as connection:
            for table in ("cases_caseevent", "cases_casematerial"):
                connection.execute(f"DELETE FROM {table} WHERE case_id = ANY(%s)", [made])
            connection.execute("DELETE FROM cases_case WHERE id = ANY(%s)", [made])
    return found
