"""The ticket's closed loop as a pure state machine: every action from every state."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.hotline import states
from onewindow.hotline.states import IllegalTransition, TicketState, allowed_actions, next_state

ALL_STATES = [
    TicketState(status, ticket_type, paused, extended, pending, reopened)
    for status, ticket_type, paused, extended, pending, reopened in itertools.product(
        states.STATES, ("consultation", "complaint"), *([(False, True)] * 4)
    )
]


@pytest.mark.parametrize("state", ALL_STATES, ids=str)
def test_allowed_actions_are_exactly_those_that_succeed(state):
    for action in states.ACTIONS:
        try:
            after = next_state(state, action, satisfied=True)
        except IllegalTransition as error:
            assert action not in allowed_actions(state)
            assert error.allowed == allowed_actions(state)
        else:
            assert action in allowed_actions(state)
            assert after.status in states.STATES


def test_final_states_allow_nothing():
    for state in ALL_STATES:
        if state.status in states.FINAL_STATES:
            assert allowed_actions(state) == []


def test_an_unhappy_callback_reopens_once_then_closes():
    replied = TicketState(states.REPLIED)
    reopened = next_state(replied, "callback", satisfied=False)
    assert reopened.status == states.DISPATCHED and reopened.reopened
    again = TicketState(states.REPLIED, reopened=True)
    assert next_state(again, "callback", satisfied=False).status == states.CLOSED
    assert next_state(replied, "callback", satisfied=True).status == states.CLOSED
    with pytest.raises(IllegalTransition, match="satisfied"):
        next_state(replied, "callback")


def test_one_extension_and_no_handling_while_suspended():
    signed = TicketState(states.SIGNED)
    asked = next_state(signed, "request_extension")
    assert "request_extension" not in allowed_actions(asked)
    granted = next_state(asked, "approve_extension")
    assert granted.extended and "request_extension" not in allowed_actions(granted)
    paused = next_state(signed, "suspend")
    assert "handle" not in allowed_actions(paused) and "resume" in allowed_actions(paused)
    assert "answer" not in allowed_actions(TicketState(states.REGISTERED, "complaint"))
    assert "answer" in allowed_actions(TicketState(states.REGISTERED, "consultation"))


@given(st.lists(st.sampled_from(states.ACTIONS), max_size=30), st.lists(st.booleans(), max_size=30))
def test_any_sequence_of_allowed_steps_keeps_a_valid_state(actions, answers):
    state = TicketState(states.REGISTERED, "complaint")
    returns_to_registered = 0
    for action, satisfied in zip(actions, answers + [True] * len(actions), strict=False):
        if action not in allowed_actions(state):
            continue
        before = state
        state = next_state(state, action, satisfied=satisfied)
        if action == "return":
            returns_to_registered += 1
            assert before.status == states.DISPATCHED and state.status == states.REGISTERED
        assert not (state.paused and state.status != states.SIGNED)
        assert not (state.extended and state.extension_pending)
