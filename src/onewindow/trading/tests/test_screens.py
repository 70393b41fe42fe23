import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from onewindow.trading import links, screens

bids = st.lists(st.floats(min_value=1_000, max_value=1e8, allow_nan=False), min_size=3, max_size=15)


def test_screens_of_a_known_tender():
    values = screens.price_screens([100.0, 110.0, 111.0, 112.0])
    assert values["spread"] == pytest.approx(0.12)
    assert values["percentage_difference"] == pytest.approx(0.10)
    assert values["coefficient_of_variation"] == pytest.approx(np.std([100, 110, 111, 112], ddof=1) / 108.25)
    # the two lowest are 10 apart, the losing bids' standard deviation is 1: a winner far below the covers
    assert values["relative_distance"] == pytest.approx(10.0)
    assert values["normalised_distance"] == pytest.approx(10 / 4)
    assert values["skewness"] == pytest.approx(stats.skew([100, 110, 111, 112], bias=False))
    assert values["kurtosis"] == pytest.approx(stats.kurtosis([100, 110, 111, 112], bias=False))
    assert set(screens.fired(values)) >= {"relative_distance", "normalised_distance"}


def test_evenly_spread_bids_fire_nothing():
    values = screens.price_screens([100.0, 125.0, 150.0, 175.0, 200.0])
    assert values["ks_statistic"] == pytest.approx(0.2)
    assert screens.fired(values) == []


def test_fewer_than_two_or_non_positive_bids_are_refused():
    with pytest.raises(ValueError):
        screens.price_screens([100.0])
    with pytest.raises(ValueError):
        screens.price_screens([0.0, 5.0])


@settings(max_examples=200, deadline=None)
@given(bids, st.floats(min_value=0.01, max_value=1000))
def test_screens_do_not_depend_on_currency_or_order(amounts, factor):
    values = screens.price_screens(amounts)
    scaled = screens.price_screens([a * factor for a in reversed(amounts)])
    for name in screens.SCREENS:
        assert math.isfinite(values[name])
        assert scaled[name] == pytest.approx(values[name], rel=1e-6, abs=1e-6), name
    assert 0 <= values["ks_statistic"] <= 1
    assert values["coefficient_of_variation"] >= 0 and values["spread"] >= 0
    assert 0 <= values["relative_distance"] <= screens.CLIP


@settings(max_examples=50, deadline=None)
@given(bids)
def test_subgroup_versions_bound_their_means(amounts):
    summary = screens.subgroup_screens(amounts)
    for name in screens.CLASSIC:
        low, mean, high = (summary[f"{name}_sub_{part}"] for part in ("min", "mean", "max"))
        assert low - 1e-9 <= mean <= high + 1e-9


def test_links_join_bidders_that_share_a_device_and_a_document():
    attributes = {
        "A": {"device_id": {"dev-1"}, "document_sha256": {"h1"}, "ip_address": {"10.0.0.1"}},
        "B": {"device_id": {"dev-1"}, "document_sha256": {"h1"}, "ip_address": {"10.0.0.2"}},
        "C": {"device_id": {"dev-3"}, "document_sha256": {"h3"}, "ip_address": {"10.0.0.3"}},
        "D": {"device_id": {"dev-4"}, "contact": {""}},
    }
    groups = links.bidder_links(attributes, [("C", "D", "shareholding", "C holds 40 % of D")])
    assert [g["bidders"] for g in groups] == [["A", "B"], ["C", "D"]]
    evidence = groups[0]["edges"][0]["evidence"]
    assert evidence == [{"kind": "device_id", "value": "dev-1"}, {"kind": "document_sha256", "value": "h1"}]
    assert groups[1]["edges"][0]["evidence"] == [{"kind": "shareholding", "value": "C holds 40 % of D"}]


def test_empty_values_link_nobody_and_a_chain_is_one_group():
    attributes = {
        "A": {"contact": {"", "x"}},
        "B": {"contact": {"", "x"}, "ip_address": {"1.1.1.1"}},
        "C": {"ip_address": {"1.1.1.1"}},
    }
    groups = links.bidder_links(attributes)
    assert [g["bidders"] for g in groups] == [["A", "B", "C"]]
    assert len(groups[0]["edges"]) == 2
    assert links.bidder_links({"A": {"contact": {""}}, "B": {"contact": {""}}}) == []
