"""Every (state, action) pair of the case state machine, checked against the documented table."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.cases import states as s
from onewindow.cases.states import ACTIONS, STATES, CaseState, IllegalTransition, allowed_actions, next_state

# (state, action) → resulting status, for a one-step item that allows an extension not yet used
EXPECTED = {
    (s.SUBMITTED, "accept"): s.ACCEPTED,
    (s.SUBMITTED, "refuse"): s.REFUSED,
    (s.SUBMITTED, "request_supplement"): s.SUPPLEMENT_REQUESTED,
    (s.SUBMITTED, "withdraw"): s.WITHDRAWN,
    (s.ACCEPTED, "request_supplement"): s.SUPPLEMENT_REQUESTED,
    (s.ACCEPTED, "approve"): s.APPROVED,
    (s.ACCEPTED, "deny"): s.DENIED,
    (s.ACCEPTED, "extend"): s.ACCEPTED,
    (s.ACCEPTED, "suspend"): s.ACCEPTED,
    (s.IN_REVIEW, "suspend"): s.IN_REVIEW,
    (s.ACCEPTED, "withdraw"): s.WITHDRAWN,
    (s.SUPPLEMENT_REQUESTED, "resubmit"): s.ACCEPTED,  # back where it came from (see suspended_from)
    (s.SUPPLEMENT_REQUESTED, "extend"): s.SUPPLEMENT_REQUESTED,
    (s.SUPPLEMENT_REQUESTED, "withdraw"): s.WITHDRAWN,
    (s.IN_REVIEW, "request_supplement"): s.SUPPLEMENT_REQUESTED,
    (s.IN_REVIEW, "approve"): s.APPROVED,
    (s.IN_REVIEW, "deny"): s.DENIED,
    (s.IN_REVIEW, "extend"): s.IN_REVIEW,
    (s.IN_REVIEW, "withdraw"): s.WITHDRAWN,
    **{(status, "assign"): status for status in s.OPEN_STATES},
    (s.APPROVED, "deliver"): s.DELIVERED,
    (s.DENIED, "deliver"): s.DELIVERED,
    (s.APPROVED, "revoke"): s.REVOKED,
    (s.DELIVERED, "revoke"): s.REVOKED,
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(STATES, ACTIONS)))
def test_every_pair(status, action):
    state = CaseState(status, step=0, steps=1, suspended_from=s.ACCEPTED, extension_allowed=True)
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(IllegalTransition) as failure:
            next_state(state, action)
        assert action not in failure.value.allowed
        assert failure.value.allowed == allowed_actions(state)
    else:
        assert next_state(state, action).status == expected
        assert action in allowed_actions(state)


def test_final_states_allow_nothing_but_revoking_a_delivered_decision():
    for status in s.FINAL_STATES:
        assert allowed_actions(CaseState(status)) == (["revoke"] if status == s.DELIVERED else [])


def test_multi_step_review():
    state = CaseState(s.ACCEPTED, steps=3)
    with pytest.raises(IllegalTransition, match="step 1 of 3 is not done"):
        next_state(state, "approve")
    state = next_state(state, "review")
    assert (state.status, state.step) == (s.IN_REVIEW, 1)
    state = next_state(state, "review")
    assert state.step == 2
    with pytest.raises(IllegalTransition, match="last review step"):
        next_state(state, "review")
    assert next_state(state, "approve").status == s.APPROVED
    assert next_state(CaseState(s.IN_REVIEW, step=0, steps=3), "deny").status == s.DENIED  # deny at any step


def test_supplement_returns_where_it_came_from():
    for origin in (s.SUBMITTED, s.ACCEPTED, s.IN_REVIEW):
        suspended = next_state(CaseState(origin, steps=2), "request_supplement")
        assert suspended.suspended_from == origin
        assert next_state(suspended, "resubmit").status == origin


def test_extension_only_once_and_only_when_allowed():
    with pytest.raises(IllegalTransition, match="cannot be extended"):
        next_state(CaseState(s.ACCEPTED), "extend")
    extended = next_state(CaseState(s.ACCEPTED, extension_allowed=True), "extend")
    with pytest.raises(IllegalTransition, match="already extended"):
        next_state(extended, "extend")


def test_a_suspended_clock_blocks_review_and_decisions_until_resumed():
    paused = next_state(CaseState(s.IN_REVIEW, steps=2), "suspend")
    assert paused.paused and paused.status == s.IN_REVIEW
    assert allowed_actions(paused) == ["resume", "assign", "withdraw"]  # no extension allowed here
    for action in ("review", "approve", "deny", "suspend", "request_supplement"):
        with pytest.raises(IllegalTransition, match="resume first"):
            next_state(paused, action)
    assert not next_state(paused, "resume").paused
    with pytest.raises(IllegalTransition, match="not suspended"):
        next_state(CaseState(s.IN_REVIEW), "resume")


def test_unknown_action():
    with pytest.raises(IllegalTransition, match="unknown action"):
        next_state(CaseState(s.SUBMITTED), "teleport")


@settings(max_examples=300)
@given(st.lists(st.sampled_from(ACTIONS), max_size=25), st.integers(1, 4), st.booleans())
def test_random_walks_stay_inside_the_machine(actions, steps, extension_allowed):
    state = CaseState(s.SUBMITTED, steps=steps, extension_allowed=extension_allowed)
    for action in actions:
        if action in allowed_actions(state):
            state = next_state(state, action)
        else:
            with pytest.raises(IllegalTransition):
                next_state(state, action)
        assert state.status in STATES
        assert 0 <= state.step < steps
        assert (state.status == s.SUPPLEMENT_REQUESTED) == bool(state.suspended_from)
        assert not state.paused or state.status in (s.ACCEPTED, s.IN_REVIEW)
