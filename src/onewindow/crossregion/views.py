"""Window pages for cases handled by other regions: the application form for a partner's item (its
situation questions asked here, its materials scanned and pre-checked here), the list and a case's
page with its history and result, and the operator's view of the outbox."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onewindow.cases.models import IdType
from onewindow.cases.services import Applicant
from onewindow.catalog import prechecks, rules
from onewindow.catalog.views import answers_from, answers_query
from onewindow.core.errors import InvalidInput
from onewindow.core.models import SUPERVISORS, Role
from onewindow.core.permissions import Conflict, Forbidden, NotFound

from . import selectors, services
from .models import Peer


def _window(user) -> None:
    if user.role not in selectors.WINDOW_STAFF:
        raise Http404(_("Cases for other regions are taken at a window."))


class ApplicantForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Applicant's name"), max_length=200)
    id_type = forms.ChoiceField(label=gettext_lazy("ID type"), choices=IdType.choices)
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=32)
    phone = forms.CharField(label=gettext_lazy("Mobile phone"), max_length=32, required=False)


@login_required
def forwarded_list(request):
    _window(request.user)
    return render(
        request,
        "crossregion/list.html",
        {"rows": selectors.visible_forwarded(request.user)[:200], "peers": Peer.objects.filter(active=True)},
    )


@login_required
def new(request):
    """Choose the partner and its item; answer its situation questions; take the applicant and scans."""
    _window(request.user)
    peer = Peer.objects.filter(name=request.GET.get("peer", ""), active=True).first()
    code = request.GET.get("item", "").strip().upper()[:40]
    context = {"peers": Peer.objects.filter(active=True), "peer": peer, "code": code, "errors": []}
    if peer is None or not code:
        return render(request, "crossregion/new.html", context)
    try:
        item = services.fetch_item(peer, code)
    except services.PartnerUnavailable as error:
        context["errors"] = [("peer", str(error))]
        return render(request, "crossregion/new.html", context, status=503)
    except InvalidInput as error:
        context["errors"] = error.pairs
        return render(request, "crossregion/new.html", context, status=404)
    specs = services.item_rules(item).questions
    answers = answers_from(request.GET)
    problems = rules.answer_errors(specs, answers)
    pending = None if problems else rules.next_question(specs, answers)
    questions = {q["code"]: q for q in item.data.get("questions", [])}
    context.update(item=item, answers_query=answers_query(answers, peer=peer.name, item=code))
    if problems or pending is not None:
        context.update(
            question=questions[pending.code] if pending else None,
            hidden=[(f"a.{k}", v) for k, v in answers.items()],
            errors=[(f, m) for f, m in problems],
        )
        return render(request, "crossregion/questions.html", context, status=400 if problems else 200)
    materials = services.materials_for(item, answers)
    form = ApplicantForm(request.POST or None)
    for material in materials:
        material["fields"] = prechecks.typed_fields(material.get("checks"))
    context.update(form=form, materials=materials, answers=answers)
    if request.method == "POST" and form.is_valid():
        files = {}
        for material in materials:
            upload = request.FILES.get(f"file-{material['code']}")
            if upload is not None:
                data = {f: request.POST.get(f"{material['code']}-{f}", "") for f in material["fields"]}
                files[material["code"]] = services.Upload(upload.name, upload.read(), data)
        applicant = Applicant(**{k: form.cleaned_data[k] for k in ("name", "id_type", "id_number", "phone")})
        try:
            forwarded = services.forward_case(
                request.user, services.Forwarding(peer.name, code, applicant, answers, files)
            )
        except (InvalidInput, Forbidden) as error:
            problems = error.errors if isinstance(error, InvalidInput) else []
            context["errors"] = [(e.field, e.message) for e in problems] or [("", str(error))]
        else:
            messages.success(request, _("Sent to %(region)s as %(reference)s.") % {
                "region": peer.name, "reference": forwarded.reference})  # fmt: skip
            return redirect("forwarded-case", forwarded.pk)
    return render(request, "crossregion/apply.html", context, status=400 if request.method == "POST" else 200)


@login_required
def forwarded_case(request, forwarded_id):
    forwarded = selectors.visible_forwarded(request.user).filter(pk=forwarded_id).first()
    if forwarded is None:
        raise Http404(_("No such case."))
    return render(
        request,
        "crossregion/case.html",
        {
            "forwarded": forwarded,
            "certificates": selectors.result_certificates(forwarded),
            "may_hand_over": request.user.role in (Role.CLERK, Role.ADMIN)
            and forwarded.status in ("approved", "denied"),
        },
    )


@login_required
def result_pdf(request, forwarded_id):
    forwarded = selectors.visible_forwarded(request.user).filter(pk=forwarded_id).first()
    if forwarded is None or not forwarded.result_pdf:
        raise Http404(_("No result yet."))
    response = HttpResponse(bytes(forwarded.result_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{forwarded.remote_number}.pdf"'
    return response


@login_required
@require_POST
def hand_over(request, forwarded_id):
    try:
        services.hand_over(request.user, forwarded_id)
    except NotFound:
        raise Http404(_("No such case.")) from None
    except (Conflict, Forbidden) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Handed over; the handling region is told."))
    return redirect("forwarded-case", forwarded_id)


@login_required
def outbox(request):
    if request.user.role not in SUPERVISORS:
        raise Http404(_("The outbox is the operator's."))
    return render(request, "crossregion/outbox.html", {"rows": selectors.waiting_messages()})


@login_required
@require_POST
def outbox_action(request, message_id):
    if request.user.role not in SUPERVISORS:
        raise Http404(_("The outbox is the operator's."))
    action = services.cancel if request.POST.get("action") == "cancel" else services.retry
    try:
        action(request.user, message_id)
    except NotFound:
        messages.error(request, _("That message is no longer waiting."))
    else:
        if action is services.retry:
            services.send_pending()
        messages.success(request, _("Done."))
    return redirect(reverse("cross-region-outbox"))
