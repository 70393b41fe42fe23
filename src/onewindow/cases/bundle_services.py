"""Writes for "one thing" bundle cases: one application, one child case per item, one delivery.

Children whose inputs are other children's results wait; when an input is approved its result is
passed on as a material and the child starts (accepted automatically once the bundle is accepted);
when an input is denied, the children waiting for it are refused with that reason.
"""

from __future__ import annotations

from onewindow.catalog import rules
from onewindow.catalog.models import Bundle, ServiceItem
from onewindow.catalog.selectors import bundle_checklist
from onewindow.core import clock as platform_clock
from onewindow.core import events, idempotency
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import Role, User
from onewindow.core.permissions import Conflict, Forbidden, NotFound

from . import states
from .models import BundleCase, Case, IdempotencyRecord, MaterialStatus
from .selectors import bundle_due_date
from .services import (
    ActionInput,
    Applicant,
    Submission,
    _create_case,
    _record,
    _validate_submission,
    act,
    material_status_errors,
    upload_material,
)
from .signals import bundle_child_closed


def visible_bundle_cases(user: User):
    from .selectors import visible_cases

    found = BundleCase.objects.select_related("bundle")
    if not user.is_authenticated:
        return found.none()
    if user.role in (Role.ADMIN, Role.SUPERVISOR):
        return found
    if user.role in (Role.REVIEWER, Role.CLERK):
        return found.filter(pk__in=visible_cases(user).values("parent_id"))
    return found.filter(applicant_user=user)


def visible_children(parent: BundleCase, user: User):
    """The parts of a bundle case `user` may see: a reviewer only their department's part (the other
    departments' numbers, states and material checks are not theirs to read)."""
    children = parent.children.select_related("item", "department").order_by("pk")
    if user.role == Role.REVIEWER:
        return children.filter(department_id=user.department_id)
    return children


def submit_bundle(
    actor: User,
    bundle_code: str,
    applicant: Applicant,
    answers: dict,
    channel: str,
    materials: dict[str, str],
    idempotency_key: str | None = None,
    platform: dict[str, str] | None = None,
) -> BundleCase:
    """`platform`: statuses another component sets for materials (services.Submission.platform)."""
    platform = platform or {}
    digest = idempotency.request_hash(
        Submission(bundle_code, applicant, answers, channel, materials, platform)
    )
    earlier = idempotency.replayed(IdempotencyRecord, actor, idempotency_key, digest, "bundle_case")
    if earlier is not None:
        return earlier
    bundle = Bundle.objects.filter(code=bundle_code).first()
    if bundle is None:
        raise InvalidInput([FieldError("bundle", f"no bundle {bundle_code!r}")])
    try:
        merged = bundle_checklist(bundle, answers)
    except rules.AnswersError as failure:
        raise InvalidInput.from_pairs(failure.problems) from None
    except ServiceItem.DoesNotExist as error:
        raise InvalidInput([FieldError("bundle", str(error))]) from None
    resolution = merged.resolution
    problems = material_status_errors(actor.role, merged.materials, materials)
    problems += [
        FieldError(f"materials.{code}", "not a material of this bundle in this situation")
        for code in platform
        if code not in merged.materials
    ]
    if problems:
        raise InvalidInput(problems)
    provided = {m.code: m for m in resolution.materials}
    children = []
    for code, item in merged.items.items():
        own = {q.code for q in item.questions.all()}
        statuses = {}
        for material in resolution.materials_by_item[code]:
            if provided[material].provided_by:
                continue  # passed on when the item producing it is approved
            if provided[material].shared_data:
                statuses[material] = MaterialStatus.SHARED_DATA
            elif material not in platform:
                statuses[material] = materials.get(material, MaterialStatus.MISSING)
        submission = Submission(
            code,
            applicant,
            {k: v for k, v in resolution.answers.items() if k in own},
            channel,
            statuses,
            {m: platform[m] for m in resolution.materials_by_item[code] if m in platform},
        )
        children.append((submission, *_validate_submission(submission, actor, platform_statuses=True)))

    def write() -> BundleCase:
        now = platform_clock.now()
        parent = BundleCase.objects.create(
            number=f"B-{now:%Y%m%d%H%M%S%f}",
            bundle=bundle,
            answers=resolution.answers,
            channel=channel,
            applicant_user=actor if actor.role in (Role.CITIZEN, Role.ENTERPRISE) else None,
            applicant_name=applicant.name.strip(),
            submitted_at=now,
        )
        region = next(iter(merged.items.values())).department.region.code
        parent.number = f"{region}-{platform_clock.today():%Y%m%d}-B{parent.pk:06d}"
        parent.save(update_fields=["number"])
        for submission, item, result in children:
            _create_case(
                actor,
                submission,
                item,
                result,
                parent=parent,
                waiting_for=list(resolution.waits_for[item.code]),
            )
        return parent

    parent, _created = idempotency.once(
        IdempotencyRecord, actor, idempotency_key, digest, "bundle_case", write
    )
    return parent


def _bundle_case(actor: User, bundle_case_id: int) -> BundleCase:
    if not visible_bundle_cases(actor).filter(pk=bundle_case_id).exists():
        raise NotFound("no such bundle case")
    return BundleCase.objects.select_for_update().select_related("bundle").get(pk=bundle_case_id)


