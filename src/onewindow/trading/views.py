"""Pages of public resource trading: the public tender list and notices; a tender's page for its
tendering party and agent (opening, guarantee verification, award, withdrawal), for bidders (their
bids and guarantees) and for the trading centre; ordering a guarantee; alerts; the report."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onewindow.core import clock
from onewindow.core.errors import InvalidInput
from onewindow.core.net import client_address
from onewindow.core.permissions import Conflict, Forbidden, NotFound

from . import selectors, services
from .models import Alert, EvaluationMethod, Guarantee, GuaranteeStatus, Guarantor, Tender

DEVICE_COOKIE = "ow_device"
CHECK_NAMES = {
    "signature": gettext_lazy("Guarantor's signature"),
    "pdf": gettext_lazy("PDF matches the signed hash"),
    "bidder": gettext_lazy("Bidder"),
    "tender": gettext_lazy("Tender"),
    "amount": gettext_lazy("Amount covers the required guarantee"),
    "validity": gettext_lazy("Valid past the opening"),
}


# What the pages call the screens and the shared attributes (the data keeps the identifiers).
LABELS = {
    "coefficient_of_variation": gettext_lazy("Coefficient of variation"),
    "spread": gettext_lazy("Spread"),
    "kurtosis": gettext_lazy("Kurtosis"),
    "skewness": gettext_lazy("Skewness"),
    "relative_distance": gettext_lazy("Relative distance of the two lowest bids"),
    "normalised_distance": gettext_lazy("Normalised distance of the two lowest bids"),
    "ks_statistic": gettext_lazy("Kolmogorov–Smirnov statistic"),
    "percentage_difference": gettext_lazy("Difference of the two lowest bids"),
    "payer_account": gettext_lazy("Same account paid the guarantee fees"),
    "ip_address": gettext_lazy("Same network address"),
    "device_id": gettext_lazy("Same device"),
    "machine_code": gettext_lazy("Same machine code in the documents"),
    "document_sha256": gettext_lazy("Identical document"),
    "document_author": gettext_lazy("Same document author"),
    "contact": gettext_lazy("Same contact"),
    "shareholding": gettext_lazy("Shareholding"),
    "personnel": gettext_lazy("Shared personnel"),
}


def label(name: str) -> str:
    """The page's name of a screen (its subgroup mean: "… (mean over subsets of three bids)")."""
    if name.endswith("_sub_mean"):
        return _("%(screen)s (mean over subsets of three bids)") % {
            "screen": LABELS.get(name[:-9], name[:-9])
        }
    return str(LABELS.get(name, name))


def tenders(request):
    context = {"tenders": Tender.objects.all()[:100]}
    if request.user.is_authenticated:
        context["guarantees"] = selectors.my_guarantees(request.user)[:50]
        context["staff"] = services.is_trading_staff(request.user)
        context["may_publish"] = request.user.role in {"enterprise", "trading", "admin"}
    return render(request, "trading/tenders.html", context)


