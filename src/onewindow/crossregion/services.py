"""Writes of cross-region handling, at both ends.

Filing region (A): fetch and cache the partner's item, take the application and its files at the
window with the partner's pre-checks, forward it; record what the partner reports; hand over the
result. Handling region (B): receive the case (as a case of its own, channel "cross-region"), report
its changes and result back; record the hand-over. Every message goes through the outbox
(`OutgoingMessage`, written in the change's transaction) and is taken once (`IncomingMessage`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify
from django_tasks import task

from onewindow.cases import services as case_services
from onewindow.cases.models import Case, Channel, DeliveryMethod
from onewindow.catalog import prechecks, rules
from onewindow.certificates.models import Certificate
from onewindow.core import clock, events
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.ids import id_problem
from onewindow.core.models import Role, User
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.core.tasks import backoff_seconds, enqueue_once

from . import messages
from .models import (
    CaseOrigin,
    ForwardedCase,
    ForwardedMaterial,
    ForwardedStatus,
    IncomingMessage,
    MessageStatus,
    OutgoingMessage,
    Peer,
    RemoteItem,
)

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
WINDOW_ROLES = (Role.CLERK, Role.ADMIN)


class PartnerUnavailable(Exception):
    pass


# Filing region: the partner's catalog ---------------------------------------------------------------


def _get_json(url: str) -> dict:
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "Accept-Language": "zh-hans"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (a configured peer)
        return json.loads(response.read())


def fetch_item(peer: Peer, code: str, max_age: dt.timedelta = dt.timedelta(hours=1)) -> RemoteItem:
    """The partner's published item, from the cache if fetched within `max_age`; the cached copy when
    the partner cannot be reached; PartnerUnavailable when there is none."""
    cached = RemoteItem.objects.filter(peer=peer, code=code).first()
    if cached and clock.now() - cached.fetched_at < max_age:
        return cached
    url = f"{peer.base_url.rstrip('/')}/api/v1/items/{urllib.parse.quote(code)}"
    try:
        data = _get_json(url)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise InvalidInput([FieldError("item", f"{peer.name} publishes no item {code!r}")]) from None
        if cached:
            return cached
        raise PartnerUnavailable(f"{peer.name} answered {error.code}") from None
    except (OSError, ValueError) as error:
        if cached:
            return cached
        raise PartnerUnavailable(f"{peer.name} cannot be reached: {error}") from None
    found, _created = RemoteItem.objects.update_or_create(
        peer=peer, code=code, defaults={"version": data["version"], "data": data, "fetched_at": clock.now()}
    )
    return found


def item_rules(item: RemoteItem) -> rules.ItemRules:
    """The partner item's situation rules, read from its published data with the catalog's own rules."""
    data = item.data
    return rules.ItemRules(
        questions=tuple(
            rules.QuestionSpec(q["code"], tuple(o["code"] for o in q["options"]), q.get("when"))
            for q in data.get("questions", [])
        ),
        materials=tuple(rules.ConditionalPart(m["code"], m.get("when")) for m in data.get("materials", [])),
        steps=tuple(rules.ConditionalPart(s["code"], s.get("when")) for s in data.get("steps", [])),
        limits={
            "legal_days": data.get("legal_days"),
            "promised_days": data.get("promised_days", 0),
            "max_visits": data.get("max_visits", 0),
            "immediate": data.get("immediate", False),
            "fee": data.get("fee", 0),
        },
    )


def materials_for(item: RemoteItem, answers: dict) -> list[dict]:
    """The partner item's materials in this situation; rules.AnswersError on bad or missing answers."""
    wanted = set(rules.resolve(item_rules(item), answers).materials)
    return [m for m in item.data.get("materials", []) if m["code"] in wanted]


# Filing region: taking the application -------------------------------------------------------------


@dataclass
class Upload:
    name: str
    content: bytes
    data: dict = field(default_factory=dict)


@dataclass
class Forwarding:
    peer: str
    item: str
    applicant: case_services.Applicant
    answers: dict[str, str]
    files: dict[str, Upload]  # material code → the scan taken at the window


