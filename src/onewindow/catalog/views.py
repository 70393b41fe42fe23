"""Public catalog pages. The situation guide keeps its answers in the query string (a.<question>=<option>),
so it works without JavaScript or a session, back and forward, and a checklist can be bookmarked."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.models import SUPERVISORS

from . import bundles, calendars, rules, selectors
from .models import Department, LifeEvent, ServiceItem

ANSWER_PREFIX = "a."


def home(request):
    events = list(selectors.life_events_with_counts())
    # A supervisor's start page says, from 1 October, when next year's official calendar is missing.
    calendar_warnings = []
    if getattr(request.user, "role", None) in SUPERVISORS:
        calendar_warnings = calendars.missing_next_year(clock.today())
    return render(
        request,
        "catalog/home.html",
        {
            "bundles": selectors.search_bundles(),
            "person_events": [e for e in events if e.audience == LifeEvent.Audience.PERSON],
            "enterprise_events": [e for e in events if e.audience == LifeEvent.Audience.ENTERPRISE],
            "departments": selectors.departments_with_counts(),
            "calendar_warnings": calendar_warnings,
            "demo": settings.ONEWINDOW_DEMO,
            "areas": selectors.areas() if settings.ONEWINDOW_DEMO else [],
            "next_year": clock.today().year + 1,
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
    """The departments, of one place (`?area=` a top region's code) or of all the installation serves."""
    areas = selectors.areas()
    area = next((a for a in areas if a.code == request.GET.get("area")), None)
    found = selectors.departments_with_counts()
    if area is not None:
        found = found.filter(region__in=selectors.regions_under(area.code))
    return render(request, "catalog/departments.html", {"departments": found, "areas": areas, "area": area})


def _published_or_404(code: str) -> ServiceItem:
    try:
        return selectors.published_item(code)
    except ServiceItem.DoesNotExist:
        raise Http404(_("No such service.")) from None


def item_detail(request, code):
    item = _published_or_404(code)
    return render(request, "catalog/item.html", {"item": item, "held": selectors.held_by_user(request.user)})


def answers_from(query) -> dict[str, str]:
    return {
        key[len(ANSWER_PREFIX) :]: value
        for key, value in query.items()
        if key.startswith(ANSWER_PREFIX) and value
    }


def carried(query) -> dict[str, str]:
    """Parameters the guide passes along without reading them: `prefill`, the token of values read
    from registers (shared data), which the application form uses."""
    token = query.get("prefill", "")
    return (
        {"prefill": token}
        if token and len(token) <= 40 and token.replace("-", "").replace("_", "").isalnum()
        else {}
    )


def answers_query(answers: dict[str, str], **extra) -> str:
    params = [(ANSWER_PREFIX + code, option) for code, option in answers.items()]
    params += [(key, value) for key, value in extra.items() if value]
    return urlencode(params)


def _bad_answers(request, subject, problems, guide_url: str):
    return render(
        request,
        "catalog/bad_answers.html",
        {"subject": subject, "problems": problems, "guide_url": guide_url},
        status=400,
    )


def guide(request, code):
    item = _published_or_404(code)
    return _guide(
        request,
        item,
        item.rules().questions,
        list(item.questions.all()),
        reverse("guide", args=[item.code]),
        reverse("checklist", args=[item.code]),
        reverse("item", args=[item.code]),
    )


def _guide(request, subject, specs, rows, guide_url: str, checklist_url: str, start_url: str):
    """One question per page, for an item or a bundle. `at` shows a question again; `after` moves on
    from the one just answered."""
    answers = answers_from(request.GET)
    problems = rules.answer_errors(specs, answers)
    if problems:
        return _bad_answers(request, subject, problems, guide_url)
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
            return redirect(checklist_url + "?" + answers_query(answers, **carried(request.GET)))
        current = pending.code
    index = codes.index(current)
    question = next(q for q in rows if q.code == current)
    others = {k: v for k, v in answers.items() if k != current}
    previous = codes[index - 1] if index else None
    return render(
        request,
        "catalog/guide.html",
        {
            "subject": subject,
            "form_action": guide_url,
            "question": question,
            "number": index + 1,
            "error": error,
            "selected": answers.get(current),
            "hidden": [(ANSWER_PREFIX + k, v) for k, v in others.items()]
            + list(carried(request.GET).items()),
            "field_name": ANSWER_PREFIX + current,
            "back_url": (guide_url + "?" + answers_query(answers, at=previous)) if previous else start_url,
        },
        status=400 if error else 200,
    )


def checklist(request, code):
    item = _published_or_404(code)
    answers = answers_from(request.GET)
    try:
        result = selectors.checklist(item, answers, selectors.held_by_user(request.user))
    except rules.AnswersError as failure:
        if rules.answer_errors(item.rules().questions, answers):
            return _bad_answers(request, item, failure.problems, reverse("guide", args=[item.code]))
        return redirect(reverse("guide", args=[item.code]) + "?" + answers_query(answers))
    return render(
        request,
        "catalog/checklist.html",
        {
            "item": item,
            "result": result,
            "limits": result.limits,
            "answers_query": answers_query(answers),
            "advice": selectors.item_advice(result),
            "apply_query": answers_query(answers, **carried(request.GET)),
            "answers": [
                (a, reverse("guide", args=[item.code]) + "?" + answers_query(answers, at=a.question.code))
                for a in result.answers
            ],
        },
    )


def _bundle_or_404(code: str):
    bundle = selectors.search_bundles().filter(code=code).first()
    if bundle is None:
        raise Http404(_("No such service."))
    try:
        return bundle, selectors.bundle_items(bundle)
    except ServiceItem.DoesNotExist:
        raise Http404(_("No such service.")) from None


def bundle_detail(request, code):
    bundle, items = _bundle_or_404(code)
    figures = selectors.bundle_figures(bundle, items)
    typical_situation = []
    if figures:
        for question in selectors.merged_question_rows(items):
            chosen = figures.typical.answers.get(question.code)
            option = next((o for o in question.options.all() if o.code == chosen), None)
            if option:
                typical_situation.append((question.tr("text"), option.tr("text")))
    return render(
        request,
        "catalog/bundle.html",
        {
            "bundle": bundle,
            "items": items.values(),
            "figures": figures,
            "typical_situation": typical_situation,
        },
    )


def bundle_guide(request, code):
    bundle, items = _bundle_or_404(code)
    specs = bundles.merged_questions(selectors.bundle_parts(bundle, items))
    return _guide(
        request,
        bundle,
        specs,
        selectors.merged_question_rows(items),
        reverse("bundle-guide", args=[code]),
        reverse("bundle-checklist", args=[code]),
        reverse("bundle", args=[code]),
    )


def bundle_checklist(request, code):
    bundle, items = _bundle_or_404(code)
    answers = answers_from(request.GET)
    guide_url = reverse("bundle-guide", args=[code])
    try:
        result = selectors.bundle_checklist(bundle, answers, selectors.held_by_user(request.user))
    except rules.AnswersError as failure:
        if rules.answer_errors(bundles.merged_questions(selectors.bundle_parts(bundle, items)), answers):
            return _bad_answers(request, bundle, failure.problems, guide_url)
        return redirect(guide_url + "?" + answers_query(answers))
    resolution = result.resolution
    return render(
        request,
        "catalog/bundle_checklist.html",
        {
            "bundle": bundle,
            "resolution": resolution,
            "asked": [(result.materials[m.code], m) for m in resolution.materials if m.asked],
            "not_asked": [
                (result.materials[m.code], m, result.items.get(m.provided_by), result.held.get(m.code))
                for m in resolution.materials
                if not m.asked
            ],
            "stages": [
                [(result.items[code], resolution.days(code)) for code in stage] for stage in resolution.stages
            ],
            "change_url": guide_url + "?" + answers_query(answers),
            "advice": selectors.bundle_advice(result),
            "answers_query": answers_query(answers),
            "apply_query": answers_query(answers, **carried(request.GET)),
        },
    )


def pre_review(request):
    """Pre-review (审前服务): consultation (what do you want to do?), then planning (which bundle or
    items, in what order), leading into the situation guides, whose checklists give the material
    list, the channel advice and the expected time; uploads are pre-checked after applying."""
    events = list(selectors.life_events_with_counts())
    event = next((e for e in events if e.code == request.GET.get("event")), None)
    if event is None:
        error = _("Choose one of the answers.") if "event" in request.GET else None
        return render(
            request,
            "catalog/pre_review.html",
            {"events": events, "error": error},
            status=400 if error else 200,
        )
    bundles_for = list(selectors.search_bundles().filter(life_event=event))
    in_bundles = {part.item_code for bundle in bundles_for for part in bundle.parts.all()}
    items = selectors.search_items(life_event=event.code)
    return render(
        request,
        "catalog/pre_review_plan.html",
        {
            "event": event,
            "bundles": bundles_for,
            "items": [item for item in items if item.code not in in_bundles],
            "bundled_items": [item for item in items if item.code in in_bundles],
        },
    )