class TenderForm(forms.Form):
    project = forms.CharField(label=gettext_lazy("Project"), max_length=300)
    owner_name = forms.CharField(label=gettext_lazy("Tendering party"), max_length=200)
    agent_name = forms.CharField(label=gettext_lazy("Tendering agent"), max_length=200, required=False)
    agent_username = forms.CharField(
        label=gettext_lazy("The agent's account (user name; it then manages the tender too)"),
        max_length=150,
        required=False,
    )
    contact = forms.CharField(label=gettext_lazy("Contact"), max_length=100, required=False)
    deadline = forms.DateTimeField(
        label=gettext_lazy("Bid deadline and opening"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    guarantee_amount = forms.DecimalField(
        label=gettext_lazy("Bid guarantee (yuan)"), max_digits=14, decimal_places=2
    )
    evaluation_method = forms.ChoiceField(
        label=gettext_lazy("Evaluation method"), choices=EvaluationMethod.choices
    )
    lot_1_name = forms.CharField(label=gettext_lazy("Lot 1: name"), max_length=200)
    lot_1_budget = forms.DecimalField(
        label=gettext_lazy("Lot 1: budget (yuan)"), max_digits=14, decimal_places=2
    )
    lot_2_name = forms.CharField(label=gettext_lazy("Lot 2: name (optional)"), max_length=200, required=False)
    lot_2_budget = forms.DecimalField(
        label=gettext_lazy("Lot 2: budget (yuan)"), max_digits=14, decimal_places=2, required=False
    )


@login_required
def new_tender(request):
    form = TenderForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lots = [services.LotInput(data["lot_1_name"], data["lot_1_budget"])]
        if data["lot_2_name"]:
            lots.append(services.LotInput(data["lot_2_name"], data["lot_2_budget"] or Decimal(0)))
        try:
            tender = services.publish_tender(
                request.user,
                services.TenderInput(
                    project=data["project"],
                    owner_name=data["owner_name"],
                    agent_name=data["agent_name"],
                    contact=data["contact"],
                    deadline=data["deadline"],
                    guarantee_amount=data["guarantee_amount"],
                    evaluation_method=data["evaluation_method"],
                    lots=lots,
                    agent_username=data["agent_username"],
                ),
            )
        except Forbidden as error:
            raise Http404(str(error)) from None
        except InvalidInput as error:
            errors = error.pairs
        else:
            messages.success(request, _("The tender is published."))
            return redirect("trading-tender", code=tender.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "trading/new_tender.html", {"form": form, "errors": errors}, status=status)


def tender(request, code):
    found = get_object_or_404(Tender, code=code)
    context = {"tender": found, "notices": found.notices.all(), "lots": found.lots.all()}
    context.update(selectors.tender_view(request.user, found))
    return render(request, "trading/tender.html", context)


def _tender_action(request, code, action, done_message):
    try:
        action()
    except (Forbidden, NotFound) as error:
        raise Http404(str(error)) from None
    except Conflict as error:
        messages.error(request, str(error))
    except InvalidInput as error:
        messages.error(request, "; ".join(message for _field, message in error.pairs))
    else:
        messages.success(request, done_message)
    return redirect("trading-tender", code=code)


@login_required
@require_POST
def open_bids(request, code):
    return _tender_action(
        request, code, lambda: services.open_bids(request.user, code), _("The bids are opened and screened.")
    )


@login_required
@require_POST
def award(request, code):
    winners = {}
    for key, value in request.POST.items():
        if key.startswith("lot_") and key[4:].isdigit() and value.isdigit():
            winners[int(key[4:])] = int(value)
    return _tender_action(
        request, code, lambda: services.award(request.user, code, winners), _("The tender is awarded.")
    )


@login_required
@require_POST
def withdraw(request, code):
    reason = request.POST.get("reason", "")
    return _tender_action(
        request, code, lambda: services.withdraw(request.user, code, reason), _("The tender is withdrawn.")
    )


@login_required
def order_guarantee(request, code):
    found = get_object_or_404(Tender, code=code)
    try:
        uscc, _name = services.enterprise_of(request.user)
    except Forbidden as error:
        raise Http404(str(error)) from None
    listed = services.trust_list_of(uscc)
    guarantors = [
        (guarantor, services.quote(guarantor, found.guarantee_amount, listed == "red"))
        for guarantor in Guarantor.objects.filter(active=True)
    ]
    errors = []
    if request.method == "POST":
        try:
            guarantee = services.order_guarantee(
                request.user, code, request.POST.get("guarantor", ""), request.POST.get("payer_account", "")
            )
        except InvalidInput as error:
            errors = error.pairs
        except (Conflict, Forbidden) as error:
            errors = [("", str(error))]
        else:
            return redirect("trading-guarantee", reference=guarantee.reference)
    context = {
        "tender": found,
        "guarantors": guarantors,
        "listed": listed,
        "errors": errors,
        "chosen": request.POST.get("guarantor", ""),
        "payer_account": request.POST.get("payer_account", ""),
    }
    return render(request, "trading/order.html", context, status=400 if errors else 200)


class BidForm(forms.Form):
    lot = forms.TypedChoiceField(label=gettext_lazy("Lot"), coerce=int)
    amount = forms.DecimalField(label=gettext_lazy("Bid amount (yuan)"), max_digits=14, decimal_places=2)
    contact = forms.CharField(label=gettext_lazy("Contact person and phone"), max_length=100, required=False)
    document = forms.FileField(label=gettext_lazy("Bid document (PDF)"))
    machine_code = forms.CharField(
        label=gettext_lazy("Machine code reported by the bid-writing tool"), max_length=100, required=False
    )


@login_required
def submit_bid(request, code):
    found = get_object_or_404(Tender, code=code)
    form = BidForm(request.POST or None, request.FILES or None)
    form.fields["lot"].choices = [(lot.number, f"{lot.number}. {lot.name}") for lot in found.lots.all()]
    errors = []
    device = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_hex(16)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        if upload.size > settings.ONEWINDOW_UPLOAD_MAX_BYTES:
            errors = [("document", services.too_large())]
        else:
            data = services.BidInput(
                lot_number=form.cleaned_data["lot"],
                amount=form.cleaned_data["amount"],
                ip_address=client_address(request) or "0.0.0.0",
                device_id=device,
                contact=form.cleaned_data["contact"],
                documents=[
                    services.DocumentInput(upload.name, upload.read(), form.cleaned_data["machine_code"])
                ],
            )
            try:
                services.submit_bid(request.user, code, data)
            except InvalidInput as error:
                errors = error.pairs
            except (Conflict, Forbidden, NotFound) as error:
                errors = [("", str(error))]
            else:
                messages.success(request, _("Your bid is submitted. It stays sealed until the opening."))
                return redirect("trading-tender", code=code)
    status = 400 if request.method == "POST" else 200
    response = render(
        request, "trading/bid.html", {"tender": found, "form": form, "errors": errors}, status=status
    )
    # The device the bids come from: one random id per browser, kept a year.
    response.set_cookie(DEVICE_COOKIE, device, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    return response


def _visible_guarantee(request, reference) -> Guarantee:
    guarantee = get_object_or_404(
        Guarantee.objects.select_related("tender", "guarantor"), reference=reference
    )
    if not selectors.may_see_guarantee(request.user, guarantee):
        raise Http404(_("No such guarantee."))
    return guarantee


@login_required
def guarantee(request, reference):
    found = _visible_guarantee(request, reference)
    pending = found.status in {"ordered", "sent"}
    context = {
        "guarantee": found,
        "pending": pending,
        "late": pending and clock.now() > found.answer_due,
        "managing": services.manages(request.user, found.tender),
        "history": [
            {"at": e.at, "action": e.action, "status": GuaranteeStatus(e.to_status).label, "note": e.note}
            for e in found.history.all()
        ],
    }
    return render(request, "trading/guarantee.html", context)


@login_required
def guarantee_pdf(request, reference):
    found = _visible_guarantee(request, reference)
    if not found.pdf:
        raise Http404(_("The guarantee is not issued."))
    with found.pdf.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.number or found.reference}.pdf"'
    return response


@login_required
@require_POST
def verify_guarantee(request, reference):
    found = _visible_guarantee(request, reference)
    try:
        verdict = services.verify_guarantee(request.user, reference)
    except Forbidden as error:
        raise Http404(str(error)) from None
    except Conflict as error:
        messages.error(request, str(error))
        return redirect("trading-tender", code=found.tender.code)
    checks = ", ".join(f"{CHECK_NAMES[name]}: {'✓' if ok else '✗'}" for name, ok in verdict.checks)
    if verdict.valid:
        messages.success(
            request,
            _("Guarantee %(number)s is valid (%(checks)s).") % {"number": found.number, "checks": checks},
        )
    else:
        messages.error(
            request,
            _("Guarantee %(number)s does NOT verify (%(checks)s).")
            % {"number": found.number, "checks": checks},
        )
    return redirect("trading-tender", code=found.tender.code)


@login_required
@require_POST
def claim_guarantee(request, reference):
    found = _visible_guarantee(request, reference)
    return _tender_action(
        request,
        found.tender.code,
        lambda: services.claim(request.user, reference, request.POST.get("reason", "")),
        _("The guarantee is claimed; the guarantor is told."),
    )


def _staff(request) -> None:
    if not services.is_trading_staff(request.user):
        raise Http404(_("Alerts and reports are for the trading centre."))


@login_required
def alerts(request):
    _staff(request)
    rows = [
        (found, ", ".join(label(n) for n in found.fired))
        for found in Alert.objects.select_related("tender")[:200]
    ]
    return render(request, "trading/alerts.html", {"rows": rows})


@login_required
def alert(request, alert_id):
    _staff(request)
    found = get_object_or_404(Alert.objects.select_related("tender"), pk=alert_id)
    errors = []
    if request.method == "POST":
        try:
            services.review_alert(
                request.user,
                alert_id,
                request.POST.get("decision") == "confirm",
                request.POST.get("note", ""),
            )
        except InvalidInput as error:
            errors = error.pairs
        except Conflict as error:
            errors = [("", str(error))]
        else:
            messages.success(request, _("The review is recorded."))
            return redirect("trading-alert", alert_id=alert_id)
    context = {
        "alert": found,
        "errors": errors,
        "fired": [label(name) for name in found.fired],
        "lots": [(lot, [(label(n), v) for n, v in values.items()]) for lot, values in found.screens.items()],
        "groups": [
            {
                "names": group.get("names", group["bidders"]),
                "edges": [
                    {
                        "names": edge.get("names", edge["between"]),
                        "evidence": [(label(e["kind"]), e["value"]) for e in edge["evidence"]],
                    }
                    for edge in group["edges"]
                ],
            }
            for group in found.links
        ],
    }
    return render(request, "trading/alert.html", context, status=400 if errors else 200)


@login_required
def report(request):
    _staff(request)
    return render(request, "trading/report.html", {"report": selectors.report()})