def forward_case(actor: User, request: Forwarding) -> ForwardedCase:
    """Take an application for a partner region's item at our window and send it there. The files are
    checked here with the partner's own pre-checks, so that nothing it would refuse travels."""
    if actor.role not in WINDOW_ROLES:
        raise Forbidden("applications for other regions are taken at a window")
    peer = Peer.objects.filter(name=request.peer, active=True).first()
    if peer is None:
        raise InvalidInput([FieldError("peer", f"no partner region {request.peer!r}")])
    item = fetch_item(peer, request.item)
    errors = []
    applicant = request.applicant
    if not applicant.name.strip():
        errors.append(FieldError("applicant.name", "the applicant's name is required"))
    if problem := id_problem(applicant.id_type, applicant.id_number):
        errors.append(FieldError("applicant.id_number", problem))
    try:
        needed = materials_for(item, request.answers)
    except rules.AnswersError as failure:
        raise InvalidInput(errors + [FieldError(f, m) for f, m in failure.problems]) from None
    checked = {}
    limit = settings.ONEWINDOW_UPLOAD_MAX_BYTES
    for material in needed:
        upload = request.files.get(material["code"])
        path = f"files.{material['code']}"
        if upload is None:
            if material["required"]:
                errors.append(FieldError(path, f"{material['name']}: a scan is required"))
            continue
        if len(upload.content) > limit:
            errors.append(FieldError(path, f"the file is {len(upload.content)} bytes; the limit is {limit}"))
            continue
        checks = material.get("checks") or []
        if not any(check.get("rule") == "file" for check in checks):
            checks = [{"rule": "file"}, *checks]
        results = prechecks.run_checks(
            checks, upload.data, prechecks.Upload(upload.name, upload.content), today=clock.today()
        )
        failed = [r for r in results if not r.passed]
        errors += [
            FieldError(
                f"{path}.{field}" if field != "file" else path, f"{material['name']}: {message}", r.rule
            )
            for r in failed
            for field, message in r.errors()
        ]
        checked[material["code"]] = (material, upload, [r.as_dict() for r in results])
    errors += [
        FieldError(f"files.{code}", "not a material of this item in this situation")
        for code in request.files
        if code not in {m["code"] for m in needed}
    ]
    carried = sum(len(upload.content) for _m, upload, _r in checked.values()) * 4 // 3
    if carried > settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 64 * 1024:
        errors.append(
            FieldError("files", f"the scans come to {carried} bytes encoded; one application carries at most "
                                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 64 * 1024}")
        )  # fmt: skip
    if errors:
        raise InvalidInput(errors)
    now = clock.now()
    with events.atomic():
        forwarded = ForwardedCase.objects.create(
            reference=f"X-{now:%Y%m%d}-{secrets.token_hex(4).upper()}",
            peer=peer,
            item_code=item.code,
            item_version=item.version,
            item_name=item.name,
            applicant_name=applicant.name.strip(),
            applicant_id_type=applicant.id_type,
            applicant_id_number=applicant.id_number.strip().upper(),
            applicant_phone=applicant.phone.strip(),
            answers=dict(request.answers),
            taken_by=actor,
            taken_at=now,
            history=[_step(now, actor.username, "taken", f"{peer.name}: {item.code} v{item.version}")],
        )
        sent_materials = []
        for code, (material, upload, results) in checked.items():
            row = ForwardedMaterial(
                forwarded_case=forwarded, code=code, name=material["name"], data=upload.data, checks=results
            )
            ending = prechecks.FILE_ENDINGS[prechecks.file_kind(upload.content)]
            row.file.save(f"{code}-{secrets.token_hex(8)}{ending}", ContentFile(upload.content), save=False)
            row.save()
            sent_materials.append(
                {
                    "code": code,
                    "name": material["name"],
                    "file_name": f"{code}{ending}",
                    "content": base64.b64encode(upload.content).decode(),
                    "data": upload.data,
                }
            )
        _send(
            peer,
            "case.forward",
            {
                "reference": forwarded.reference,
                "item": item.code,
                "item_version": item.version,
                "applicant": {
                    "name": forwarded.applicant_name,
                    "id_type": forwarded.applicant_id_type,
                    "id_number": forwarded.applicant_id_number,
                    "phone": forwarded.applicant_phone,
                },
                "answers": forwarded.answers,
                "materials": sent_materials,
                "taken_by": actor.get_full_name() or actor.username,
            },
        )
    return forwarded


