"""Writes: filing with certificates (consent) and commitments, reads of certificates by staff,
withdrawing a consent, and the post-verification of commitments with what a false one brings."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from onewindow.cases import bundle_services
from onewindow.cases import services as case_services
from onewindow.cases.models import BundleCase, Case, CaseMaterial, IdType, MaterialStatus
from onewindow.catalog import rules
from onewindow.catalog.models import Bundle, Material, ServiceItem
from onewindow.catalog.selectors import bundle_checklist, checklist, department_calendar, published_item
from onewindow.certificates import signing
from onewindow.certificates.models import Certificate
from onewindow.core import clock, events
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.ids import id_problem
from onewindow.core.models import APPLICANTS, STAFF, SUPERVISORS, Role, User
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.core.workdays import add_working_days

from . import prefill, registers, selectors
from .models import (
    CertificateUse,
    Commitment,
    Consent,
    ConsentChannel,
    CreditRecord,
    DataSource,
    Prefill,
    Register,
    SharedDataSettings,
    SharedMaterial,
    SignedVia,
    Verification,
)


@dataclass
class SharedChoices:
    """What the applicant chose at filing besides the materials they bring."""

    use_certificates: bool = False  # consent to the use of their certificates that stand for materials
    commitments: dict[str, str] = field(default_factory=dict)  # material code → the name signed
    signed_via: str = SignedVia.ONLINE
    prefill: str = ""  # the token of the values read from registers for this application


def _choice_errors(
    actor: User, holder_id: str, holder_name: str, needed: dict[str, Material], choices: SharedChoices
) -> list[FieldError]:
    errors = []
    if choices.signed_via not in SignedVia.values:
        errors.append(FieldError("signed_via", f"use one of {', '.join(SignedVia.values)}"))
    elif actor.role not in STAFF and choices.signed_via != SignedVia.ONLINE:
        errors.append(
            FieldError("signed_via", "online, a commitment is signed by ticking it and typing the name")
        )
    if choices.commitments:
        bar = selectors.commitment_bar(holder_id)
        if bar is not None:
            errors.append(
                FieldError(
                    "commitments",
                    f"no commitments from this applicant until {bar.barred_until:%Y-%m-%d}: {bar.reason}",
                )
            )
    for code, name in choices.commitments.items():
        material = needed.get(code)
        if material is None:
            errors.append(FieldError(f"commitments.{code}", "not a material of this application"))
        elif not material.commitment_allowed:
            errors.append(
                FieldError(f"commitments.{code}", "this material cannot be replaced by a commitment")
            )
        elif " ".join(name.split()) != " ".join(holder_name.split()):
            errors.append(FieldError(f"commitments.{code}", "sign with the applicant's name as given above"))
    return errors


def _plan(
    actor: User, holder_id: str, holder_name: str, needed: dict[str, Material], choices: SharedChoices
) -> tuple[dict[str, Certificate], dict[str, str]]:
    """The certificates to use and the platform's material statuses; InvalidInput on a bad choice."""
    errors = _choice_errors(actor, holder_id, holder_name, needed, choices)
    if errors:
        raise InvalidInput(errors)
    held = {}
    if choices.use_certificates:
        held = {
            code: certificate
            for code, certificate in selectors.usable_certificates(holder_id).items()
            if code in needed and not needed[code].shared_data and code not in choices.commitments
        }
    platform = {code: MaterialStatus.SHARED_DATA for code in held}
    platform |= {code: MaterialStatus.COMMITTED for code in choices.commitments}
    return held, platform


def file_case(
    actor: User,
    submission: case_services.Submission,
    choices: SharedChoices,
    idempotency_key: str | None = None,
) -> tuple[Case, bool]:
    """File a case (cases.services.submit_case) with the applicant's certificates and commitments."""
    try:
        item = published_item(submission.item)
        needed = {m.code: m for m in checklist(item, submission.answers).materials}
    except (ServiceItem.DoesNotExist, rules.AnswersError):
        return case_services.submit_case(actor, submission, idempotency_key)  # it names the problem
    applicant = submission.applicant
    held, platform = _plan(actor, applicant.id_number.strip().upper(), applicant.name, needed, choices)
    submission.platform = platform
    with events.atomic():
        case, created = case_services.submit_case(actor, submission, idempotency_key)
        _attach(actor, [case], held, choices, case=case)
        _record_sources(actor, [case], choices.prefill)
    return case, created


