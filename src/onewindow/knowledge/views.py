"""Knowledge base pages: the public search (also the windows' and agents'), an article, writing and
reviewing for staff, and the questions no article answers."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import STAFF, SUPERVISORS
from onewindow.core.permissions import Conflict, Forbidden
from onewindow.core.views import report_refusal

from . import selectors, services
from .models import Article, ArticleStatus


def search_page(request):
    query = request.GET.get("q", "").strip()[:300]
    found = selectors.search_articles(query) if query else []
    searched = None
    if query:
        channel = "window" if request.user.is_authenticated and request.user.role in STAFF else "public"
        searched = services.record_search(query, found, channel)
    context = {"query": query, "articles": found, "searched": searched}
    return render(request, "knowledge/search.html", context)


def article_page(request, article_id):
    staff = request.user.is_authenticated and request.user.role in STAFF
    articles = Article.objects.all() if staff else selectors.published()
    article = get_object_or_404(articles.select_related("department"), pk=article_id)
    searched = request.GET.get("s", "")
    if searched.isdigit() and request.GET.get("helpful") == "1":
        from .models import Search

        services.record_answer(article, Search.objects.filter(pk=int(searched)).first())
        messages.success(request, _("Thank you: this answer is counted as helpful."))
    history = article.versions.select_related("by") if staff else []
    return render(
        request, "knowledge/article.html", {"article": article, "history": history, "searched": searched}
    )


def _staff(request):
    if request.user.role not in STAFF:
        raise Http404(_("This page is for staff."))


def _date(value: str, name: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput([FieldError(name, _("a date such as 2026-12-31"))]) from None


@login_required
def write_page(request, article_id=None):
    if request.user.role not in services.WRITERS:
        raise Http404(_("Articles are written by department staff."))
    article = get_object_or_404(Article, pk=article_id) if article_id else None
    post = request.POST
    form = {
        "question": post.get("question", article.question if article else ""),
        "answer": post.get("answer", article.answer if article else ""),
        "department": post.get(
            "department", article.department.code if article else getattr(request.user.department, "code", "")
        ),
        "item_codes": post.get("item_codes", ", ".join(article.item_codes) if article else ""),
        "language": post.get("language", article.language if article else "zh-hans"),
        "valid_from": post.get(
            "valid_from", article.valid_from.isoformat() if article and article.valid_from else ""
        ),
        "valid_until": post.get(
            "valid_until", article.valid_until.isoformat() if article and article.valid_until else ""
        ),
    }
    errors = []
    if request.method == "POST":
        try:
            draft = services.ArticleDraft(
                question=form["question"],
                answer=form["answer"],
                department=form["department"],
                item_codes=[c.strip() for c in form["item_codes"].replace("，", ",").split(",") if c.strip()],
                language=form["language"],
                valid_from=_date(form["valid_from"], "valid_from"),
                valid_until=_date(form["valid_until"], "valid_until"),
            )
            saved = services.write_article(draft, request.user, article=article)
        except InvalidInput as error:
            errors = error.errors
        except Forbidden as error:
            errors = [FieldError("department", str(error))]
        else:
            messages.success(request, _("Saved and sent for review."))
            return redirect("knowledge-article", article_id=saved.pk)
    context = {
        "form": form,
        "article": article,
        "errors": {e.field: e.message for e in errors},
        "error_list": errors,
        "departments": Department.objects.all(),
    }
    return render(request, "knowledge/write.html", context, status=422 if errors else 200)


@login_required
def review_list(request):
    if request.user.role not in SUPERVISORS:
        raise Http404(_("This page is for supervisors."))
    waiting = Article.objects.filter(status=ArticleStatus.IN_REVIEW).select_related("department")
    return render(request, "knowledge/review.html", {"articles": waiting})


@login_required
@require_POST
def review_act(request, article_id):
    article = get_object_or_404(Article, pk=article_id)
    try:
        if request.POST.get("action") == "retire":
            services.retire_article(article, request.user, request.POST.get("note", ""))
        else:
            services.review_article(
                article,
                request.user,
                publish=request.POST.get("action") == "publish",
                note=request.POST.get("note", ""),
            )
    except (InvalidInput, Conflict, Forbidden) as error:
        report_refusal(request, error)
    return redirect("knowledge-article", article_id=article.pk)


@login_required
def unanswered_page(request):
    _staff(request)
    since = clock.today() - dt.timedelta(days=30)
    return render(request, "knowledge/unanswered.html", {"rows": selectors.unanswered(since), "since": since})
