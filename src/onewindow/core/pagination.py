"""One paging rule for every list endpoint: `count` plus a slice chosen by `limit` and `offset`."""

from ninja import Field, Schema

MAX_LIMIT = 500


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"How many rows (1–{MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="How many rows to skip")


def paginate(rows, params: PageParams, serialize) -> dict:
    """{"count": total, "items": [serialize(row) for the rows of this page]}."""
    count = len(rows) if isinstance(rows, list) else rows.count()
    return {
        "count": count,
        "items": [serialize(row) for row in rows[params.offset : params.offset + params.limit]],
    }
