"""Case pages for the window (intake), the back office (queue, review) and applicants (my cases)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.catalog import rules
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.selectors import checklist, published_item
from onewindow.catalog.views import answers_from, answers_query
from onewindow.core.errors import InvalidInput
from onewindow.core.models import Role
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.core.workdays import UnknownYear

from . import documents, selectors, services, states
from .forms import ApplicantForm
from .models import Case, DeliveryMethod, Status

STAFF = {Role.CLERK, Role.ADMIN}
APPLICANTS = {Role.CITIZEN, Role.ENTERPRISE}


@login_required
def case_list(request):
    user = request.user
    filters = {
        "status": request.GET.get("status") if request.GET.get("status") in Status.values else None,
        "due_within": int(request.GET["due_within"]) if request.GET.get("due_within", "").isdigit() else None,
        "late": True if request.GET.get("late") == "1" else None,
    }
    cases = selectors.filter_cases(selectors.visible_cases(user), **filters)
    ordering = "due_date" if request.GET.get("sort") == "due" else "-id"
    cases = cases.order_by(ordering, "-id") if ordering == "due_date" else cases
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Status.choices,
            "sort": request.GET.get("sort", ""),
            "applicant_view": user.role in APPLICANTS,
        },
    )


def _case_or_404(request, case_id) -> Case:
    case = selectors.visible_cases(request.user).filter(pk=case_id).first()
    if case is None:
        raise Http404(_("No such case."))
    return case


def _actions_for(case: Case, user) -> list[str]:
    role = "applicant" if case.applicant_user_id == user.pk and user.role in APPLICANTS else user.role
    return [a for a in states.allowed_actions(case.machine_state()) if role in states.ACTION_ROLES[a]]


@login_required
def case_detail(request, case_id, errors=None, status=200):
    case = _case_or_404(request, case_id)
    clock, clock_error = selectors.case_clock_or_error(case)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "clock": clock,
            "clock_error": clock_error,
            "events": case.events.select_related("actor"),
            "materials": case.materials.all(),
            "actions": _actions_for(case, request.user),
            "shows_id": selectors.sees_id_numbers(request.user),
            "errors": errors or [],
            "delivery_methods": DeliveryMethod.choices,
            "reviewers": case.department.staff.filter(role=Role.REVIEWER, is_active=True),
            "material_statuses": services.MaterialStatus.choices,
        },
        status=status,
    )


@login_required
@require_POST
def case_act(request, case_id):
    post = request.POST
    action = services.ActionInput(
        action=post.get("action", ""),
        note=post.get("note", ""),
        materials={k[2:]: v for k, v in post.items() if k.startswith("m.") and v},
        supplement=post.getlist("supplement"),
        delivery_method=post.get("delivery_method", ""),
        tracking_number=post.get("tracking_number", ""),
        suspension_kind=post.get("suspension_kind", ""),
        assignee=post.get("assignee", ""),
    )
    try:
        case = services.act(request.user, case_id, action)
    except NotFound:
        raise Http404(_("No such case.")) from None
    except (Forbidden, Conflict) as error:
        return case_detail(request, case_id, errors=[("action", str(error))], status=409)
    except InvalidInput as error:
        return case_detail(request, case_id, errors=[(e.field, e.message) for e in error.errors], status=400)
    except UnknownYear as error:
        return case_detail(request, case_id, errors=[("", str(error))], status=503)
    messages.success(
        request,
        _("Done: %(action)s. The case is now %(status)s.")
        % {"action": action.action, "status": case.get_status_display()},
    )
    return redirect("case", case.pk)


@login_required
def intake(request, code):
    """Window intake (clerks) or online application (citizens, enterprises), after the situation guide."""
    user = request.user
    if user.role not in STAFF | APPLICANTS:
        raise Http404(_("Only window clerks and applicants file cases."))
    try:
        item = published_item(code)
    except ServiceItem.DoesNotExist:
        raise Http404(_("No such service.")) from None
    answers = answers_from(request.GET)
    try:
        result = checklist(item, answers)
    except rules.AnswersError:
        return redirect(reverse("guide", args=[item.code]) + "?" + answers_query(answers))
    staff = user.role in STAFF
    form = ApplicantForm(request.POST or None, materials=result.materials, staff=staff)
    errors = []
    if request.method == "POST" and form.is_valid():
        submission = services.Submission(
            item=item.code,
            answers=answers,
            channel=form.cleaned_data["channel"],
            materials=form.material_statuses(),
            applicant=services.Applicant(
                **{k: form.cleaned_data[k] for k in ("name", "id_type", "id_number", "phone", "email")}
            ),
        )
        try:
            case, _created = services.submit_case(
                user, submission, request.POST.get("idempotency_key") or None
            )
        except (InvalidInput, Forbidden) as error:
            problems = error.errors if isinstance(error, InvalidInput) else []
            for problem in problems:
                field = problem.field.removeprefix("applicant.")
                if field in form.fields:
                    form.add_error(field, problem.message)
                else:
                    errors.append((problem.field, problem.message))
            if not problems:
                errors.append(("", str(error)))
        else:
            messages.success(request, _("Case %(number)s is filed.") % {"number": case.number})
            return redirect("case", case.pk)
    return render(
        request,
        "cases/intake.html",
        {
            "item": item,
            "result": result,
            "form": form,
            "errors": errors,
            "staff": staff,
            "guide_url": reverse("guide", args=[item.code]) + "?" + answers_query(answers),
            "idempotency_key": request.POST.get("idempotency_key") or services.new_idempotency_key(),
        },
        status=400 if request.method == "POST" else 200,
    )


def track(request, number):
    """Public tracking (from the receipt's QR code): status and dates only, no personal data."""
    case = get_object_or_404(
        Case.objects.select_related("item", "department"),
        number=number,
        tracking_token=request.GET.get("t", "-"),
    )
    return render(
        request, "cases/track.html", {"case": case, "clock": selectors.case_clock_or_error(case)[0]}
    )


def tracking_url(request, case: Case) -> str:
    return request.build_absolute_uri(reverse("track", args=[case.number])) + f"?t={case.tracking_token}"


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def receipt(request, case_id):
    """The acceptance receipt (受理通知书), once the case is accepted."""
    case = _case_or_404(request, case_id)
    if case.accepted_on is None:
        raise Http404(_("The case is not accepted yet."))
    return _pdf(documents.receipt_pdf(case, tracking_url(request, case)), f"receipt-{case.number}.pdf")


@login_required
def decision(request, case_id):
    """The decision notice, once the case is decided."""
    case = _case_or_404(request, case_id)
    if case.decided_on is None:
        raise Http404(_("The case is not decided yet."))
    return _pdf(documents.decision_pdf(case, tracking_url(request, case)), f"decision-{case.number}.pdf")
