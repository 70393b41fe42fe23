"""One shape for bad input everywhere: a list of (field, message) pairs.

Services raise `InvalidInput`; the API renders it as
`{"detail": ..., "errors": [{"field": ..., "message": ...}]}` with status 422, pages show it beside the field.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    rule: str = ""  # the rule that refused it, where the field alone does not say (pre-checks)

    def as_dict(self) -> dict:
        found = {"field": self.field, "message": self.message}
        return found | {"rule": self.rule} if self.rule else found


class InvalidInput(Exception):
    def __init__(self, errors: list[FieldError], detail: str = "Invalid input", extra: dict | None = None):
        self.errors = list(errors)
        self.detail = detail
        self.extra = extra or {}  # more the client needs, e.g. every pre-check result of a refused upload
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors) or detail)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(field, message) for each problem, as pages list them beside the fields."""
        return [(e.field, e.message) for e in self.errors]

    @classmethod
    def from_pairs(cls, pairs, detail: str = "Invalid input") -> "InvalidInput":
        """From the (field, message) pairs the pure validators return (rules, pre-checks, …)."""
        return cls([FieldError(field, message) for field, message in pairs], detail=detail)
