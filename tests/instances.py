"""A real OneWindow instance beside the test process: its own data folder and database (a fresh
PostgreSQL database when the suite runs on PostgreSQL), served by `onewindow serve` (gunicorn) in a
process group the tests may stop, start again, or kill with SIGKILL. Reliability tests use it, and
browser tests that must stop the server under a page."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from onewindow.core.bench import new_postgres_database
from onewindow.integrations.receiver import free_port

ONEWINDOW = Path(sys.executable).with_name("onewindow")


class Instance:
    def __init__(self, env: dict):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def run(self, *args) -> str:
        done = subprocess.run([ONEWINDOW, *args], env=self.env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    @property
    def log(self) -> Path:
        """What the server wrote (JSON lines), appended to over restarts."""
        return Path(self.env["ONEWINDOW_DATA_DIR"]) / "serve.log"

    def start(self):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [ONEWINDOW, "serve", "--addr", f"127.0.0.1:{self.port}", "--workers", "2", "--no-migrate"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def stop(self):
        """SIGTERM: gunicorn finishes the requests under way and its workers exit."""
        if self.process:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None

    def kill(self):
        """SIGKILL to the whole process group: the master and every worker, mid-request."""
        if self.process:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def token(self, username: str) -> str:
        return self.run("token", username).split()[-1]

    def query(self, code: str):
        return json.loads(self.run("shell", "-c", f"import json; {code}").splitlines()[-1])


def region_instance(tmp_path_factory, name: str, **env_changes) -> tuple[Instance, object]:
    """An instance calling itself region `name`, with the demo catalog, users and certificates; and the
    function dropping its PostgreSQL database (None on SQLite)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ONEWINDOW_DATA_DIR"}}
    env["ONEWINDOW_DATA_DIR"] = str(tmp_path_factory.mktemp(name))
    env["ONEWINDOW_REGION_NAME"] = name
    env.update(env_changes)
    drop = None
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        env["DATABASE_URL"], drop = new_postgres_database(
            url, f"onewindow_{name.replace('-', '_')}_{os.getpid()}"
        )
    found = Instance(env)
    found.run("migrate", "--verbosity", "0")
    found.run("shell", "-c", "from onewindow.ops.demo import load_demo, load_demo_certificates; "
                             "load_demo(); load_demo_certificates()")  # fmt: skip
    return found, drop
