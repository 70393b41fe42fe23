"""The case state machine, as pure data and functions (see GLOSSARY.md).

    submitted → accepted | refused
    accepted → in_review (first review step) → approved | denied
    submitted | accepted | in_review → supplement_requested → (resubmit) back where it was
    approved | denied → delivered
    any open state → withdrawn
    approved | delivered → revoked (the decision is withdrawn, e.g. after a false commitment)
`extend` keeps the state; `review` completes one review step and stays in review until the last.
`assign` gives the case to one reviewer of its department and changes nothing else.
`suspend` (expert review, hearing) pauses the clock without changing the state; nothing is reviewed
or decided until `resume`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

SUBMITTED = "submitted"
ACCEPTED = "accepted"
REFUSED = "refused"
SUPPLEMENT_REQUESTED = "supplement_requested"
IN_REVIEW = "in_review"
APPROVED = "approved"
DENIED = "denied"
DELIVERED = "delivered"
WITHDRAWN = "withdrawn"
REVOKED = "revoked"

STATES = (
    SUBMITTED,
    ACCEPTED,
    REFUSED,
    SUPPLEMENT_REQUESTED,
    IN_REVIEW,
    APPROVED,
    DENIED,
    DELIVERED,
    WITHDRAWN,
    REVOKED,
)
OPEN_STATES = (SUBMITTED, ACCEPTED, SUPPLEMENT_REQUESTED, IN_REVIEW)
DECIDED_STATES = (APPROVED, DENIED)
FINAL_STATES = (REFUSED, DELIVERED, WITHDRAWN, REVOKED)
# The legal clock runs from acceptance to the decision.
CLOCK_STATES = (ACCEPTED, SUPPLEMENT_REQUESTED, IN_REVIEW)

# action → states it may start from (the target is computed by `next_state`)
_FROM = {
    "accept": (SUBMITTED,),
    "refuse": (SUBMITTED,),
    "request_supplement": (SUBMITTED, ACCEPTED, IN_REVIEW),
    "resubmit": (SUPPLEMENT_REQUESTED,),
    "review": (ACCEPTED, IN_REVIEW),
    "approve": (ACCEPTED, IN_REVIEW),
    "deny": (ACCEPTED, IN_REVIEW),
    "extend": (ACCEPTED, IN_REVIEW, SUPPLEMENT_REQUESTED),
    "suspend": (ACCEPTED, IN_REVIEW),
    "resume": (ACCEPTED, IN_REVIEW),
    "assign": OPEN_STATES,
    "deliver": DECIDED_STATES,
    "withdraw": OPEN_STATES,
    "revoke": (APPROVED, DELIVERED),
}
ACTIONS = tuple(_FROM)

# Who may take each action. Reviewers only on cases of their own department (checked by the service).
ACTION_ROLES = {
    "accept": ("clerk", "admin"),
    "refuse": ("clerk", "admin"),
    "request_supplement": ("clerk", "reviewer", "admin"),
    "resubmit": ("applicant", "clerk", "admin"),
    "review": ("reviewer", "admin"),
    "approve": ("reviewer", "admin"),
    "deny": ("reviewer", "admin"),
    "extend": ("supervisor", "admin"),
    "suspend": ("reviewer", "supervisor", "admin"),
    "resume": ("reviewer", "supervisor", "admin"),
    "assign": ("supervisor", "admin"),
    "deliver": ("clerk", "admin"),
    "withdraw": ("applicant", "clerk", "admin"),
    "revoke": ("reviewer", "supervisor", "admin"),
}


@dataclass(frozen=True)
class CaseState:
    """What the machine needs to know about a case."""

    status: str
    step: int = 0  # index of the current review step
    steps: int = 1  # number of review steps
    suspended_from: str = ""  # where a supplement request came from
    extended: bool = False
    extension_allowed: bool = False
    paused: bool = False  # an expert review or hearing is under way
    waiting: bool = False  # a bundle item waiting for the decision of the items whose results it needs


class IllegalTransition(Exception):
    def __init__(self, action: str, state: CaseState, allowed: list[str], reason: str = ""):
        self.action, self.state, self.allowed = action, state, allowed
        reason = reason or f"a case that is {state.status} cannot {action}"
        super().__init__(reason)


def _blocked(action: str, state: CaseState) -> str:
    """Why an action otherwise possible from this state is not, or '' when it is."""
    if state.status not in _FROM[action]:
        return f"a case that is {state.status} cannot {action}"
    if action == "accept" and state.waiting:
        return "it waits for the decision of another item of its bundle"
    if action == "resume" and not state.paused:
        return "the clock is not suspended"
    if state.paused and action in ("suspend", "review", "approve", "deny", "request_supplement"):
        return "the clock is suspended (expert review or hearing): resume first"
    if action == "review" and state.step >= state.steps - 1:
        return "this is the last review step: approve or deny"
    if action == "approve" and state.step < state.steps - 1:
        return f"review step {state.step + 1} of {state.steps} is not done yet"
    if action == "extend":
        if not state.extension_allowed:
            return "this item's time limit cannot be extended"
        if state.extended:
            return "the time limit was already extended once"
    return ""


def allowed_actions(state: CaseState) -> list[str]:
    return [action for action in ACTIONS if not _blocked(action, state)]


def next_state(state: CaseState, action: str) -> CaseState:
    """The state after `action`; IllegalTransition (with the allowed actions) when it is not possible."""
    if action not in _FROM:
        raise IllegalTransition(action, state, allowed_actions(state), f"unknown action {action!r}")
    reason = _blocked(action, state)
    if reason:
        raise IllegalTransition(action, state, allowed_actions(state), reason)
    if action == "accept":
        return replace(state, status=ACCEPTED, step=0)
    if action == "request_supplement":
        return replace(state, status=SUPPLEMENT_REQUESTED, suspended_from=state.status)
    if action == "resubmit":
        return replace(state, status=state.suspended_from or SUBMITTED, suspended_from="")
    if action == "review":
        return replace(state, status=IN_REVIEW, step=state.step + 1)
    if action == "extend":
        return replace(state, extended=True)
    if action == "assign":
        return state
    if action in ("suspend", "resume"):
        return replace(state, paused=action == "suspend")
    target = {
        "refuse": REFUSED,
        "approve": APPROVED,
        "deny": DENIED,
        "deliver": DELIVERED,
        "withdraw": WITHDRAWN,
        "revoke": REVOKED,
    }
    return replace(state, status=target[action], suspended_from="", paused=False)