def _step(at: dt.datetime, by: str, what: str, note: str = "") -> dict:
    return {"at": at.isoformat(timespec="seconds"), "by": by, "what": what, "note": note}


@transaction.atomic
def hand_over(actor: User, forwarded_id: int) -> ForwardedCase:
    """Our window hands the partner's result (or denial notice) to the applicant; the partner is told."""
    if actor.role not in WINDOW_ROLES:
        raise Forbidden("results are handed over at a window")
    forwarded = ForwardedCase.objects.select_for_update().filter(pk=forwarded_id).first()
    if forwarded is None:
        raise NotFound("no such case")
    if forwarded.status not in (ForwardedStatus.APPROVED, ForwardedStatus.DENIED):
        raise Conflict(f"the case is {forwarded.status}: nothing to hand over yet")
    now = clock.now()
    forwarded.status, forwarded.delivered_at = ForwardedStatus.DELIVERED, now
    forwarded.history = [*forwarded.history, _step(now, actor.username, "handed_over")]
    forwarded.save(update_fields=["status", "delivered_at", "history"])
    _send(forwarded.peer, "case.delivered", {"reference": forwarded.reference, "at": now.isoformat()})
    return forwarded


# The outbox --------------------------------------------------------------------------------------


def _send(peer: Peer, kind: str, payload: dict) -> OutgoingMessage:
    """Written in the caller's transaction; the sender runs once it commits."""
    message_id, body = messages.seal(peer.name, kind, payload)
    now = clock.now()
    message = OutgoingMessage.objects.create(
        peer=peer, message_id=message_id, kind=kind, body=body, created_at=now, next_attempt_at=now
    )
    enqueue_once(send_due)
    return message


