"""Certificate pages: the public verification page (the QR code's target), "My certificates", a
certificate for its holder and its issuing department's staff, and the staff's status changes."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing as django_signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core.errors import InvalidInput
from onewindow.core.models import APPLICANTS, SUPERVISORS
from onewindow.core.permissions import Conflict, Forbidden
from onewindow.core.views import report_refusal

from . import selectors, services
from .models import Certificate


def verify_page(request, identifier):
    """Public: valid / suspended / revoked / superseded / expired / unknown, the issuer, type, issue date
    and fingerprint, the holder's name masked — never more than the printout shows."""
    verdict = selectors.verdict(identifier)
    status = 404 if verdict.status == selectors.UNKNOWN else 200
    return render(
        request, "certificates/verify.html", {"verdict": verdict, "identifier": identifier}, status=status
    )


def _holder_id(user) -> str:
    return (user.verified_id_number or "").strip().upper()


def _visible(request, identifier) -> Certificate:
    certificate = (
        Certificate.objects.select_related("certificate_type", "issuer").filter(identifier=identifier).first()
    )
    user = request.user
    if certificate is None or not user.is_authenticated:
        raise Http404(_("No such certificate."))
    own = user.role in APPLICANTS and _holder_id(user) == certificate.holder_id
    staff = user.role in SUPERVISORS or (user.department_id and user.department_id == certificate.issuer_id)
    if not (own or staff):
        raise Http404(_("No such certificate."))
    return certificate


@login_required
def my_certificates(request):
    holder = _holder_id(request.user) if request.user.role in APPLICANTS else ""
    certificates = selectors.holder_certificates(holder) if holder else []
    return render(request, "certificates/mine.html", {"certificates": certificates})


@login_required
def certificate_page(request, identifier):
    certificate = _visible(request, identifier)
    context = {
        "certificate": certificate,
        "status": selectors.status_of(certificate),
        "verify_url": request.build_absolute_uri(
            reverse("certificate-verify", args=[certificate.identifier])
        ),
        "staff": request.user.role not in APPLICANTS,
        "document": services.document(certificate),
    }
    return render(request, "certificates/certificate.html", context)


@login_required
def download(request, identifier):
    """The signed certificate as a file: its JWS and, for reading, the document it signs."""
    certificate = _visible(request, identifier)
    body = {"jws": certificate.jws, "document": services.document(certificate)}
    response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{certificate.identifier}.json"'
    return response


@login_required
def download_pdf(request, identifier):
    """The certificate as a PDF signed by its department (PAdES), with the verification QR code."""
    from . import pdf

    certificate = _visible(request, identifier)
    verify_url = request.build_absolute_uri(reverse("certificate-verify", args=[certificate.identifier]))
    response = HttpResponse(pdf.certificate_pdf(certificate, verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.identifier}.pdf"'
    return response


SHARE_SALT = "onewindow.certificate-share"
MAX_SHARE_DAYS = 30


def _own(request, identifier) -> Certificate:
    certificate = _visible(request, identifier)
    if request.user.role not in APPLICANTS:
        raise Http404(_("No such certificate."))
    return certificate


@login_required
@require_POST
def share(request, identifier):
    """A link that shows the whole certificate to whoever the holder gives it, for 1 to 30 days."""
    certificate = _own(request, identifier)
    days = request.POST.get("days", "7")
    days = int(days) if days.isdigit() and 1 <= int(days) <= MAX_SHARE_DAYS else 7
    token = django_signing.dumps({"id": certificate.identifier, "days": days}, salt=SHARE_SALT)
    link = request.build_absolute_uri(reverse("certificate-shared", args=[token]))
    messages.success(
        request, _("Share this link; it works for %(days)s days: %(link)s") % {"days": days, "link": link}
    )
    return redirect("certificate", identifier=certificate.identifier)


def shared(request, token):
    try:
        data = django_signing.loads(token, salt=SHARE_SALT, max_age=MAX_SHARE_DAYS * 86400)
        django_signing.loads(token, salt=SHARE_SALT, max_age=int(data["days"]) * 86400)
    except (django_signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404(_("This link is not valid or has expired.")) from None
    verdict = selectors.verdict(data["id"])
    if verdict.certificate is None:
        raise Http404(_("No such certificate."))
    context = {"certificate": verdict.certificate, "status": verdict.status, "document": None}
    return render(request, "certificates/shared.html", context)


@login_required
@require_POST
def show_publicly(request, identifier):
    certificate = _own(request, identifier)
    certificate.shown_publicly = request.POST.get("show") == "1"
    certificate.save(update_fields=["shown_publicly"])
    return redirect("certificate", identifier=certificate.identifier)


def enterprise_page(request, uscc):
    """The enterprise code's page: the valid licences it chose to show; every certificate for staff."""
    staff = request.user.is_authenticated and request.user.role not in APPLICANTS
    certificates = selectors.holder_certificates(uscc).filter(holder_kind="enterprise")
    if not staff:
        certificates = certificates.filter(shown_publicly=True, status="valid")
    certificates = list(certificates)
    if not certificates and not staff:
        raise Http404(_("No enterprise shows certificates under this code."))
    name = certificates[0].holder_name if certificates else ""
    page_url = request.build_absolute_uri(reverse("enterprise-code", args=[uscc]))
    context = {"uscc": uscc, "name": name, "certificates": certificates, "staff": staff, "page_url": page_url}
    return render(request, "certificates/enterprise.html", context)


@login_required
@require_POST
def change_status(request, identifier):
    certificate = _visible(request, identifier)
    try:
        services.change_status(
            certificate, request.POST.get("action", ""), request.user, request.POST.get("reason", "")
        )
    except (InvalidInput, Conflict, Forbidden) as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("The certificate's status is changed and logged."))
    return redirect("certificate", identifier=certificate.identifier)
