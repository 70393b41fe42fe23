"""The policy library for other systems and apps: the open policies (public), and an enterprise's own
matches with the reason per requirement (its token)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from onewindow.core import clock
from onewindow.core.auth import bearer

from . import selectors, services
from .models import TOPICS

router = Router(tags=["policies"])


class PolicyOut(Schema):
    code: str
    title: str
    issuer: str
    topic: str
    source_title: str
    source_url: str
    valid_from: dt.date
    valid_until: dt.date | None = Field(description="The application deadline; null: none")
    benefit: str
    amount: Decimal | None = Field(description="Yuan, where the benefit is a fixed amount")
    how: str = Field(description="apply: a case of `item`; exempt: the enterprise only confirms its account")
    item: str | None = Field(description="The catalog item applied with (how = apply)")

    @staticmethod
    def resolve_item(policy):
        return policy.item.code if policy.item_id else None


class ReasonOut(Schema):
    met: bool
    words: list[str] = Field(description="Each condition of the requirement in plain words")


class MatchOut(Schema):
    policy: PolicyOut
    eligible: bool = Field(description="False: one requirement short (a near miss)")
    reasons: list[ReasonOut]


@router.get(
    "/policies", response=list[PolicyOut], auth=None, summary="Open support policies, deadlines first"
)
def open_policies(request, topic: str = Query("", max_length=60, description=", ".join(TOPICS))):
    return selectors.open_policies(clock.today(), topic)


@router.get(
    "/policies/matches",
    response=list[MatchOut],
    summary="The policies my enterprise meets or nearly meets, with the reasons",
    description="For a verified enterprise account's token; others get 403.",
    auth=bearer,
)
def my_matches(request):
    profile = services.own_profile(request.auth)
    eligible, near = selectors.enterprise_matches(profile, clock.today())
    return eligible + near
