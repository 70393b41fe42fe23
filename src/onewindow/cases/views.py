"""Case pages for the window (intake), the back office (queue, review) and applicants (my cases)."""

import base64
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.catalog import prechecks, rules
from onewindow.catalog.models import Bundle, ServiceItem
from onewindow.catalog.selectors import bundle_checklist, checklist, held_by_user, published_item
from onewindow.catalog.views import answers_from, answers_query
from onewindow.core.errors import InvalidInput
from onewindow.core.models import Role
from onewindow.core.params import int_param
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.core.workdays import UnknownYear
from onewindow.payments import selectors as payment_selectors
from onewindow.shareddata import selectors as shared_data_selectors
from onewindow.shareddata import services as shared_data

from . import bundle_services, documents, selectors, services, states, vn_documents
from .forms import ApplicantForm
from .models import Case, DeliveryMethod, MaterialStatus, Status

STAFF = {Role.CLERK, Role.ADMIN}
APPLICANTS = {Role.CITIZEN, Role.ENTERPRISE}


@login_required
def case_list(request):
    user = request.user
    filters = {
        "status": request.GET.get("status") if request.GET.get("status") in Status.values else None,
        "due_within": int_param(request.GET, "due_within", high=3650),
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


def _case_or_404(request, case_id, read_on: str | None = None) -> Case:
    case = selectors.case_for_detail(request.user, case_id, read_on=read_on)
    if case is None:
        raise Http404(_("No such case."))
    return case


def _uploadable(case: Case, user) -> bool:
    """The applicant uploads, and the window scans, while the case is with the window."""
    owner = case.applicant_user_id == user.pk and user.role in APPLICANTS
    return (owner or user.role in (Role.CLERK, Role.ADMIN)) and case.status in services.UPLOAD_STATES


def _actions_for(case: Case, user) -> list[str]:
    role = "applicant" if case.applicant_user_id == user.pk and user.role in APPLICANTS else user.role
    return [a for a in states.allowed_actions(case.machine_state()) if role in states.ACTION_ROLES[a]]


@login_required
def case_detail(request, case_id, errors=None, status=200, reveal=False, failed=None):
    # A read is recorded with the case (one message to the database); a reveal on its own.
    case = _case_or_404(request, case_id, read_on=None if reveal else "page")
    revealed = reveal and selectors.record_access(request.user, case, "page", reveal=True)
    clock, clock_error = selectors.case_clock_or_error(case)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            # Data instead of paper: certificates read here are recorded in the holder's access log.
            "shared_views": shared_data.record_reads(request.user, case),
            "commitments": shared_data_selectors.case_commitments(case),
            "data_sources": shared_data_selectors.data_sources(case),
            "clock": clock,
            "clock_error": clock_error,
            "events": selectors.history_as_seen_by(request.user, case),
            "materials": selectors.materials_with_copies(case, failed),
            "uploadable": _uploadable(case, request.user),
            "actions": _actions_for(case, request.user),
            "applicant_view": case.applicant_user_id == request.user.pk and request.user.role in APPLICANTS,
            "rating_url": _own_rating_url(request, case),
            "fee": payment_selectors.case_fee(request.user, case),
            "forms": vn_documents.available(case),
            "shows_id": revealed or case.applicant_user_id == request.user.pk,
            "may_reveal": selectors.sees_id_numbers(request.user) and not revealed,
            "errors": errors or [],
            "delivery_methods": DeliveryMethod.choices,
            "reviewers": case.department.staff.filter(role=Role.REVIEWER, is_active=True),
            "material_statuses": services.MaterialStatus.choices,
        },
        status=status,
    )


