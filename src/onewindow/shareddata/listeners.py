"""What this component does when others act: it tells the catalog which materials a holder's
certificates stand for, opens post-verifications when a case with commitments is approved, and flags
cases whose certificates stop being valid before their decision."""

from __future__ import annotations

from onewindow.catalog.selectors import HeldMaterial


def held_materials(sender, holder_id: str, **kwargs) -> list[HeldMaterial]:
    from .selectors import usable_certificates

    return [
        HeldMaterial(code, certificate.certificate_type.name, certificate.identifier)
        for code, certificate in usable_certificates(holder_id).items()
    ]


def on_event(sender, event, **kwargs) -> None:
    if event.type == "case.decided" and event.payload.get("decision") == "approve":
        from onewindow.cases.models import Case

        from .services import open_verifications

        open_verifications(Case.objects.select_related("department").get(pk=event.payload["case_id"]))
    elif event.type in ("certificate.revoked", "certificate.suspended"):
        _flag_cases(event.payload["identifier"], event.payload["status"])


def _flag_cases(identifier: str, status: str) -> None:
    from onewindow.cases import services as case_services
    from onewindow.cases import states

    from .models import SharedMaterial

    undecided = SharedMaterial.objects.filter(
        certificate__identifier=identifier, material__case__status__in=states.OPEN_STATES
    ).select_related("material")
    for shared in undecided:
        case_services.record_platform_change(
            shared.material.case_id,
            "shared_data_invalid",
            note=f"{shared.identifier}: {status}",
            data={"material": shared.material.code, "certificate": shared.identifier, "status": status},
        )
