"""The demo's background processes: one `onewindow worker` and one `onewindow scheduler` beside the web
server (and the reference guarantors the trading demo talks to), stopped with it, so that a new user
needs nothing else."""

from __future__ import annotations

import atexit
import signal
import subprocess
import sys

from onewindow.core.tasks import queues_in_database


def start(announce, extra: list[list[str]] = ()) -> list[subprocess.Popen]:
    commands = [["scheduler"], *extra]
    if queues_in_database():
        commands.insert(0, ["worker"])
    else:
        announce("Tasks go to Celery: start its workers yourself (docs/operations.md)")
    processes = [
        subprocess.Popen([sys.executable, "-m", "onewindow.cli", *command], stdout=subprocess.DEVNULL)
        for command in commands
    ]
    started = ", ".join(
        f"{command[0]} (pid {process.pid})" for command, process in zip(commands, processes, strict=True)
    )
    announce(f"Background: {started}")
    atexit.register(stop, processes)
    # `kill` (SIGTERM) would end this process without atexit: exit properly so the children stop too.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