@login_required
@require_POST
def case_reveal(request, case_id):
    """The full ID number and phone, shown once for this page and recorded as an access."""
    return case_detail(request, case_id, reveal=True)


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
    held = {
        code: row for code, row in held_by_user(user).items() if code in {m.code for m in result.to_bring}
    }
    asked = [m for m in result.materials if m.code not in held]
    prefilled = _prefilled(request)
    receivers = [item.department, *item.receiving_departments.all()]
    initial = _prefilled_fields(prefilled)
    if own := services.front_desk(user, item, "")[0]:
        initial["receiving_unit"] = own.code
    form = ApplicantForm(
        request.POST or None, materials=asked, staff=staff, held=held, receivers=receivers, initial=initial
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        submission = services.Submission(
            item=item.code,
            answers=answers,
            channel=form.cleaned_data["channel"],
            materials=form.material_statuses(),
            applicant=form.applicant(),
            receiving_unit=form.cleaned_data.get("receiving_unit", ""),
        )
        try:
            case, _created = shared_data.file_case(
                user, submission, form.shared_choices(prefilled), request.POST.get("idempotency_key") or None
            )
        except (InvalidInput, Forbidden) as error:
            errors = _form_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s is filed.") % {"number": case.number})
            return redirect("case", case.pk)
    return render(
        request,
        "cases/intake.html",
        {
            "item": item,
            "to_bring": [m for m in result.to_bring if m.code not in held],
            "prefilled": prefilled,
            "form": form,
            "errors": errors,
            "staff": staff,
            "guide_url": reverse("guide", args=[item.code]) + "?" + answers_query(answers),
            "idempotency_key": request.POST.get("idempotency_key") or services.new_idempotency_key(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _prefilled(request):
    """Values read from registers for this application (the guide carries their token)."""
    return shared_data_selectors.prefill_for(request.user, request.GET.get("prefill", ""))


def _prefilled_fields(prefilled) -> dict:
    if prefilled is None:
        return {}
    fields = {k: v["value"] for k, v in prefilled.values.get("applicant", {}).items()}
    return fields | {"id_number": prefilled.holder_id}


def track(request, number):
    """Public tracking (from the receipt's QR code): status and dates only, no personal data."""
    case = get_object_or_404(
        Case.objects.select_related("item", "department"),
        number=number,
        tracking_token=request.GET.get("t", "-"),
    )
    from onewindow.evaluation.services import expected_round

    round_ = expected_round(case)
    return render(
        request,
        "cases/track.html",
        {
            "case": case,
            "clock": selectors.case_clock_or_error(case)[0],
            "rating_url": rating_url(request, case, round_) if round_ else "",
        },
    )


def tracking_url(request, case: Case) -> str:
    return request.build_absolute_uri(reverse("track", args=[case.number])) + f"?t={case.tracking_token}"


def _own_rating_url(request, case: Case) -> str:
    from onewindow.evaluation.services import expected_round

    if case.applicant_user_id != request.user.pk or request.user.role not in APPLICANTS:
        return ""
    round_ = expected_round(case)
    return rating_url(request, case, round_) if round_ else ""


def rating_url(request, case: Case, round_: int = 1) -> str:
    from onewindow.evaluation.services import rating_token

    return request.build_absolute_uri(reverse("rate", args=[rating_token(case, round_)]))


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
    if vn_documents.is_vietnamese(case):  # Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu số 01)
        body = vn_documents.form_pdf(case, "receipt", tracking_url(request, case))
    else:
        body = documents.receipt_pdf(case, tracking_url(request, case), rating_url=rating_url(request, case))
    return _pdf(body, f"receipt-{case.number}.pdf")


@login_required
def form(request, case_id, kind):
    """A Vietnamese unit's one-stop form the case has reached (supplement request, refusal, apology)."""
    case = _case_or_404(request, case_id)
    if kind not in vn_documents.available(case):
        raise Http404(_("This case has no such form."))
    return _pdf(vn_documents.form_pdf(case, kind, tracking_url(request, case)), f"{kind}-{case.number}.pdf")


@login_required
def decision(request, case_id):
    """The decision notice, once the case is decided."""
    case = _case_or_404(request, case_id)
    if case.decided_on is None:
        raise Http404(_("The case is not decided yet."))
    return _pdf(documents.decision_pdf(case, tracking_url(request, case)), f"decision-{case.number}.pdf")


def _form_errors(form, error) -> list[tuple[str, str]]:
    """Put a service's field errors beside the form's fields; return the others for the summary."""
    problems = error.errors if isinstance(error, InvalidInput) else []
    rest = []
    for problem in problems:
        field = problem.field.removeprefix("applicant.")
        if field in form.fields:
            form.add_error(field, problem.message)
        else:
            rest.append((problem.field, problem.message))
    return rest or ([] if problems else [("", str(error))])


@login_required
def bundle_apply(request, code):
    """File a whole bundle: online by an applicant, or at the window by a clerk, after the bundle guide."""
    user = request.user
    if user.role not in STAFF | APPLICANTS:
        raise Http404(_("Only window clerks and applicants file cases."))
    bundle = Bundle.objects.filter(code=code).first()
    if bundle is None:
        raise Http404(_("No such service."))
    answers = answers_from(request.GET)
    guide_url = reverse("bundle-guide", args=[code])
    try:
        result = bundle_checklist(bundle, answers)
    except (rules.AnswersError, ServiceItem.DoesNotExist):
        return redirect(guide_url + "?" + answers_query(answers))
    held = held_by_user(user)
    asked = [result.materials[m.code] for m in result.resolution.materials if m.asked and m.code not in held]
    held = {m.code: held[m.code] for m in result.resolution.materials if m.asked and m.code in held}
    staff = user.role in STAFF
    prefilled = _prefilled(request)
    form = ApplicantForm(
        request.POST or None, materials=asked, staff=staff, held=held, initial=_prefilled_fields(prefilled)
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        applicant = form.applicant()
        try:
            parent = shared_data.file_bundle(
                user,
                code,
                applicant,
                answers,
                form.cleaned_data["channel"],
                form.material_statuses(),
                form.shared_choices(prefilled),
                request.POST.get("idempotency_key") or None,
            )
        except (InvalidInput, Forbidden, Conflict) as error:
            errors = _form_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s is filed.") % {"number": parent.number})
            return redirect("bundle-case", parent.pk)
    return render(
        request,
        "cases/intake.html",
        {
            "item": bundle,
            "to_bring": asked,
            "prefilled": prefilled,
            "form": form,
            "errors": errors,
            "staff": staff,
            "guide_url": guide_url + "?" + answers_query(answers),
            "idempotency_key": request.POST.get("idempotency_key") or services.new_idempotency_key(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def bundle_case_detail(request, bundle_case_id, errors=None, failed=None, status=200):
    parent = bundle_services.visible_bundle_cases(request.user).filter(pk=bundle_case_id).first()
    if parent is None:
        raise Http404(_("No such case."))
    children = list(bundle_services.visible_children(parent, request.user))
    owner = parent.applicant_user_id == request.user.pk or request.user.role in STAFF
    rows: dict[str, dict] = {}
    for child in children:
        rules_by_code = {m.code: m.checks for m in child.item.materials.all()}
        for material in child.materials.all():
            if material.status == MaterialStatus.PASSED_ON or material.code in rows:
                continue
            rows[material.code] = {
                "material": material,
                "fields": prechecks.typed_fields(rules_by_code.get(material.code)),
                "uploadable": owner
                and child.status in (states.SUBMITTED, states.SUPPLEMENT_REQUESTED)
                and material.status != MaterialStatus.SHARED_DATA,
                "failed": (failed or {}).get(material.code),
            }
    return render(
        request,
        "cases/bundle_case.html",
        {
            "parent": parent,
            "children": children,
            "rows": rows.values(),
            "bundle_status": bundle_services.bundle_status(parent),
            "errors": errors or [],
            "staff": request.user.role in STAFF,
            "delivery_methods": DeliveryMethod.choices,
        },
        status=status,
    )


def _store_upload(request, target_id: int, code: str, store, show, done: str):
    """A POSTed file for one material → `store(user, target, code, name, content, data)`; problems
    shown by `show(request, target, errors=..., status=...)` beside the material, success sent to
    the page `done`."""
    upload = request.FILES.get("file")
    data = {k[2:]: v for k, v in request.POST.items() if k.startswith("d.")}
    if upload is None:
        return show(request, target_id, errors=[("file", _("Choose a file to upload."))], status=400)
    if upload.size > settings.ONEWINDOW_UPLOAD_MAX_BYTES:
        too_big = _("The file is %(size)s bytes; the limit is %(limit)s bytes.") % {
            "size": upload.size,
            "limit": settings.ONEWINDOW_UPLOAD_MAX_BYTES,
        }
        return show(request, target_id, errors=[("file", too_big)], status=400)
    try:
        store(request.user, target_id, code, upload.name, upload.read(), data)
    except NotFound:
        raise Http404(_("No such case.")) from None
    except (Forbidden, Conflict) as error:
        return show(request, target_id, errors=[("", str(error))], status=409)
    except InvalidInput as error:
        return show(
            request,
            target_id,
            errors=[(e.field, e.message) for e in error.errors],
            failed={code: error.extra.get("checks", [])},
            status=400,
        )
    messages.success(request, _("The material passed its pre-checks and is stored."))
    return redirect(done, target_id)


@login_required
@require_POST
def bundle_case_upload(request, bundle_case_id, code):
    return _store_upload(
        request,
        bundle_case_id,
        code,
        bundle_services.upload_bundle_material,
        bundle_case_detail,
        "bundle-case",
    )


@login_required
@require_POST
def case_upload(request, case_id, code):
    """A material's file: the applicant's upload, or the window's scan (the dossier's digital copy)."""
    return _store_upload(request, case_id, code, services.upload_material, case_detail, "case")


@login_required
def case_material_file(request, case_id, code):
    """The stored copy of a material, for those who see the case."""
    case = _case_or_404(request, case_id)
    material = next((m for m in case.materials.all() if m.code == code and m.file), None)
    if material is None:
        raise Http404(_("No file for this material."))
    with material.file.open("rb") as stored:
        content = stored.read()
    kind = prechecks.file_kind(content)
    response = HttpResponse(content, content_type=prechecks.FILE_TYPES.get(kind, "application/octet-stream"))
    ending = prechecks.FILE_ENDINGS.get(kind, "")
    response["Content-Disposition"] = f'attachment; filename="{case.number}-{code}{ending}"'
    # RFC 9530: the receiver checks the bytes against the digest the signed statement names.
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(hashlib.sha256(content).digest()).decode()}:"
    return response


@login_required
@require_POST
def bundle_case_act(request, bundle_case_id):
    action = request.POST.get("action")
    try:
        if action == "accept":
            bundle_services.accept_bundle(request.user, bundle_case_id)
        elif action == "deliver":
            bundle_services.deliver_bundle(
                request.user,
                bundle_case_id,
                request.POST.get("delivery_method", ""),
                request.POST.get("tracking_number", ""),
            )
        else:
            return bundle_case_detail(
                request, bundle_case_id, errors=[("action", _("Unknown action."))], status=400
            )
    except NotFound:
        raise Http404(_("No such case.")) from None
    except (Forbidden, Conflict) as error:
        return bundle_case_detail(request, bundle_case_id, errors=[("", str(error))], status=409)
    except InvalidInput as error:
        return bundle_case_detail(
            request, bundle_case_id, errors=[(e.field, e.message) for e in error.errors], status=400
        )
    messages.success(request, _("Done."))
    return redirect("bundle-case", bundle_case_id)
