"""Writes to the knowledge base: every change is a new version, reviewed before it is published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from onewindow.catalog.models import Department, ServiceItem
from onewindow.core import clock
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import SUPERVISORS, Role, User
from onewindow.core.permissions import Conflict, Forbidden

from . import search
from .models import Article, ArticleStatus, ArticleVersion, Search

# Who writes articles: department staff for their own department, supervisors and administrators for
# any. Who publishes: supervisors and administrators, never the author alone.
WRITERS = frozenset({Role.REVIEWER, Role.CLERK, Role.SUPERVISOR, Role.ADMIN})


@dataclass
class ArticleDraft:
    question: str
    answer: str
    department: str  # code
    item_codes: list[str] = field(default_factory=list)
    language: str = "zh-hans"
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


def _checked(draft: ArticleDraft, user: User) -> Department:
    errors = []
    if not draft.question.strip():
        errors.append(FieldError("question", "write the question"))
    elif len(draft.question) > 300:
        errors.append(FieldError("question", "at most 300 characters"))
    if not draft.answer.strip():
        errors.append(FieldError("answer", "write the answer"))
    elif len(draft.answer) > 5000:
        errors.append(FieldError("answer", "at most 5000 characters"))
    if draft.language not in ("zh-hans", "vi", "en"):
        errors.append(FieldError("language", "one of zh-hans, vi, en"))
    department = Department.objects.filter(code=draft.department).first()
    if department is None:
        errors.append(FieldError("department", f"no department {draft.department!r}"))
    elif user.role not in SUPERVISORS and user.department_id != department.pk:
        errors.append(FieldError("department", "you write articles for your own department only"))
    known = set(ServiceItem.objects.filter(code__in=draft.item_codes).values_list("code", flat=True))
    for code in draft.item_codes:
        if code not in known:
            errors.append(FieldError("item_codes", f"no service item {code!r}"))
    if draft.valid_from and draft.valid_until and draft.valid_until < draft.valid_from:
        errors.append(FieldError("valid_until", "before the start of validity"))
    if errors:
        raise InvalidInput(errors)
    return department


def _terms(article: Article) -> dict:
    return {"q": search.words(article.question), "a": search.words(article.answer)}


def _version(article: Article, action: str, user: User | None, note: str = "") -> None:
    ArticleVersion.objects.create(
        article=article,
        version=article.version,
        action=action,
        status=article.status,
        question=article.question,
        answer=article.answer,
        item_codes=article.item_codes,
        note=note[:500],
        by=user,
        at=clock.now(),
    )


def _require_writer(user: User) -> None:
    if user.role not in WRITERS:
        raise Forbidden("only department staff, supervisors and administrators write articles")


@transaction.atomic
def write_article(draft: ArticleDraft, user: User, *, article: Article | None = None) -> Article:
    """A new article, or a new version of one, sent for review (the published text stays what the
    public sees until the new one is approved: a change is reviewed like a first version)."""
    _require_writer(user)
    department = _checked(draft, user)
    if article is None:
        article = Article(version=1)
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status == ArticleStatus.PUBLISHED:
            article.version += 1
    article.question, article.answer = draft.question.strip(), draft.answer.strip()
    article.department, article.item_codes = department, list(dict.fromkeys(draft.item_codes))
    article.language, article.valid_from, article.valid_until = (
        draft.language,
        draft.valid_from,
        draft.valid_until,
    )
    article.status, article.updated_at = ArticleStatus.IN_REVIEW, clock.now()
    article.terms = _terms(article)
    article.save()
    _version(article, "written", user)
    return article


@transaction.atomic
def review_article(article: Article, user: User, *, publish: bool, note: str = "") -> Article:
    if user.role not in SUPERVISORS:
        raise Forbidden("supervisors and administrators review articles")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.IN_REVIEW:
        raise Conflict(f"the article is {article.status}, not waiting for review")
    if not publish and not note.strip():
        raise InvalidInput([FieldError("note", "say what to change")])
    latest = article.versions.order_by("-at", "-id").first()
    if publish and latest and latest.by_id == user.pk and user.role != Role.ADMIN:
        raise Forbidden("an article is reviewed by someone other than its author")
    article.status = ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT
    article.updated_at = clock.now()
    article.save(update_fields=["status", "updated_at"])
    _version(article, "published" if publish else "sent_back", user, note)
    return article


@transaction.atomic
def retire_article(article: Article, user: User, note: str = "") -> Article:
    if user.role not in SUPERVISORS:
        raise Forbidden("supervisors and administrators retire articles")
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.status, article.updated_at = ArticleStatus.RETIRED, clock.now()
    article.save(update_fields=["status", "updated_at"])
    _version(article, "retired", user, note)
    return article


def record_search(query: str, results: list, channel: str) -> Search:
    return Search.objects.create(
        query=query[:300],
        normalized=search.normalize_question(query),
        results=min(len(results), 32767),
        channel=channel,
        at=clock.now(),
    )


def record_answer(article: Article, searched: Search | None = None) -> None:
    """The article answered a question (a ticket, or a search whose asker found it useful)."""
    Article.objects.filter(pk=article.pk).update(uses=F("uses") + 1)
    if searched is not None:
        Search.objects.filter(pk=searched.pk).update(answered_by=article)