def _post(peer: Peer, body: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{peer.base_url.rstrip('/')}/api/v1/cross-region/messages",
        data=body.encode(),
        headers={"Content-Type": "application/jose"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"{}")
        except ValueError:
            return error.code, {}


def send_pending(now: dt.datetime | None = None) -> dict[str, int]:
    """Send what is due, oldest first per partner; a partner that fails keeps its later messages (they
    never overtake an earlier one about the same case) and is tried again after a backoff."""
    now = now or clock.now()
    sent = failed = 0
    stopped: set[int] = set()
    due = OutgoingMessage.objects.filter(status=MessageStatus.PENDING).select_related("peer").order_by("id")
    for message in due:
        if message.peer_id in stopped:
            continue
        if message.next_attempt_at > now:
            stopped.add(message.peer_id)
            continue
        try:
            status, answer = _post(message.peer, message.body)
            error = "" if status == 200 else f"{status}: {answer.get('detail', '')}"[:500]
        except OSError as problem:
            error = f"not reached: {problem}"[:500]
        message.attempts += 1
        if error:
            failed += 1
            stopped.add(message.peer_id)
            message.last_error = error
            message.next_attempt_at = now + dt.timedelta(seconds=_backoff(message.attempts))
            message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            log.warning("cross-region message %s to %s: %s", message.message_id, message.peer, error)
            continue
        sent += 1
        with transaction.atomic():
            message.status, message.sent_at, message.last_error = MessageStatus.SENT, clock.now(), ""
            message.save(update_fields=["status", "sent_at", "attempts", "last_error"])
            if message.kind == "case.forward":
                _mark_forwarded(message)
    return {"sent": sent, "failed": failed}


def _backoff(attempts: int) -> float:
    return backoff_seconds(attempts, base=settings.ONEWINDOW_CROSS_REGION_RETRY_SECONDS, cap=3600)


def _mark_forwarded(message: OutgoingMessage) -> None:
    reference = json.loads(messages.signing.b64decode(message.body.split(".")[1]))["payload"]["reference"]
    ForwardedCase.objects.filter(reference=reference, status=ForwardedStatus.FORWARDING).update(
        status=ForwardedStatus.RECEIVED
    )


@task()
def send_due() -> dict:
    """The worker's task (and the scheduler's every minute): send what is due; wake again for the rest."""
    done = send_pending()
    later = OutgoingMessage.objects.filter(status=MessageStatus.PENDING).order_by("next_attempt_at").first()
    if later is not None:
        enqueue_once(send_due.using(run_after=later.next_attempt_at))
    return done


def retry(actor: User, message_id: int) -> OutgoingMessage:
    _operator(actor)
    message = OutgoingMessage.objects.filter(pk=message_id, status=MessageStatus.PENDING).first()
    if message is None:
        raise NotFound("no such waiting message")
    message.next_attempt_at = clock.now()
    message.save(update_fields=["next_attempt_at"])
    enqueue_once(send_due)
    return message


@transaction.atomic
def cancel(actor: User, message_id: int) -> OutgoingMessage:
    """Stop sending a message (the partner will never have it); a forwarded case not yet sent is
    cancelled with it."""
    _operator(actor)
    message = (
        OutgoingMessage.objects.select_for_update()
        .filter(pk=message_id, status=MessageStatus.PENDING)
        .first()
    )
    if message is None:
        raise NotFound("no such waiting message")
    message.status = MessageStatus.CANCELLED
    message.save(update_fields=["status"])
    if message.kind == "case.forward":
        reference = json.loads(messages.signing.b64decode(message.body.split(".")[1]))["payload"]["reference"]
        forwarded = ForwardedCase.objects.filter(reference=reference).first()
        if forwarded is not None:
            forwarded.status = ForwardedStatus.CANCELLED
            forwarded.history = [*forwarded.history, _step(clock.now(), actor.username, "cancelled")]
            forwarded.save(update_fields=["status", "history"])
    return message


def _operator(actor: User) -> None:
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise Forbidden("the operator (a supervisor or administrator) manages the outbox")


# Receiving -------------------------------------------------------------------------------------------


def receive(token: str) -> dict:
    """Take one message. The same message again (a retry) gets the first answer and changes nothing;
    the same id with another content is refused (MessageRefused 409)."""
    document = messages.unseal(token)
    digest = messages.digest(token)
    earlier = IncomingMessage.objects.filter(message_id=document["id"]).first()
    if earlier is not None:
        if earlier.digest != digest:
            raise messages.MessageRefused(409, "this message id was already used for another message")
        return {**earlier.result, "duplicate": True}
    peer = Peer.objects.filter(name=document["from"], active=True).first()
    if peer is None:
        raise messages.MessageRefused(403, f"{document['from']!r} is not a partner region here")
    handler = HANDLERS.get(document["kind"])
    if handler is None:
        raise messages.MessageRefused(400, f"unknown kind {document['kind']!r}")
    try:
        with events.atomic():
            result = handler(peer, document["payload"])
            IncomingMessage.objects.create(
                message_id=document["id"],
                region=peer.name,
                kind=document["kind"],
                digest=digest,
                received_at=clock.now(),
                result=result,
            )
    except IntegrityError:  # the same message, taken by a concurrent request
        return receive(token)
    return {**result, "duplicate": False}


def region_user(peer: Peer) -> User:
    """The account the partner region's window acts as here (it files, and records hand-overs)."""
    username = f"region-{slugify(peer.name)}"[:150]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=Role.CLERK, first_name=peer.name)
        user.set_unusable_password()
        user.save()
    return user


def _take_case(peer: Peer, payload: dict) -> dict:
    """Handling region: the forwarded application becomes a case of ours, its files its materials."""
    origin = (
        CaseOrigin.objects.filter(peer=peer, reference=payload["reference"]).select_related("case").first()
    )
    if origin is not None:
        return {"number": origin.case.number}
    clerk = region_user(peer)
    applicant = payload["applicant"]
    submission = case_services.Submission(
        item=payload["item"],
        applicant=case_services.Applicant(
            applicant["name"], applicant["id_type"], applicant["id_number"], applicant.get("phone", "")
        ),  # fmt: skip
        answers=payload["answers"],
        channel=Channel.CROSS_REGION,
    )
    try:
        case, _created = case_services.submit_case(clerk, submission)
        for material in payload["materials"]:
            case_services.upload_material(
                clerk,
                case.pk,
                material["code"],
                material["file_name"],
                base64.b64decode(material["content"]),
                material.get("data") or {},
            )
    except InvalidInput as error:
        raise messages.MessageRefused(
            422, "; ".join(f"{e.field}: {e.message}" for e in error.errors)
        ) from None
    CaseOrigin.objects.create(case=case, peer=peer, reference=payload["reference"])
    _report(case, peer, payload["reference"], "received")
    return {"number": case.number}


