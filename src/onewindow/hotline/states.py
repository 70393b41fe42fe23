"""The hotline ticket's closed loop, as pure data and functions (see GLOSSARY.md).

    registered → dispatched (to a lead department, helpers optional)
    dispatched → signed (the department takes it) | registered (returned with a reason, 退单)
    signed → handled → replied (the caller is told) → called back (回访):
        satisfied → closed; not satisfied → dispatched again to the same department, once; after that,
        closed with the caller's dissatisfaction on record
    replied → closed (no callback possible: an anonymous caller, or one who cannot be reached)
    registered → closed at once by an agent answering a consultation from the knowledge base (一次办结)
    registered | dispatched → merged into another open ticket (they share its handling)
`suspend`/`resume` pause the time limit while the department handles it; `request_extension` asks a
supervisor for the one extension (`approve_extension` / `reject_extension`); `supervise` (督办) marks a
ticket without changing its state; helpers `assist` with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

REGISTERED = "registered"
DISPATCHED = "dispatched"
SIGNED = "signed"
HANDLED = "handled"
REPLIED = "replied"
CLOSED = "closed"
MERGED = "merged"

STATES = (REGISTERED, DISPATCHED, SIGNED, HANDLED, REPLIED, CLOSED, MERGED)
OPEN_STATES = (REGISTERED, DISPATCHED, SIGNED, HANDLED, REPLIED)
FINAL_STATES = (CLOSED, MERGED)
# The time limit runs until the caller is replied to.
CLOCK_STATES = (REGISTERED, DISPATCHED, SIGNED, HANDLED)

CONSULTATION = "consultation"

_FROM = {
    "dispatch": (REGISTERED,),
    "return": (DISPATCHED,),
    "sign": (DISPATCHED,),
    "suspend": (SIGNED,),
    "resume": (SIGNED,),
    "request_extension": (SIGNED,),
    "approve_extension": (SIGNED, HANDLED),
    "reject_extension": (SIGNED, HANDLED),
    "handle": (SIGNED,),
    "reply": (HANDLED,),
    "callback": (REPLIED,),
    "close": (REPLIED,),
    "answer": (REGISTERED,),
    "merge": (REGISTERED, DISPATCHED),
    "supervise": (REGISTERED, DISPATCHED, SIGNED, HANDLED),
    "assist": (DISPATCHED, SIGNED, HANDLED),
}
ACTIONS = tuple(_FROM)

# Who may take each action. Department staff ("reviewer") only on their own department's tickets, helpers
# only `assist` (checked by the service).
ACTION_ROLES = {
    "dispatch": ("agent", "supervisor", "admin"),
    "return": ("reviewer", "supervisor", "admin"),
    "sign": ("reviewer", "supervisor", "admin"),
    "suspend": ("reviewer", "supervisor", "admin"),
    "resume": ("reviewer", "supervisor", "admin"),
    "request_extension": ("reviewer", "admin"),
    "approve_extension": ("supervisor", "admin"),
    "reject_extension": ("supervisor", "admin"),
    "handle": ("reviewer", "admin"),
    "reply": ("reviewer", "admin"),
    "callback": ("agent", "supervisor", "admin"),
    "close": ("agent", "supervisor", "admin"),
    "answer": ("agent", "clerk", "admin"),
    "merge": ("agent", "supervisor", "admin"),
    "supervise": ("supervisor", "admin"),
    "assist": ("reviewer", "admin"),
}
# Actions that need a written reason or text.
NEEDS_NOTE = frozenset(
    {"return", "suspend", "request_extension", "reject_extension", "handle", "reply", "answer", "supervise",
     "assist", "close"}
)  # fmt: skip


@dataclass(frozen=True)
class TicketState:
    status: str
    ticket_type: str = ""
    paused: bool = False
    extended: bool = False
    extension_pending: bool = False
    reopened: bool = False


class IllegalTransition(Exception):
    def __init__(self, action: str, state: TicketState, allowed: list[str], reason: str = ""):
        self.action, self.state, self.allowed = action, state, allowed
        super().__init__(reason or f"a ticket that is {state.status} cannot {action}")


def _blocked(action: str, state: TicketState) -> str:
    if state.status not in _FROM[action]:
        return f"a ticket that is {state.status} cannot {action}"
    if action == "resume" and not state.paused:
        return "the time limit is not suspended"
    if action in ("suspend", "handle") and state.paused:
        return "the time limit is suspended: resume first"
    if action == "request_extension" and (state.extended or state.extension_pending):
        return "the one extension was already asked for"
    if action in ("approve_extension", "reject_extension") and not state.extension_pending:
        return "no extension is waiting for approval"
    if action == "answer" and state.ticket_type != CONSULTATION:
        return "only a consultation can be answered at once"
    return ""


def allowed_actions(state: TicketState) -> list[str]:
    return [action for action in ACTIONS if not _blocked(action, state)]


def next_state(state: TicketState, action: str, *, satisfied: bool | None = None) -> TicketState:
    """The state after `action` (`satisfied`: the callback's answer); IllegalTransition when impossible."""
    if action not in _FROM:
        raise IllegalTransition(action, state, allowed_actions(state), f"unknown action {action!r}")
    reason = _blocked(action, state)
    if reason:
        raise IllegalTransition(action, state, allowed_actions(state), reason)
    if action == "callback":
        if satisfied is None:
            raise IllegalTransition(
                action, state, allowed_actions(state), "say whether the caller is satisfied"
            )
        if not satisfied and not state.reopened:
            return replace(state, status=DISPATCHED, reopened=True, paused=False)
        return replace(state, status=CLOSED)
    if action in ("suspend", "resume"):
        return replace(state, paused=action == "suspend")
    if action == "request_extension":
        return replace(state, extension_pending=True)
    if action == "approve_extension":
        return replace(state, extension_pending=False, extended=True)
    if action == "reject_extension":
        return replace(state, extension_pending=False)
    if action in ("supervise", "assist"):
        return state
    target = {
        "dispatch": DISPATCHED,
        "return": REGISTERED,
        "sign": SIGNED,
        "handle": HANDLED,
        "reply": REPLIED,
        "close": CLOSED,
        "answer": CLOSED,
        "merge": MERGED,
    }
    return replace(state, status=target[action], paused=False)