def file_bundle(
    actor: User,
    bundle_code: str,
    applicant: case_services.Applicant,
    answers: dict,
    channel: str,
    materials: dict[str, str],
    choices: SharedChoices,
    idempotency_key: str | None = None,
) -> BundleCase:
    """File a bundle (bundle_services.submit_bundle) with the applicant's certificates and commitments."""
    bundle = Bundle.objects.filter(code=bundle_code).first()
    try:
        merged = bundle_checklist(bundle, answers) if bundle else None
    except (ServiceItem.DoesNotExist, rules.AnswersError):
        merged = None
    if merged is None:
        return bundle_services.submit_bundle(
            actor, bundle_code, applicant, answers, channel, materials, idempotency_key
        )
    needed = {m.code: merged.materials[m.code] for m in merged.resolution.materials if not m.provided_by}
    held, platform = _plan(actor, applicant.id_number.strip().upper(), applicant.name, needed, choices)
    with events.atomic():
        parent = bundle_services.submit_bundle(
            actor, bundle_code, applicant, answers, channel, materials, idempotency_key, platform
        )
        children = list(parent.children.all())
        _attach(actor, children, held, choices, bundle_case=parent)
        _record_sources(actor, children, choices.prefill)
    return parent


def _attach(
    actor: User, cases: list[Case], held: dict[str, Certificate], choices: SharedChoices, **purpose
) -> None:
    """The consent, the certificates each material uses and the commitments, once per application
    (a retried filing finds them made)."""
    now = clock.now()
    application = purpose.get("case") or purpose["bundle_case"]
    materials = list(
        CaseMaterial.objects.filter(
            case__in=cases, code__in=set(held) | set(choices.commitments)
        ).select_related("case")
    )
    if not materials:
        return
    first = materials[0].case
    if held and not Consent.objects.filter(**purpose).exists():
        consent = Consent.objects.create(
            holder_id=first.applicant_id_number,
            holder_user=first.applicant_user,
            purpose=f"{application.number}",
            scope=[
                {
                    "material": code,
                    "identifier": certificate.identifier,
                    "version": certificate.version,
                    "fingerprint": signing.fingerprint(certificate.jws),
                    "type": certificate.certificate_type.name,
                }
                for code, certificate in sorted(held.items())
            ],
            asked_by=actor,
            channel=ConsentChannel.WINDOW if actor.role in STAFF else ConsentChannel.ONLINE,
            given_at=now,
            expires_at=now + dt.timedelta(days=SharedDataSettings.current().consent_days),
            **purpose,
        )
        for material in materials:
            certificate = held.get(material.code)
            if certificate is None:
                continue
            SharedMaterial.objects.create(
                material=material,
                certificate=certificate,
                identifier=certificate.identifier,
                version=certificate.version,
                fingerprint=signing.fingerprint(certificate.jws),
                consent=consent,
            )
            CertificateUse.objects.create(
                certificate=certificate,
                holder_id=certificate.holder_id,
                case=material.case,
                consent=consent,
                user=actor,
                department=material.case.department,
                kind=CertificateUse.Kind.FILING,
                at=now,
                day=now.date(),
            )
    for material in materials:
        name = choices.commitments.get(material.code)
        if name is None or Commitment.objects.filter(material=material).exists():
            continue
        text = material.case.item.materials.get(code=material.code).tr("commitment_text")
        Commitment.objects.create(
            material=material,
            case=material.case,
            holder_id=material.case.applicant_id_number,
            text=text,
            signed_name=name.strip(),
            signed_via=choices.signed_via,
            signed_at=now,
            recorded_by=actor,
        )


