"""Certificates issued by the platform itself: when a case of an item that produces a certificate is
approved, the certificate is issued in the same transaction, and when the decision is revoked, it is
revoked (listening to the outbox, so that the cases component knows nothing of certificates)."""

from __future__ import annotations

import logging

from django.utils import timezone

from onewindow.core.errors import InvalidInput

from . import services
from .models import CertificateType

log = logging.getLogger(__name__)


def surface_from_case(schema: dict, case) -> dict:
    """The decision's data for the type's fields: the applicant's situation answers with the same
    names, and the decision's date for the first required field left empty."""
    properties = schema.get("properties", {})
    surface = {name: str(value) for name, value in case.answers.items() if name in properties}
    for name in schema.get("required", []):
        surface.setdefault(name, case.decided_on.isoformat())
    return surface


def on_event(sender, event, **kwargs) -> None:
    if event.type == "case.revoked":
        revoke_with_decision(event.payload["case_id"], event.payload.get("reason", ""))
        return
    if event.type != "case.decided" or event.payload.get("decision") != "approve":
        return
    kinds = list(CertificateType.objects.filter(item_code=event.payload.get("item", "")))
    if not kinds:
        return
    from onewindow.cases.models import Case

    case = Case.objects.get(pk=event.payload["case_id"])
    for kind in kinds:
        data = services.Issuance(
            kind.code,
            case.applicant_id_number,
            case.applicant_name,
            surface_from_case(kind.fields_schema, case),
            valid_from=case.decided_on or timezone.localdate(),
        )
        try:
            services.issue(data, None, case=case)
        except InvalidInput as error:  # e.g. an applicant whose ID cannot hold this type
            log.warning("no %s certificate for case %s: %s", kind.code, case.number, error)


def revoke_with_decision(case_id: int, reason: str) -> None:
    """A revoked decision takes the certificates issued from it along (through the transparency log)."""
    from .models import Certificate, CertificateStatus

    for certificate in Certificate.objects.filter(
        case_id=case_id, status__in=(CertificateStatus.VALID, CertificateStatus.SUSPENDED)
    ):
        services.change_status(certificate, "revoke", None, reason or "the decision was revoked")
