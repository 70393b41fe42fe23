"""Rating pages (by the receipt's QR code, without login), rectification work pages for staff,
and each department's public page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.errors import InvalidInput
from onewindow.core.models import STAFF, SUPERVISORS
from onewindow.core.params import int_param
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.core.views import report_refusal

from . import rectification as stages
from . import selectors, services
from .models import Appeal, Level, RatingChannel, ReasonTag, Rectification


def rate(request, token):
    try:
        case, round_ = services.read_rating_token(token)
    except NotFound as error:
        raise Http404(str(error)) from None
    if case.applicant_user_id and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _rating_page(
        request,
        {"case": case, "round": round_},
        RatingChannel.QR,
        lambda data: services.rate_case(case, round_, data, rater=request.user),
        refusal=lambda: _rating_refusal(case, round_),
    )


def rate_visit(request, token):
    """A hall visit, rated from its ticket's page (the ticket's secret address is the token)."""
    from onewindow.hall.models import Ticket

    ticket = Ticket.objects.select_related("hall", "category").filter(token=token).first()
    if ticket is None:
        raise Http404(_("No such ticket."))
    return _rating_page(
        request,
        {"ticket": ticket, "round": 1},
        RatingChannel.MOBILE,
        lambda data: services.rate_visit(ticket, data, rater=request.user),
    )


def _rating_refusal(case, round_) -> str:
    if services.expected_round(case) != round_:
        return _("This case cannot be rated now, or it has been rated already.")
    return ""


def _rating_page(request, subject: dict, channel: str, rate_with, refusal=lambda: ""):
    """The rating form of a case or a visit: shown, re-shown with its errors, or answered.
    `refusal()` says why the form is not offered at all (asked only when showing it)."""
    try:
        services.refuse_staff(request.user)
    except Forbidden as error:
        return render(request, "evaluation/rated.html", {**subject, "message": str(error)}, status=403)
    form = {"level": "", "tags": [], "text": "", "consent": False}
    errors = []
    if request.method == "POST":
        form = {
            "level": request.POST.get("level", ""),
            "tags": request.POST.getlist("tags"),
            "text": request.POST.get("text", ""),
            "consent": request.POST.get("consent") == "1",
        }
        data = services.RatingInput(
            level=int(form["level"]) if form["level"].isdigit() else 0,
            channel=channel,
            text=form["text"],
            tags=form["tags"],
            consent_to_publish=form["consent"],
        )
        try:
            rating = rate_with(data)
        except services.LoginRequired:
            return redirect_to_login(request.get_full_path())
        except Forbidden as error:
            return render(request, "evaluation/rated.html", {**subject, "message": str(error)}, status=403)
        except InvalidInput as error:
            errors = error.errors
        except Conflict as error:
            return render(request, "evaluation/rated.html", {**subject, "message": str(error)}, status=409)
        else:
            return render(request, "evaluation/rated.html", {**subject, "rating": rating})
    elif message := refusal():
        return render(request, "evaluation/rated.html", {**subject, "message": message}, status=409)
    context = {**subject, "levels": Level.choices, "tags": ReasonTag.choices, "form": form, "errors": errors}
    return render(request, "evaluation/rate.html", context, status=422 if errors else 200)


def _staff(request):
    if request.user.role not in STAFF:
        raise Http404(_("Rectifications are for staff."))


@login_required
def rectification_list(request):
    _staff(request)
    state = request.GET.get("state") if request.GET.get("state") in ("open", "late", "all") else "open"
    return render(
        request,
        "evaluation/rectifications.html",
        {
            "rectifications": selectors.rectifications_for(request.user, state),
            "state": state,
            "today": clock.today(),
        },
    )


def _visible_rectification(request, rectification_id) -> Rectification:
    _staff(request)
    found = selectors.rectifications_for(request.user, "all").filter(pk=rectification_id).first()
    if found is None:
        raise Http404(_("No such rectification."))
    return found


@login_required
def rectification_detail(request, rectification_id):
    rectification = _visible_rectification(request, rectification_id)
    return render(
        request,
        "evaluation/rectification.html",
        {
            "r": rectification,
            "rating": rectification.rating,
            "steps": rectification.steps.select_related("done_by"),
            "appeals": rectification.rating.appeals.select_related("filed_by", "ruled_by"),
            "late": stages.is_late(rectification.stage, rectification.due_date, clock.today()),
            "grounds": Appeal.Ground.choices,
            "is_supervisor": request.user.role in SUPERVISORS,
            "second_round_open": _second_round_open(rectification),
        },
    )


def _second_round_open(rectification) -> bool:
    case = rectification.rating.case
    return case is not None and services.expected_round(case) == 2


@login_required
@require_POST
def rectification_act(request, rectification_id):
    rectification = _visible_rectification(request, rectification_id)
    action, post = request.POST.get("action"), request.POST
    try:
        if action == "advance":
            satisfied = {"yes": True, "no": False}.get(post.get("satisfied", ""))
            services.advance(request.user, rectification.pk, post.get("note", ""), satisfied)
        elif action == "reassign":
            services.reassign(request.user, rectification.pk, post.get("owner", ""))
        elif action == "appeal":
            services.appeal(
                request.user, rectification.rating_id, post.get("ground", ""), post.get("reason", "")
            )
        elif action in ("uphold", "reject"):
            services.rule(
                request.user,
                int_param(post, "appeal", 0, high=2**31),
                action == "uphold",
                post.get("ruling", ""),
            )
        else:
            messages.error(request, _("Unknown action."))
    except (InvalidInput, Conflict, Forbidden, NotFound) as error:
        report_refusal(request, error)
    return redirect("rectification", rectification_id=rectification.pk)


def department_page(request, code):
    department = get_object_or_404(Department, code=code)
    return render(
        request,
        "evaluation/department.html",
        {
            "department": department,
            "figures": selectors.public_figures(department),
            "replies": selectors.published_replies(department),
        },
    )
