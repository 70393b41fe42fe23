import os
from pathlib import Path

import pytest

from onewindow.core.loadbench import cpu_seconds

TICKS = os.sysconf("SC_CLK_TCK")


def stat_line(pid: int, name: str, group: int, user_ticks: int, system_ticks: int) -> str:
    # The layout of /proc/<pid>/stat (proc(5)): pid (comm) state ppid pgrp session tty tpgid flags
    # minflt cminflt majflt cmajflt utime stime cutime cstime …
    return (
        f"{pid} ({name}) S 1 {group} {group} 0 -1 4194304 10 0 0 0 {user_ticks} {system_ticks} 7 7 20 0 1 0"
    )


def test_cpu_is_summed_per_app_group_and_postgres_processes():
    lines = {
        10: stat_line(10, "gunicorn", 10, 100, 50),
        11: stat_line(11, "gunicorn: worker", 10, 3 * TICKS, TICKS),
        20: stat_line(20, "postgres", 20, TICKS, 0),
        21: stat_line(21, "postgres", 20, 2 * TICKS, TICKS),
        30: stat_line(30, "python (x) y", 30, 9 * TICKS, 0),  # neither: ignored, odd name and all
    }

    found = cpu_seconds(lines, app_group=10)

    assert found["app"] == pytest.approx(150 / TICKS + 4)
    assert found["database"] == pytest.approx(4)


def test_without_an_app_group_only_postgres_counts():
    lines = {1: stat_line(1, "postgres", 1, TICKS, 0), 2: stat_line(2, "gunicorn", 2, TICKS, 0)}

    assert cpu_seconds(lines, app_group=None) == {"app": 0.0, "database": 1.0}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc")
def test_reads_this_process_real_stat_line():
    burn = sum(i * i for i in range(3_000_000))  # enough CPU for a few clock ticks
    assert burn

    found = cpu_seconds({os.getpid(): Path("/proc/self/stat").read_text()}, app_group=os.getpgrp())

    used = os.times()
    assert 0 < found["app"] <= used.user + used.system + 0.02
