import io
import json
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onewindow.hall import queueing
from onewindow.hall.queueing import erlang_c, simulate


def test_one_window_is_the_m_m_1_queue():
    figures = erlang_c(arrivals_per_hour=3, service_minutes=15, windows=1)  # rho = 0.75, mu = 4/h
    assert figures.p_wait == pytest.approx(0.75)
    assert figures.mean_wait_minutes == pytest.approx(45)


def test_erlang_c_matches_the_factorial_formula():
    arrivals, minutes, windows = 50, 10, 10
    load = arrivals * minutes / 60
    top = load**windows / math.factorial(windows) * windows / (windows - load)
    expected = top / (sum(load**k / math.factorial(k) for k in range(windows)) + top)
    assert erlang_c(arrivals, minutes, windows).p_wait == pytest.approx(expected)


def test_an_overloaded_hall_is_an_error():
    with pytest.raises(ValueError, match="grow without end"):
        erlang_c(arrivals_per_hour=60, service_minutes=10, windows=10)
    with pytest.raises(ValueError):
        erlang_c(0, 10, 1)


@pytest.mark.parametrize(("arrivals", "minutes", "windows"), [(50, 10, 10), (20, 6, 3), (100, 12, 22)])
def test_the_simulation_agrees_with_erlang_c_within_five_percent(arrivals, minutes, windows):
    exact = erlang_c(arrivals, minutes, windows)
    simulated = simulate(arrivals, minutes, windows, hours=3000, seed=11)
    assert simulated.mean_wait_minutes == pytest.approx(exact.mean_wait_minutes, rel=0.05)
    assert simulated.p_wait == pytest.approx(exact.p_wait, rel=0.05)
    assert simulated.served > 0.8 * arrivals * 3000


def test_the_simulation_is_repeatable_and_takes_other_service_times():
    assert simulate(30, 8, 5, hours=200, seed=3) == simulate(30, 8, 5, hours=200, seed=3)
    constant = simulate(30, 8, 5, hours=1000, seed=3, service_time=lambda rng: 8.0)
    random_times = simulate(30, 8, 5, hours=1000, seed=3)
    assert constant.mean_wait_minutes < random_times.mean_wait_minutes  # less variance, shorter waits


def test_cli_prints_json_and_names_bad_input():
    out = io.StringIO()
    call_command(
        "hall",
        "erlang",
        "--arrivals-per-hour",
        "50",
        "--service-minutes",
        "10",
        "--windows",
        "10",
        stdout=out,
    )
    figures = json.loads(out.getvalue())
    assert set(figures) == {"method", "mean_wait_minutes", "p_wait", "utilisation"}
    out = io.StringIO()
    call_command(
        "hall",
        "simulate",
        "--arrivals-per-hour",
        "50",
        "--service-minutes",
        "10",
        "--windows",
        "10",
        "--hours",
        "200",
        "--seed",
        "2",
        stdout=out,
    )
    assert json.loads(out.getvalue())["served"] > 0
    with pytest.raises(CommandError, match="grow without end"):
        call_command(
            "hall", "erlang", "--arrivals-per-hour", "80", "--service-minutes", "10", "--windows", "10"
        )


def test_a_whole_hall_of_comprehensive_windows_matches_erlang_c():
    # One category open around the clock for two days at a time: close to the steady state Erlang C assumes.
    model = queueing.HallModel(
        opens_hour=0,
        arrivals={"A": [50.0] * 48},
        service={"A": queueing.ServiceTime(10.0)},
        windows=[queueing.WindowModel(f"{n:02d}", None) for n in range(10)],
    )
    simulated = queueing.simulate_hall(model, days=30, seed=3)
    expected = queueing.erlang_c(50, 10, 10)
    assert simulated["mean_wait_minutes"] == pytest.approx(expected.mean_wait_minutes, rel=0.1)
    assert simulated["categories"]["A"]["served"] == simulated["served"]


def test_dedicated_windows_only_serve_their_category_and_the_what_if_changes_them():
    model = queueing.HallModel(
        opens_hour=9,
        arrivals={"A": [20.0] * 8, "B": [2.0] * 8},
        service={"A": queueing.ServiceTime(10.0), "B": queueing.ServiceTime.observed([5, 10, 15])},
        windows=[queueing.WindowModel("01", None), queueing.WindowModel("02", frozenset({"B"})),
                 queueing.WindowModel("03", frozenset({"B"})), queueing.WindowModel("04", None),
                 queueing.WindowModel("05", None)],
    )  # fmt: skip
    before = queueing.simulate_hall(model, days=20, seed=5)
    after = queueing.simulate_hall(model.with_comprehensive(["02", "03"]), days=20, seed=5)
    # Three windows for 3.3 erlangs of A is overloaded; five windows for both queues is not.
    assert after["categories"]["A"]["mean_wait_minutes"] < before["categories"]["A"]["mean_wait_minutes"] / 3
    with pytest.raises(ValueError, match="no window 99"):
        model.with_comprehensive(["99"])
    unserved = queueing.HallModel(
        9, {"C": [1.0]}, {"C": queueing.ServiceTime(5)}, [queueing.WindowModel("01", frozenset({"A"}))]
    )
    with pytest.raises(ValueError, match="no window serves it"):
        queueing.simulate_hall(unserved)


def test_the_pre_review_scenario_reproduces_dongguans_waits():
    """Dongguan: 审前服务推行后，群众办事平均等候时长从10.1分钟降至6.88分钟 (seed 001), under the
    assumptions written in PreReviewScenario; the same run as `onewindow hall pre-review`."""
    out = io.StringIO()
    call_command("hall", "pre-review", stdout=out)
    result = json.loads(out.getvalue())
    assert result["before"]["mean_wait_minutes"] == pytest.approx(10.1, abs=0.3)
    assert result["after"]["mean_wait_minutes"] == pytest.approx(6.88, abs=0.3)
    assert result["after"]["served"] < result["before"]["served"]  # enquiries and turn-aways left the queue
    with pytest.raises(CommandError, match="days must be at least 1"):
        call_command("hall", "pre-review", "--days", "0")


def test_without_pre_review_effects_the_wait_does_not_change():
    idle_desk = queueing.PreReviewScenario(incomplete_share=0, enquiry_share=0, minutes_saved_by_pre_check=0)
    result = queueing.simulate_pre_review(idle_desk, days=20)
    assert result["before"]["mean_wait_minutes"] == result["after"]["mean_wait_minutes"]
