"""The stages of a bad rating's rectification (pure): verify → fix → reply → call back → closed."""

VERIFY, FIX, REPLY, CALLBACK, CLOSED = "verify", "fix", "reply", "callback", "closed"
ORDER = (VERIFY, FIX, REPLY, CALLBACK, CLOSED)


def next_stage(stage: str) -> str:
    if stage not in ORDER or stage == CLOSED:
        raise ValueError(f"a rectification at {stage!r} has no next stage")
    return ORDER[ORDER.index(stage) + 1]


def is_late(stage: str, due, today) -> bool:
    """A stage still open after its deadline: shown escalated to supervisors."""
    return stage != CLOSED and due is not None and today > due
