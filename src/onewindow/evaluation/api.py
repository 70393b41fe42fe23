"""The evaluation API: rate a case with the receipt's token, and the index with its rankings."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from onewindow.core import clock
from onewindow.core.auth import bearer, optional_user
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import SUPERVISORS
from onewindow.core.permissions import Forbidden

from . import selectors, services
from .models import RatingChannel, ReasonTag

router = Router(tags=["evaluation"])


class RatingIn(Schema):
    token: str = Field(..., max_length=400, description="The one-time token of the receipt's QR code")
    level: int = Field(..., ge=1, le=5, description="5 very satisfied … 1 very dissatisfied")
    channel: Literal[tuple(RatingChannel.values)] = "mobile"
    text: str = Field("", max_length=1000)
    tags: list[Literal[tuple(ReasonTag.values)]] = Field(default_factory=list)
    consent_to_publish: bool = False


class RatingOut(Schema):
    case: str
    round: int
    level: int
    bad: bool
    rectification_opened: bool


@router.post("/ratings", response={201: RatingOut}, summary="Rate a case with its receipt's token (no login)")
def create_rating(request, payload: RatingIn):
    """Without a token for cases filed without an applicant account; with the applicant's own token
    for the others. Staff cannot rate."""
    case, round_ = services.read_rating_token(payload.token)
    rating = services.rate_case(
        case,
        round_,
        services.RatingInput(
            payload.level, payload.channel, payload.text, list(payload.tags), payload.consent_to_publish
        ),
        rater=optional_user(request),
    )
    return Status(
        201,
        {
            "case": case.number,
            "round": rating.round,
            "level": rating.level,
            "bad": rating.bad,
            "rectification_opened": hasattr(rating, "rectification"),
        },
    )


class IndexQuery(Schema):
    level: Literal[selectors.LEVELS] = "department"
    period: str | None = Field(
        None, description="YYYY-MM or YYYY; or give since and until; neither: the current month so far"
    )
    since: dt.date | None = None
    until: dt.date | None = None


class IndicatorOut(Schema):
    code: str
    numerator: float | None
    denominator: float | None
    value: float | None
    target: float
    points: float
    score: float | None


class GroupOut(Schema):
    code: str
    points: float
    score: float | None
    indicators: list[IndicatorOut]


class IndexRowOut(Schema):
    rank: int
    previous_rank: int | None
    code: str
    name: str
    total: float | None
    change: float | None
    groups: list[GroupOut]
    ratios: dict[str, float | None]


class IndexOut(Schema):
    level: str
    since: dt.date
    until: dt.date
    rows: list[IndexRowOut]


@router.get(
    "/index", response=IndexOut, auth=bearer, summary="The service-quality index, ranked (supervisors)"
)
def get_index(request, query: Query[IndexQuery]):
    if request.auth.role not in SUPERVISORS:
        raise Forbidden("the index is for supervisors")
    if bool(query.since) != bool(query.until):
        field = "until" if query.since else "since"
        raise InvalidInput([FieldError(field, "give both since and until, or a period")])
    try:
        if query.since and query.until:
            since, until = selectors.checked_range(query.since, query.until)
        elif query.period:
            since, until = selectors.period_bounds(query.period)
        else:  # the month so far, as the index page opens
            today = clock.today()
            since, until = today.replace(day=1), today
    except ValueError as error:
        if query.since:
            raise InvalidInput([FieldError("since", str(error))]) from None
        raise InvalidInput([FieldError("period", f"{error}, or give since and until")]) from None
    rows = selectors.index_table(query.level, since, until)
    return {
        "level": query.level,
        "since": since,
        "until": until,
        "rows": [
            {
                "rank": r.rank,
                "previous_rank": r.previous_rank,
                "code": r.unit.code,
                "name": r.unit.name,
                "total": r.score.total,
                "change": r.change,
                "ratios": r.ratios,
                "groups": [
                    {
                        "code": g.group.code,
                        "points": g.group.points,
                        "score": g.score,
                        "indicators": [
                            {
                                "code": s.indicator.code,
                                "numerator": s.numerator,
                                "denominator": s.denominator,
                                "value": s.value,
                                "target": s.indicator.target,
                                "points": s.indicator.points,
                                "score": s.score,
                            }
                            for s in g.indicators
                        ],
                    }
                    for g in r.score.groups
                ],
            }
            for r in rows
        ],
    }