def _case_reported(peer: Peer, payload: dict) -> dict:
    """Filing region: the partner reports a change of the case (and, once decided, its result)."""
    forwarded = (
        ForwardedCase.objects.select_for_update().filter(peer=peer, reference=payload["reference"]).first()
    )
    if forwarded is None:
        raise messages.MessageRefused(404, f"no case {payload['reference']!r} was sent to you")
    forwarded.remote_number = payload.get("number", forwarded.remote_number)
    forwarded.remote_status = payload["status"]
    if forwarded.status not in (ForwardedStatus.DELIVERED, ForwardedStatus.CANCELLED) or (
        payload["status"] == "revoked"
    ):
        forwarded.status = _FORWARDED_STATUS.get(payload["status"], ForwardedStatus.IN_PROGRESS)
    if payload.get("decision_pdf"):
        forwarded.result_pdf = base64.b64decode(payload["decision_pdf"])
        forwarded.result_certificates = payload.get("certificates", [])
    forwarded.history = [
        *forwarded.history,
        _step(
            dt.datetime.fromisoformat(payload["at"]), peer.name, payload["action"], payload.get("note", "")
        ),
    ]
    forwarded.save()
    return {"reference": forwarded.reference}


_FORWARDED_STATUS = {
    "submitted": ForwardedStatus.RECEIVED,
    "approved": ForwardedStatus.APPROVED,
    "denied": ForwardedStatus.DENIED,
    "refused": ForwardedStatus.REFUSED,
    "withdrawn": ForwardedStatus.REFUSED,
    "delivered": ForwardedStatus.DELIVERED,
    "revoked": ForwardedStatus.REVOKED,
}


def _handed_over(peer: Peer, payload: dict) -> dict:
    """Handling region: the filing region's window handed the result over; our case is delivered."""
    origin = (
        CaseOrigin.objects.filter(peer=peer, reference=payload["reference"]).select_related("case").first()
    )
    if origin is None:
        raise messages.MessageRefused(404, f"no case {payload['reference']!r} came from you")
    if origin.case.status in ("approved", "denied"):
        case_services.act(
            region_user(peer),
            origin.case.pk,
            case_services.ActionInput(
                action="deliver", delivery_method=DeliveryMethod.WINDOW, note=peer.name
            ),
        )
    return {"number": origin.case.number}


HANDLERS = {"case.forward": _take_case, "case.status": _case_reported, "case.delivered": _handed_over}


# Handling region: reporting back -------------------------------------------------------------------


def _report(case: Case, peer: Peer, reference: str, action: str, note: str = "") -> None:
    payload = {
        "reference": reference,
        "number": case.number,
        "status": case.status,
        "action": action,
        "note": note,
        "at": clock.now().isoformat(timespec="seconds"),
    }
    if case.status in ("approved", "denied") and action in ("approve", "deny"):
        from onewindow.cases.documents import decision_pdf

        tracking = (
            settings.ONEWINDOW_PUBLIC_URL + reverse("track", args=[case.number]) + f"?t={case.tracking_token}"
        )
        payload["decision_pdf"] = base64.b64encode(decision_pdf(case, tracking)).decode()
        payload["certificates"] = list(Certificate.objects.filter(case=case).values_list("jws", flat=True))
    _send(peer, "case.status", payload)


def on_event(sender, event, **kwargs) -> None:
    """A case that came from a partner region changed: tell the partner (in the same transaction)."""
    if not event.type.startswith("case.") or event.payload.get("channel") != Channel.CROSS_REGION:
        return  # read from the event, so that no other case's change costs a query
    origin = (
        CaseOrigin.objects.filter(case_id=event.payload["case_id"]).select_related("peer", "case").first()
    )
    if origin is None:
        return
    action = event.payload.get("action", event.type)
    if action in ("submit", "upload"):
        return  # reported once, as "received", when the whole application is in
    case = Case.objects.select_related("item", "department").get(pk=origin.case_id)
    _report(case, origin.peer, origin.reference, action)
