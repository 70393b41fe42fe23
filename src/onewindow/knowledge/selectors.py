"""Reads of the knowledge base: search, the articles of a catalog item, unanswered questions."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Q, QuerySet

from onewindow.core import clock

from . import search
from .models import Article, ArticleStatus, Search, Synonym


def published(today: dt.date | None = None) -> QuerySet[Article]:
    today = today or clock.today()
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    )


def synonyms() -> dict[str, frozenset[str]]:
    return search.synonym_map(group.word_list() for group in Synonym.objects.all())


def search_articles(
    query: str, *, limit: int = 10, articles: QuerySet[Article] | None = None
) -> list[Article]:
    """Published, valid articles that answer the question, best first (each with its `score`)."""
    wanted = search.expand(search.words(query), synonyms())
    candidates = list((articles if articles is not None else published()).select_related("department"))
    documents = [
        search.Document(a.pk, tuple(a.terms.get("q", ())), tuple(a.terms.get("a", ()))) for a in candidates
    ]
    by_id = {a.pk: a for a in candidates}
    found = []
    for pk, score in search.rank(wanted, documents, limit):
        article = by_id[pk]
        article.score = round(score, 2)
        found.append(article)
    return found


def item_articles(item_code: str) -> list[Article]:
    # JSON "contains" is not portable to SQLite: the few published articles are filtered here.
    return [a for a in published().select_related("department") if item_code in a.item_codes]


def unanswered(since: dt.date, limit: int = 20) -> list[dict]:
    """The questions asked most since `since` that no article answered (grouped by their words)."""
    return list(
        Search.objects.filter(at__date__gte=since)
        .exclude(normalized="")
        .values("normalized")
        .annotate(
            asked=Count("id"),
            answered=Count("answered_by"),
            found=Max("results"),
            example=Max("query"),
            last=Max("at"),
        )
        .filter(answered=0)
        .order_by("-asked", "-last")[:limit]
    )