@events.atomic()
def accept_bundle(actor: User, bundle_case_id: int) -> BundleCase:
    """The window accepts the whole application: every child that is not waiting is accepted now."""
    parent = _bundle_case(actor, bundle_case_id)
    if actor.role not in (Role.CLERK, Role.ADMIN):
        raise Forbidden(f"a {actor.role} cannot accept a bundle case")
    if parent.accepted_on is not None:
        raise Conflict("the bundle case is already accepted", ["deliver"])
    problems = []
    for child in parent.children.filter(status=states.SUBMITTED, waiting_for=[]):
        try:
            act(actor, child.pk, ActionInput(action="accept"))
        except InvalidInput as error:
            problems += [FieldError(f"{child.item.code}.{e.field}", e.message) for e in error.errors]
    if problems:
        raise InvalidInput(problems, detail="Some items cannot be accepted")
    parent.accepted_on = platform_clock.today()
    parent.due_date, parent.due_date_provisional = bundle_due_date(parent)
    parent.save(update_fields=["accepted_on", "due_date", "due_date_provisional"])
    return parent


def release_dependents(decided: Case) -> None:
    """When a bundle child is decided or closed (inside `act`): its siblings may start, or cannot."""
    code = decided.item.code
    for sibling in (
        Case.objects.select_for_update().filter(parent_id=decided.parent_id).exclude(pk=decided.pk)
    ):
        if code not in sibling.waiting_for:
            continue
        if decided.status == states.APPROVED:
            sibling.waiting_for = [w for w in sibling.waiting_for if w != code]
            sibling.save(update_fields=["waiting_for"])
            if decided.item.result_material:
                sibling.materials.filter(code=decided.item.result_material).update(
                    status=MaterialStatus.PASSED_ON
                )
            _record(
                sibling,
                None,
                "input_ready",
                sibling.status,
                sibling.status,
                "",
                {"from": code, "material": decided.item.result_material},
            )
            parent = sibling.parent
            if parent.accepted_on and not sibling.waiting_for and sibling.status == states.SUBMITTED:
                _start(sibling)
        elif sibling.status in states.OPEN_STATES:
            note = f"{decided.item.name}（{code}）未获批准，本事项无法办理"
            sibling.status, sibling.waiting_for = states.REFUSED, []
            sibling.save(update_fields=["status", "waiting_for"])
            _record(sibling, None, "refuse", states.SUBMITTED, states.REFUSED, note, {"because_of": code})
            release_dependents(sibling)


def _start(child: Case) -> None:
    """Accept a child whose inputs are ready, on behalf of the window that accepted the bundle."""
    from .selectors import case_clock

    child.status, child.accepted_on = states.ACCEPTED, platform_clock.today()
    running = case_clock(child)
    child.set_clock(running)
    child.save(update_fields=["status", "accepted_on", "due_date", "due_date_provisional"])
    _record(
        child, None, "accept", states.SUBMITTED, states.ACCEPTED, "", {"due_date": child.due_date.isoformat()}
    )


def bundle_status(parent: BundleCase) -> str:
    statuses = [c.status for c in parent.children.all()]
    if parent.delivered_at:
        return "delivered"
    if parent.accepted_on is None:
        return "submitted"
    if all(s in states.DECIDED_STATES + states.FINAL_STATES for s in statuses):
        return "ready"
    return "in_progress"


@events.atomic()
def deliver_bundle(actor: User, bundle_case_id: int, method: str, tracking_number: str = "") -> BundleCase:
    """One delivery for the whole bundle, once every child is decided or closed (a partial result is fine)."""
    parent = _bundle_case(actor, bundle_case_id)
    if actor.role not in (Role.CLERK, Role.ADMIN):
        raise Forbidden(f"a {actor.role} cannot deliver a bundle case")
    status = bundle_status(parent)
    if status != "ready":
        raise Conflict(f"the bundle case is {status}; it is delivered when every item is decided")
    for child in parent.children.filter(status__in=states.DECIDED_STATES):
        act(
            actor,
            child.pk,
            ActionInput(action="deliver", delivery_method=method, tracking_number=tracking_number),
        )
    parent.delivered_at = platform_clock.now()
    parent.save(update_fields=["delivered_at"])
    return parent


@events.atomic()
def upload_bundle_material(
    actor: User, bundle_case_id: int, code: str, name: str, content: bytes, data: dict
) -> list:
    """One upload for a material the bundle asks once: stored on every child case that needs it.
    Any failing pre-check refuses it everywhere (InvalidInput with the results)."""
    if not visible_bundle_cases(actor).filter(pk=bundle_case_id).exists():
        raise NotFound("no such bundle case")
    children = Case.objects.filter(parent_id=bundle_case_id, materials__code=code).exclude(
        materials__code=code, materials__status=MaterialStatus.PASSED_ON
    )
    stored = [
        upload_material(actor, child.pk, code, name, content, data) for child in children.order_by("pk")
    ]
    if not stored:
        raise NotFound(f"this application has no material {code!r} to upload")
    return stored


def _child_closed(sender, case: Case, **kwargs) -> None:
    release_dependents(case)


bundle_child_closed.connect(_child_closed, dispatch_uid="cases-release-bundle-dependents")
