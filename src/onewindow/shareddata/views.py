"""Pages: "My shared data" for applicants (consents, every use of their certificates, credit records),
the departments' post-verification list and its report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core import clock
from onewindow.core.errors import InvalidInput
from onewindow.core.models import APPLICANTS, SUPERVISORS, Role
from onewindow.core.params import date_param
from onewindow.core.permissions import Conflict, Forbidden, NotFound

from . import selectors, services
from .models import SharedDataSettings, Verification


def _holder_id(user) -> str:
    return (user.verified_id_number or "").strip().upper() if user.role in APPLICANTS else ""


@login_required
def my_shared_data(request):
    holder = _holder_id(request.user)
    if not holder:
        raise Http404(_("Only applicants with a verified identity have shared data."))
    consents = list(selectors.consents_of(holder))
    now = clock.now()
    return render(
        request,
        "shareddata/mine.html",
        {
            "consents": [(consent, selectors.withdrawable(consent, now)) for consent in consents],
            "uses": selectors.uses_of(holder)[:200],
            "credit_records": selectors.credit_records_of(holder),
            "bar": selectors.commitment_bar(holder),
        },
    )


@login_required
@require_POST
def withdraw(request, consent_id):
    try:
        services.withdraw_consent(request.user, consent_id)
    except NotFound:
        raise Http404(_("No such consent.")) from None
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Consent withdrawn: bring or upload those materials yourself."))
    return redirect("my-shared-data")


def _verifier(user) -> None:
    if user.role not in (Role.REVIEWER, *SUPERVISORS):
        raise Http404(_("Post-verification is the departments' work."))


@login_required
def verifications(request, errors=None, status=200):
    _verifier(request.user)
    outcome = request.GET.get("outcome", Verification.Outcome.PENDING)
    if outcome not in Verification.Outcome.values:
        outcome = Verification.Outcome.PENDING
    rows = selectors.visible_verifications(request.user).filter(outcome=outcome)[:200]
    return render(
        request,
        "shareddata/verifications.html",
        {
            "rows": rows,
            "outcome": outcome,
            "outcomes": Verification.Outcome.choices,
            "methods": Verification.Method.choices,
            "today": clock.today(),
            "errors": errors or [],
        },
        status=status,
    )


@login_required
@require_POST
def evidence(request, verification_id):
    """The registers' and certificates' answers about the applicant, beside the commitment."""
    _verifier(request.user)
    try:
        found = services.gather_evidence(request.user, verification_id)
    except NotFound:
        raise Http404(_("No such verification.")) from None
    row = selectors.visible_verifications(request.user).get(pk=verification_id)
    return render(
        request,
        "shareddata/evidence.html",
        {"row": row, "evidence": found, "methods": Verification.Method.choices},
    )


@login_required
@require_POST
def verify(request, verification_id):
    _verifier(request.user)
    finding = services.Finding(
        outcome=request.POST.get("outcome", ""),
        method=request.POST.get("method", ""),
        note=request.POST.get("note", ""),
    )
    try:
        services.record_verification(request.user, verification_id, finding)
    except NotFound:
        raise Http404(_("No such verification.")) from None
    except InvalidInput as error:
        return verifications(request, errors=[(e.field, e.message) for e in error.errors], status=400)
    except (Forbidden, Conflict) as error:
        return verifications(request, errors=[("", str(error))], status=409)
    if finding.outcome == Verification.Outcome.FALSE:
        messages.success(
            request,
            _("Found false: the decision and its certificates are revoked and the applicant is barred."),
        )
    else:
        messages.success(request, _("Recorded as verified."))
    return redirect("verifications")


@login_required
def report(request):
    _verifier(request.user)
    today = clock.today()
    until = date_param(request.GET, "until") or today
    since = date_param(request.GET, "since") or until - dt.timedelta(days=90)
    figures = selectors.commitment_report(since, until, today)
    if request.user.role == Role.REVIEWER:
        figures = [f for f in figures if f.department == request.user.department.code]
    return render(request, "shareddata/report.html", {"figures": figures, "since": since, "until": until})


@login_required
def prefill(request, kind, code):
    """Fill the situation questions and the name in from registers (the applicant's own, or at the
    window the person's whose ID number is typed), each value with its source."""
    if request.user.role not in (*APPLICANTS, Role.CLERK, Role.ADMIN):
        raise Http404(_("Only applicants and window clerks fill forms in from registers."))
    target = selectors.prefill_target(kind, code)
    if target is None:
        raise Http404(_("No such service."))
    subject, questions, guide_url = target
    context = {"subject": subject, "guide_url": guide_url, "staff": request.user.role not in APPLICANTS}
    if request.method != "POST":
        return render(request, "shareddata/prefill.html", context)
    try:
        found = services.start_prefill(
            request.user, request.POST.get("id_number", ""), questions, f"prefill {kind} {code}"
        )
    except (InvalidInput, Forbidden) as error:
        problems = error.errors if isinstance(error, InvalidInput) else []
        context["errors"] = [(e.field, e.message) for e in problems] or [("", str(error))]
        return render(request, "shareddata/prefill.html", context, status=400)
    texts = {}
    for question in questions:
        texts.setdefault(question.code, (question, {o.code: o for o in question.options.all()}))
    rows = []
    for question_code, entry in found.values["answers"].items():
        question, options = texts[question_code]
        rows.append((question, options.get(entry["value"]), entry))
    context.update(
        prefilled=found,
        rows=rows,
        name=found.values["applicant"].get("name"),
        unavailable=found.values["unavailable"],
        continue_url=selectors.prefilled_guide_url(guide_url, found),
        hours=SharedDataSettings.current().prefill_hours,
    )
    return render(request, "shareddata/prefilled.html", context)