def record_reads(user: User, case: Case, channel: str = "page") -> list[selectors.SharedView]:
    """A member of staff opens a case: the certificates it uses, as they stand now, and one access
    recorded per certificate, person and day. The first read by staff uses the consent up."""
    views = selectors.shared_materials(case)
    if user.role not in STAFF or not views:
        return views
    now = clock.now()
    for view in views:
        try:
            with transaction.atomic():
                CertificateUse.objects.create(
                    certificate=view.certificate,
                    holder_id=view.certificate.holder_id,
                    case=case,
                    consent=view.shared.consent,
                    user=user,
                    department=user.department,
                    kind=CertificateUse.Kind.READ,
                    at=now,
                    day=now.date(),
                )
        except IntegrityError:
            continue  # already read today
        Consent.objects.filter(pk=view.shared.consent_id, used_at__isnull=True).update(used_at=now)
    return views


def withdraw_consent(user: User, consent_id: int) -> Consent:
    with events.atomic():
        consent = Consent.objects.select_for_update().filter(pk=consent_id).first()
        if consent is None or not _holds(user, consent.holder_id):
            raise NotFound("no such consent")
        if consent.withdrawn_at is not None:
            raise Conflict("this consent is already withdrawn")
        if not selectors.withdrawable(consent):
            raise Conflict("this consent was already used (or has expired) and can no longer be withdrawn")
        consent.withdrawn_at = clock.now()
        consent.save(update_fields=["withdrawn_at"])
        by_case: dict[int, list[str]] = {}
        for shared in consent.materials.select_related("material"):
            by_case.setdefault(shared.material.case_id, []).append(shared.material.code)
        consent.materials.all().delete()
        for case_id, codes in by_case.items():
            case_services.record_platform_change(
                case_id,
                "consent_withdrawn",
                data={"consent": consent.pk},
                materials={code: MaterialStatus.MISSING for code in codes},
            )
    return consent


def _holds(user: User, holder_id: str) -> bool:
    return bool(
        user.is_authenticated and user.verified_id_number and user.verified_id_number.upper() == holder_id
    )


# Post-verification ------------------------------------------------------------------------------


def open_verifications(case: Case) -> list[Verification]:
    """On a case's approval: one verification per commitment, due within the set working days."""
    days = SharedDataSettings.current().verification_days
    due = add_working_days(department_calendar(case.department), case.decided_on or clock.today(), days)
    made = []
    for commitment in Commitment.objects.filter(case=case, verification__isnull=True):
        made.append(
            Verification.objects.create(commitment=commitment, department=case.department, due_on=due)
        )
    return made


@dataclass
class Evidence:
    """What the registers and the applicant's certificates say, for a verifier to compare."""

    register_values: list[tuple[Register, dict]]
    unavailable: list[tuple[Register, str]]
    certificates: list[Certificate]


def gather_evidence(actor: User, verification_id: int) -> Evidence:
    """Ask every active register about the applicant and list their usable certificates, for this
    verification (each question logged; each certificate use recorded in the holder's access log)."""
    verification = selectors.visible_verifications(actor).filter(pk=verification_id).first()
    if verification is None:
        raise NotFound("no such verification")
    case = verification.commitment.case
    purpose = f"post-verification {case.number}"
    found, unavailable = [], []
    for register in Register.objects.filter(active=True):
        try:
            answer = registers.lookup(register, case.applicant_id_number, purpose, actor)
        except registers.RegisterUnavailable as error:
            unavailable.append((register, str(error)))
            continue
        if answer.found:
            found.append((register, answer.values))
    certificates = list(selectors.usable_by_type(case.applicant_id_number).values())
    now = clock.now()
    kind = CertificateUse.Kind.VERIFICATION
    CertificateUse.objects.bulk_create(
        CertificateUse(certificate=c, holder_id=c.holder_id, case=case, user=actor,
                       department=actor.department, kind=kind, at=now, day=now.date())
        for c in certificates
    )  # fmt: skip
    return Evidence(found, unavailable, certificates)


