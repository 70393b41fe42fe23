"""Public catalog pages. The situation guide keeps its answers in the query string (a.<question>=<option>),
so it works without JavaScript or a session, back and forward, and a checklist can be bookmarked."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules, selectors
from .models import Department, LifeEvent, ServiceItem

ANSWER_PREFIX = "a."


def home(request):
    events = list(selectors.life_events_with_counts())
    return render(
        request,
        "catalog/home.html",
        {
            "person_events": [e for e in events if e.audience == LifeEvent.Audience.PERSON],
            "enterprise_events": [e for e in events if e.audience == LifeEvent.Audience.ENTERPRISE],
            "departments": selectors.departments_with_counts(),
        },
    )


def search(request):
    query = request.GET.get("q", "").strip()[:100]
    department = Department.objects.filter(code=request.GET.get("department") or None).first()
    event = LifeEvent.objects.filter(code=request.GET.get("life_event") or None).first()
    audience = (
        request.GET.get("audience") if request.GET.get("audience") in {"person", "enterprise"} else None
    )
    items = selectors.search_items(query, department and department.code, event and event.code, audience)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    params = {
        k: v
        for k, v in (
            ("q", query),
            ("department", department and department.code),
            ("life_event", event and event.code),
            ("audience", audience),
        )
        if v
    }
    return render(
        request,
        "catalog/search.html",
        {
            "query": query,
            "department": department,
            "event": event,
            "audience": audience,
            "page": page,
            "base_query": urlencode(params),
            "departments": Department.objects.all(),
        },
    )


def departments(request):
    return render(request, "catalog/departments.html", {"departments": selectors.departments_with_counts()})


def _published_or_404(code: str) -> ServiceItem:
    try:
        return selectors.published_item(code)
    except ServiceItem.DoesNotExist:
        raise Http404(_("No such service.")) from None


def item_detail(request, code):
    item = _published_or_404(code)
    return render(request, "catalog/item.html", {"item": item})


def answers_from(query) -> dict[str, str]:
    return {
        key[len(ANSWER_PREFIX) :]: value
        for key, value in query.items()
        if key.startswith(ANSWER_PREFIX) and value
    }


def answers_query(answers: dict[str, str], **extra) -> str:
    params = [(ANSWER_PREFIX + code, option) for code, option in answers.items()]
    params += [(key, value) for key, value in extra.items() if value]
    return urlencode(params)


def _bad_answers(request, item, problems):
    return render(request, "catalog/bad_answers.html", {"item": item, "problems": problems}, status=400)


def guide(request, code):
    """One question per page. `at` shows a question again; `after` moves on from the one just answered."""
    item = _published_or_404(code)
    specs = item.rules().questions
    answers = answers_from(request.GET)
    problems = rules.answer_errors(specs, answers)
    if problems:
        return _bad_answers(request, item, problems)
    applicable = rules.applicable_questions(specs, answers)
    answers = {q.code: answers[q.code] for q in applicable if q.code in answers}
    codes = [q.code for q in applicable]
    error = None
    current = None
    if request.GET.get("at") in codes:
        current = request.GET["at"]
    elif request.GET.get("after") in codes:
        after = request.GET["after"]
        if after not in answers:
            current, error = after, _("Choose one of the answers.")
        else:
            later = codes[codes.index(after) + 1 :]
            current = next(iter(later), None)
    else:
        pending = rules.next_question(specs, answers)
        current = pending.code if pending else None
    if current is None:
        pending = rules.next_question(specs, answers)
        if pending is None:
            return redirect(reverse("checklist", args=[item.code]) + "?" + answers_query(answers))
        current = pending.code
    index = codes.index(current)
    question = next(q for q in item.questions.all() if q.code == current)
    others = {k: v for k, v in answers.items() if k != current}
    previous = codes[index - 1] if index else None
    return render(
        request,
        "catalog/guide.html",
        {
            "item": item,
            "question": question,
            "number": index + 1,
            "error": error,
            "selected": answers.get(current),
            "hidden": [(ANSWER_PREFIX + k, v) for k, v in others.items()],
            "field_name": ANSWER_PREFIX + current,
            "back_url": (reverse("guide", args=[item.code]) + "?" + answers_query(answers, at=previous))
            if previous
            else reverse("item", args=[item.code]),
        },
        status=400 if error else 200,
    )


def checklist(request, code):
    item = _published_or_404(code)
    answers = answers_from(request.GET)
    try:
        result = selectors.checklist(item, answers)
    except rules.AnswersError as failure:
        if rules.answer_errors(item.rules().questions, answers):
            return _bad_answers(request, item, failure.problems)
        return redirect(reverse("guide", args=[item.code]) + "?" + answers_query(answers))
    return render(
        request,
        "catalog/checklist.html",
        {
            "item": item,
            "result": result,
            "limits": result.limits,
            "answers_query": answers_query(answers),
            "answers": [
                (a, reverse("guide", args=[item.code]) + "?" + answers_query(answers, at=a.question.code))
                for a in result.answers
            ],
        },
    )
