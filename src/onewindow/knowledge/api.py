"""The knowledge base's API: search published articles (public), write and review (staff)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from onewindow.core.auth import bearer
from onewindow.core.models import STAFF
from onewindow.core.permissions import NotFound

from . import selectors, services
from .models import Article

router = Router(tags=["knowledge"])


class ArticleOut(Schema):
    id: int
    question: str
    answer: str
    language: str
    department: str
    item_codes: list[str]
    status: str
    version: int
    valid_from: dt.date | None
    valid_until: dt.date | None
    score: float | None = None


class SearchOut(Schema):
    query: str
    search_id: int
    items: list[ArticleOut]


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=300, description="The question, in any language")
    limit: int = Field(10, ge=1, le=50)


class ArticleIn(Schema):
    question: str = Field(..., max_length=300)
    answer: str = Field(..., max_length=5000)
    department: str = Field(..., max_length=32)
    item_codes: list[str] = Field(default_factory=list, max_length=50)
    language: Literal["zh-hans", "vi", "en"] = "zh-hans"
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class ReviewIn(Schema):
    publish: bool
    note: str = Field("", max_length=500)


def article_out(article: Article) -> dict:
    return {
        **{
            f: getattr(article, f)
            for f in (
                "id",
                "question",
                "answer",
                "language",
                "item_codes",
                "status",
                "version",
                "valid_from",
                "valid_until",
            )
        },  # fmt: skip
        "department": article.department.code,
        "score": getattr(article, "score", None),
    }


@router.get("/knowledge", response=SearchOut, auth=None, summary="Search the published articles")
def search(request, params: Query[SearchParams]):
    found = selectors.search_articles(params.q, limit=params.limit)
    searched = services.record_search(params.q, found, "api")
    return {"query": params.q, "search_id": searched.pk, "items": [article_out(a) for a in found]}


@router.get("/knowledge/{article_id}", response=ArticleOut, auth=None, summary="A published article")
def get_article(request, article_id: int):
    article = selectors.published().select_related("department").filter(pk=article_id).first()
    if article is None:
        raise NotFound("no published article with this id")
    return article_out(article)


@router.post(
    "/knowledge", response={201: ArticleOut}, auth=bearer, summary="Write an article (sent for review)"
)
def write(request, payload: ArticleIn):
    return Status(
        201, article_out(services.write_article(services.ArticleDraft(**payload.dict()), request.auth))
    )


@router.put(
    "/knowledge/{article_id}", response=ArticleOut, auth=bearer, summary="A new version (reviewed again)"
)
def rewrite(request, article_id: int, payload: ArticleIn):
    article = _staff_article(request, article_id)
    return article_out(
        services.write_article(services.ArticleDraft(**payload.dict()), request.auth, article=article)
    )


@router.post(
    "/knowledge/{article_id}/review", response=ArticleOut, auth=bearer, summary="Publish or send back"
)
def review(request, article_id: int, payload: ReviewIn):
    article = _staff_article(request, article_id)
    return article_out(
        services.review_article(article, request.auth, publish=payload.publish, note=payload.note)
    )


def _staff_article(request, article_id: int) -> Article:
    if request.auth.role not in STAFF:
        raise NotFound("no such article")
    return get_object_or_404(Article.objects.select_related("department"), pk=article_id)