@dataclass
class Finding:
    outcome: str  # confirmed | false
    method: str
    note: str = ""


def record_verification(actor: User, verification_id: int, finding: Finding) -> Verification:
    """The department's finding. A false commitment revokes the decision (and the certificates issued
    from it, through the transparency log), tells the applicant, and bars them from commitments."""
    errors = []
    if finding.outcome not in (Verification.Outcome.CONFIRMED, Verification.Outcome.FALSE):
        errors.append(FieldError("outcome", "use confirmed or false"))
    if finding.method not in Verification.Method.values:
        errors.append(FieldError("method", f"use one of {', '.join(Verification.Method.values)}"))
    if finding.outcome == Verification.Outcome.FALSE and not finding.note.strip():
        errors.append(FieldError("note", "say what was found false"))
    if errors:
        raise InvalidInput(errors)
    with events.atomic():
        verification = (
            selectors.visible_verifications(actor)
            .select_for_update(of=("self",))
            .filter(pk=verification_id)
            .first()
        )
        if verification is None:
            raise NotFound("no such verification")
        if actor.role not in (Role.REVIEWER, *SUPERVISORS):
            raise Forbidden("the department's reviewers verify commitments")
        if verification.outcome != Verification.Outcome.PENDING:
            raise Conflict(f"this commitment was already verified ({verification.outcome})")
        now = clock.now()
        verification.outcome, verification.method = finding.outcome, finding.method
        verification.note, verification.verified_by, verification.verified_at = (
            finding.note.strip(),
            actor,
            now,
        )
        verification.save()
        case = verification.commitment.case
        if finding.outcome == Verification.Outcome.FALSE:
            _false_commitment(actor, verification, case)
        else:
            case_services.record_platform_change(
                case.pk,
                "commitment_verified",
                data={"material": verification.commitment.material.code, "method": finding.method},
            )
    return verification


def _false_commitment(actor: User, verification: Verification, case: Case) -> None:
    material = verification.commitment.material
    reason = f"告知承诺不实（{material.name}）：{verification.note}"
    if case.status in ("approved", "delivered"):  # its certificates follow (certificates.issuing)
        case_services.act(actor, case.pk, case_services.ActionInput(action="revoke", note=reason))
    today = clock.today()
    CreditRecord.objects.create(
        holder_id=case.applicant_id_number,
        holder_name=case.applicant_name,
        reason=reason,
        verification=verification,
        barred_from=today,
        barred_until=today + dt.timedelta(days=SharedDataSettings.current().bar_days),
        recorded_by=actor,
        recorded_at=clock.now(),
    )


# Prefill from registers -----------------------------------------------------------------------------


def _subject(caller: User, holder_id: str) -> str:
    """Whom the registers are asked about: an applicant only about themselves; the window about the
    person in front of it (the ID number typed, checked)."""
    if caller.role in APPLICANTS:
        if not caller.verified_id_number:
            raise InvalidInput([FieldError("id_number", "this account's identity is not verified yet")])
        return caller.verified_id_number.strip().upper()
    if caller.role not in (Role.CLERK, Role.ADMIN):
        raise Forbidden("registers are asked for an applicant or at a window")
    holder_id = holder_id.strip().upper()
    id_type = IdType.USCC if len(holder_id) == 18 and not holder_id[:17].isdigit() else IdType.RESIDENT_ID
    if problem := id_problem(id_type, holder_id):
        raise InvalidInput([FieldError("id_number", problem)])
    return holder_id


NAME_REGISTERS = ("population", "enterprise")


