"""Thin pages around the payment services: pay online (off to the gateway's page and back), the
gateway's notices, the window's record, refunds, receipts and the reconciliation reports."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onewindow.cases.views import _pdf, case_detail, tracking_url
from onewindow.core.errors import InvalidInput
from onewindow.core.models import Role
from onewindow.core.permissions import Conflict, Forbidden, NotFound

from . import protocol, receipts, selectors, services
from .gateways import GatewayError


def _copies(request) -> int | str:
    raw = request.POST.get("copies", "1").strip() or "1"
    return int(raw) if raw.isdigit() else raw


def _refused(request, case_id, error):
    """The case page again with what went wrong, by field where there is one."""
    if isinstance(error, InvalidInput):
        return case_detail(request, case_id, errors=[(e.field, e.message) for e in error.errors], status=400)
    return case_detail(request, case_id, errors=[("payment", str(error))], status=409)


@login_required
@require_POST
def pay(request, case_id):
    try:
        payment = services.start_online(request.user, case_id, _copies(request))
    except (InvalidInput, Conflict, Forbidden, GatewayError) as error:
        return _refused(request, case_id, error)
    except NotFound:
        raise Http404(_("No such case.")) from None
    return redirect(payment.pay_url)


@login_required
def came_back(request):
    """Where the gateway sends the payer back: the notice may not be here yet, so ask."""
    payment = selectors.visible_payment(request.user, request.GET.get("reference", ""))
    if payment is None:
        raise Http404(_("No such payment."))
    payment = services.refresh(payment)
    if payment.status == payment.Status.PAID:
        messages.success(request, _("Paid. Your receipt is %(number)s.") % {"number": payment.receipt_number})
    elif payment.status == payment.Status.CANCELLED:
        messages.warning(request, _("The payment was cancelled; the fee is still due."))
    else:
        messages.info(request, _("The payment is not confirmed yet; this page will show it once it is."))
    return redirect("case", payment.case_id)


@csrf_exempt
@require_POST
def notice(request):
    """The gateway's signed notice (server to server, no session): 401 for a bad signature."""
    try:
        outcome = services.receive_notice(
            "POST", request.get_full_path(), dict(request.headers), request.body
        )
    except protocol.VerificationError as error:
        return JsonResponse({"error": str(error)}, status=401)
    except (ValueError, KeyError) as error:
        return JsonResponse({"error": f"not a payment notice: {error}"}, status=400)
    return JsonResponse({"outcome": outcome})


@login_required
@require_POST
def record_at_window(request, case_id):
    try:
        services.record_at_window(request.user, case_id, _copies(request))
    except (InvalidInput, Conflict, Forbidden) as error:
        return _refused(request, case_id, error)
    except NotFound:
        raise Http404(_("No such case.")) from None
    messages.success(request, _("Payment recorded."))
    return redirect("case", case_id)


@login_required
@require_POST
def refund(request, reference):
    payment = selectors.visible_payment(request.user, reference)
    if payment is None:
        raise Http404(_("No such payment."))
    try:
        services.refund(
            request.user, reference, request.POST.get("amount", ""), request.POST.get("reason", "")
        )
    except (InvalidInput, Conflict, Forbidden) as error:
        return _refused(request, payment.case_id, error)
    messages.success(request, _("Refunded."))
    return redirect("case", payment.case_id)


@login_required
def receipt(request, reference):
    payment = selectors.visible_payment(request.user, reference)
    if payment is None or not payment.receipt_number:
        raise Http404(_("No such receipt."))
    return _pdf(
        receipts.receipt_pdf(payment, tracking_url(request, payment.case)), f"{payment.receipt_number}.pdf"
    )


@login_required
def reconciliation(request):
    if request.user.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise Http404(_("Only supervisors see the reconciliation."))
    errors = []
    if request.method == "POST":
        try:
            day = dt.date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            errors.append(_("Give the day as YYYY-MM-DD."))
        else:
            try:
                services.reconcile_day(day)
            except GatewayError as error:
                errors.append(str(error))
            else:
                return redirect("payments-reconciliation")
    return render(
        request,
        "payments/reconciliation.html",
        {"reports": selectors.reconciliations(), "errors": errors},
        status=400 if errors else 200,
    )