def start_prefill(caller: User, holder_id: str, questions, purpose: str) -> Prefill:
    """Ask the registers the questions name (and the population or enterprise register for the name);
    each value keeps its source. A register that does not answer is listed, and its questions are left
    for the applicant."""
    subject = _subject(caller, holder_id)
    specs: dict[str, tuple[dict, tuple[str, ...]]] = {}
    for question in questions:
        if question.prefill and question.code not in specs:
            specs[question.code] = (question.prefill, tuple(o.code for o in question.options.all()))
    wanted = {spec["register"] for spec, _options in specs.values() if "register" in spec} | set(
        NAME_REGISTERS
    )
    values: dict[str, registers.RegisterAnswer] = {}
    unavailable = []
    for register in Register.objects.filter(code__in=wanted, active=True):
        try:
            answer = registers.lookup(register, subject, purpose, caller)
        except registers.RegisterUnavailable as error:
            unavailable.append({"register": register.code, "name": register.name, "problem": str(error)})
            continue
        if answer.found:
            values[register.code] = (register, answer)
    certificates = selectors.usable_by_type(subject)
    answers = {}
    for code, (spec, options) in specs.items():
        if "certificate" in spec:  # a field printed on one of the holder's certificates
            certificate = certificates.get(spec["certificate"])
            option = prefill.answer_from(spec, certificate.surface, options) if certificate else None
            if option is not None:
                answers[code] = _from_certificate(option, certificate, spec["field"])
            continue
        found = values.get(spec.get("register"))
        option = prefill.answer_from(spec, found[1].values, options) if found else None
        if option is not None:
            answers[code] = _sourced(option, found, spec["field"])
    applicant = {}
    for code in NAME_REGISTERS:
        if code in values and values[code][1].values.get("name"):
            applicant["name"] = _sourced(values[code][1].values["name"], values[code], "name")
            break
    else:  # the registers did not say: the holder's name as their certificates carry it
        for certificate in certificates.values():
            applicant["name"] = _from_certificate(certificate.holder_name, certificate, "holder")
            break
    return Prefill.objects.create(
        token=secrets.token_urlsafe(16),
        holder_id=subject,
        caller=caller,
        created_at=clock.now(),
        values={"answers": answers, "applicant": applicant, "unavailable": unavailable},
    )


def _sourced(value, found, register_field: str) -> dict:
    register, answer = found
    return {
        "value": str(value),
        "source": register.name,
        "register": register.code,
        "field": register_field,
        "reference": answer.fingerprint[:16],
    }


def _from_certificate(value, certificate, field_name: str) -> dict:
    return {
        "value": str(value),
        "source": certificate.certificate_type.name,
        "register": "",
        "field": field_name,
        "reference": certificate.identifier,
    }


def _record_sources(actor: User, cases: list[Case], token: str) -> None:
    """The filed values' sources, from the prefill used (which is then discarded)."""
    if not token:
        return
    found = selectors.prefill_for(actor, token)
    if found is None:
        return
    prefilled = found.values
    typed = "typed at the window" if actor.role in (Role.CLERK, Role.ADMIN) else "typed by the applicant"
    missed = ", ".join(u["name"] for u in prefilled.get("unavailable", []))
    for case in cases:
        if DataSource.objects.filter(case=case).exists():
            continue  # a retried filing
        rows = []
        filed = [(f"answers.{code}", value) for code, value in case.answers.items()]
        filed.append(("applicant.name", case.applicant_name))
        for name, value in filed:
            kind, _dot, key = name.partition(".")
            offered = prefilled.get("answers" if kind == "answers" else "applicant", {}).get(key)
            if offered and offered["value"] == value:
                source = f"{offered['source']} ({offered['field']})"
                rows.append(
                    DataSource(
                        case=case, field=name, value=value, source=source, reference=offered["reference"]
                    )
                )
            else:
                note = f"{typed} ({missed} did not answer)" if missed else typed
                rows.append(DataSource(case=case, field=name, value=value, source=note[:120]))
        DataSource.objects.bulk_create(rows)
    found.delete()


def discard_prefills(now: dt.datetime | None = None) -> int:
    """Prefilled values never filed are kept `prefill_hours` (default 24), then deleted."""
    now = now or clock.now()
    hours = SharedDataSettings.current().prefill_hours
    deleted, _by_model = Prefill.objects.filter(created_at__lt=now - dt.timedelta(hours=hours)).delete()
    return deleted
