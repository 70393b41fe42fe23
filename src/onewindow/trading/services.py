"""Every write of public resource trading: tenders and their steps, bids, guarantee orders and the
guarantors' signed answers, verification at opening, release and claim, alert reviews."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from onewindow.core import clock
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import Role, User
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.core.tasks import enqueue

from . import protocol
from .models import (
    Alert,
    AlertStatus,
    Bid,
    BidDocument,
    Guarantee,
    GuaranteeHistory,
    GuaranteeStatus,
    Guarantor,
    Lot,
    Notice,
    NoticeKind,
    ReceivedNonce,
    Tender,
    TenderStatus,
    TrustList,
    TrustListEntry,
)

log = logging.getLogger("onewindow.trading")
SEND_TIMEOUT_SECONDS = 10
PLATFORM_KEY_FILE = "trading-platform.key"
CENT = Decimal("0.01")


class TradingError(ValueError):
    pass


class AnswerRefused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


# ---------------------------------------------------------------------------------------------- keys


def platform_key_path() -> Path:
    return Path(settings.CERTIFICATE_KEY_DIR) / PLATFORM_KEY_FILE


def platform_public_key_path() -> Path:
    return platform_key_path().with_suffix(".pub")


def platform_private_key() -> str:
    """The platform's key for the guarantor API, made on first use; its public half beside it (the
    file a guarantor is given)."""
    path = platform_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        private, public = protocol.new_key()
        path.write_text(private + "\n")
        path.chmod(0o600)
        platform_public_key_path().write_text(public + "\n")
    return path.read_text().strip()


def platform_public_key() -> str:
    return protocol.public_of(platform_private_key())


def register_guarantor(**values) -> Guarantor:
    code = values.pop("code")
    if not Decimal(0) <= values["fee_rate"] < 1 or not Decimal(0) < values["red_list_discount"] <= 1:
        raise TradingError("the fee rate must be from 0 to 1 and the red list's share above 0, at most 1")
    guarantor, _created = Guarantor.objects.update_or_create(code=code, defaults=values)
    platform_private_key()
    return guarantor


# ----------------------------------------------------------------------------------- who may do what


def enterprise_of(user: User) -> tuple[str, str]:
    """The (USCC, name) an enterprise account acts for; Forbidden for any other account."""
    if user.role != Role.ENTERPRISE or user.verified_id_type != "uscc" or not user.verified_id_number:
        raise Forbidden(_("Only a verified enterprise account bids and orders guarantees."))
    return user.verified_id_number, user.first_name or user.username


def is_trading_staff(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.TRADING, Role.ADMIN}


def manages(user: User, tender: Tender) -> bool:
    return user.is_authenticated and (is_trading_staff(user) or user.pk in (tender.owner_id, tender.agent_id))


def _managing(user: User, tender: Tender) -> None:
    if not manages(user, tender):
        raise Forbidden(_("Only the tendering party, its agent and the trading centre manage a tender."))


def trust_list_of(uscc: str, on: dt.date | None = None) -> str | None:
    """ "black", "red" or None: the blacklist wins over the red list."""
    on = on or clock.today()
    lists = set(
        TrustListEntry.objects.filter(uscc=uscc, valid_from__lte=on)
        .exclude(valid_until__lt=on)
        .values_list("list", flat=True)
    )
    return TrustList.BLACK if TrustList.BLACK in lists else TrustList.RED if TrustList.RED in lists else None


def _barred(uscc: str) -> None:
    if trust_list_of(uscc) == TrustList.BLACK:
        raise Forbidden(_("This enterprise is on the blacklist: it cannot order guarantees or bid."))


def quote(guarantor: Guarantor, amount: Decimal, red_list: bool) -> Decimal:
    """The published fee: amount × rate, at least the minimum; the red list pays its discounted share."""
    fee = max(amount * guarantor.fee_rate, guarantor.minimum_fee)
    if red_list:
        fee *= guarantor.red_list_discount
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------------------------ tenders


@dataclass
class LotInput:
    name: str
    budget: Decimal


@dataclass
class TenderInput:
    project: str
    owner_name: str
    deadline: dt.datetime
    guarantee_amount: Decimal
    evaluation_method: str
    lots: list[LotInput]
    agent_name: str = ""
    contact: str = ""
    agent_username: str = ""


def _tender_code(now: dt.datetime) -> str:
    return f"ZB{now:%Y%m%d}-{secrets.token_hex(3).upper()}"


def _notice(tender: Tender, kind: str, text: str, **values) -> Notice:
    """A public notice, written once in the platform's language (it is a record, not a page)."""
    with translation.override(settings.LANGUAGE_CODE):
        written = _(text) % values if values else _(text)
    return Notice.objects.create(tender=tender, kind=kind, text=written, published_at=clock.now())


@transaction.atomic
def publish_tender(owner: User, data: TenderInput) -> Tender:
    if owner.role not in {Role.ENTERPRISE, Role.TRADING, Role.ADMIN}:
        raise Forbidden(_("Tenders are published by a tendering party's account or the trading centre."))
    now = clock.now()
    errors = []
    if not data.project.strip():
        errors.append(FieldError("project", _("Give the project's name.")))
    if not data.owner_name.strip():
        errors.append(FieldError("owner_name", _("Give the tendering party's name.")))
    if data.deadline <= now:
        errors.append(FieldError("deadline", _("The bid deadline must be in the future.")))
    if data.guarantee_amount <= 0:
        errors.append(FieldError("guarantee_amount", _("The bid guarantee must be above 0.")))
    if not data.lots:
        errors.append(FieldError("lots", _("A tender has at least one lot.")))
    for number, lot in enumerate(data.lots, start=1):
        if not lot.name.strip() or lot.budget <= 0:
            errors.append(FieldError(f"lots.{number}", _("Each lot needs a name and a budget above 0.")))
    agent = None
    if data.agent_username.strip():
        agent = User.objects.filter(username=data.agent_username.strip(), role=Role.ENTERPRISE).first()
        if agent is None:
            errors.append(FieldError("agent_username", _("No enterprise account has this user name.")))
    if errors:
        raise InvalidInput(errors)
    tender = Tender.objects.create(
        code=_tender_code(now),
        project=data.project.strip(),
        owner=owner,
        owner_name=data.owner_name.strip(),
        agent=agent,
        agent_name=data.agent_name.strip(),
        contact=data.contact.strip(),
        deadline=data.deadline,
        guarantee_amount=data.guarantee_amount,
        evaluation_method=data.evaluation_method,
        published_at=now,
    )
    for number, lot in enumerate(data.lots, start=1):
        Lot.objects.create(tender=tender, number=number, name=lot.name.strip(), budget=lot.budget)
    _notice(
        tender,
        NoticeKind.ANNOUNCEMENT,
        gettext_noop(
            "%(owner)s invites bids for %(project)s (lots: %(lots)s); bids and the bid guarantee of "
            "%(amount)s are due by %(deadline)s."
        ),
        owner=tender.owner_name,
        project=tender.project,
        lots=len(data.lots),
        amount=tender.guarantee_amount,
        deadline=f"{timezone.localtime(tender.deadline):%Y-%m-%d %H:%M}",
    )
    return tender


@dataclass
class DocumentInput:
    name: str
    content: bytes
    machine_code: str = ""


@dataclass
class BidInput:
    lot_number: int
    amount: Decimal
    ip_address: str
    device_id: str
    contact: str = ""
    documents: list[DocumentInput] = field(default_factory=list)


def too_large() -> str:
    limit = settings.ONEWINDOW_UPLOAD_MAX_BYTES / (1024 * 1024)
    return _("The bid document is larger than %(size)s MB.") % {"size": f"{limit:g}"}


def document_metadata(content: bytes) -> dict[str, str]:
    """Author and creating software from a PDF's document information (what bid-writing tools fill in)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        info = PdfReader(io.BytesIO(content)).metadata or {}
    except (PyPdfError, ValueError, OSError):
        raise InvalidInput([FieldError("documents", _("The bid document is not a readable PDF."))]) from None
    return {
        "author": str(info.get("/Author") or "")[:200],
        "software": str(info.get("/Creator") or info.get("/Producer") or "")[:200],
    }


@transaction.atomic
def submit_bid(user: User, tender_code: str, data: BidInput) -> Bid:
    uscc, name = enterprise_of(user)
    _barred(uscc)
    tender = Tender.objects.select_for_update().filter(code=tender_code).first()
    if tender is None:
        raise NotFound(_("No such tender."))
    if tender.status != TenderStatus.OPEN or clock.now() >= tender.deadline:
        raise Conflict(_("The bid deadline has passed."))
    lot = tender.lots.filter(number=data.lot_number).first()
    errors = []
    if lot is None:
        errors.append(FieldError("lot", _("Choose one of the tender's lots.")))
    if data.amount <= 0:
        errors.append(FieldError("amount", _("The bid amount must be above 0.")))
    if not data.documents:
        errors.append(FieldError("documents", _("Attach the bid document (PDF).")))
    for document in data.documents:
        if not document.content.startswith(b"%PDF-"):
            errors.append(FieldError("documents", _("The bid document must be a PDF file.")))
        elif len(document.content) > settings.ONEWINDOW_UPLOAD_MAX_BYTES:
            errors.append(FieldError("documents", too_large()))
    if errors:
        raise InvalidInput(errors)
    metadata = [document_metadata(d.content) for d in data.documents]
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                lot=lot,
                bidder_uscc=uscc,
                bidder_name=name,
                submitted_by=user,
                amount=data.amount,
                submitted_at=clock.now(),
                ip_address=data.ip_address,
                device_id=data.device_id[:100],
                contact=data.contact[:100],
            )
    except IntegrityError:
        raise Conflict(_("This enterprise has already bid for this lot.")) from None
    for document, meta in zip(data.documents, metadata, strict=True):
        digest = hashlib.sha256(document.content).hexdigest()
        stored = BidDocument(
            bid=bid,
            name=Path(document.name).name[:200] or "bid.pdf",
            sha256=digest,
            size=len(document.content),
            machine_code=document.machine_code[:100],
            **meta,
        )
        stored.file.save(f"{digest[:16]}.pdf", ContentFile(document.content), save=False)
        stored.save()
    return bid


@transaction.atomic
def open_bids(actor: User, tender_code: str) -> Tender:
    tender = _locked_tender(tender_code)
    _managing(actor, tender)
    if tender.status != TenderStatus.OPEN:
        raise Conflict(_("The tender is %(status)s.") % {"status": tender.get_status_display()})
    if clock.now() < tender.deadline:
        raise Conflict(_("Bids are opened at the deadline, not before."))
    tender.status, tender.opened_at = TenderStatus.OPENED, clock.now()
    tender.save(update_fields=["status", "opened_at"])
    rows = [
        f"{bid.lot.number}: {bid.bidder_name} {bid.amount}"
        for bid in Bid.objects.filter(lot__tender=tender)
        .select_related("lot")
        .order_by("lot__number", "amount")
    ]
    if rows:
        _notice(
            tender,
            NoticeKind.OPENING,
            gettext_noop("Bids opened (lot: bidder amount): %(bids)s"),
            bids="; ".join(rows),
        )
    else:
        _notice(tender, NoticeKind.OPENING, gettext_noop("Bids opened: no bids were received."))
    from .screening import screen_tender

    screen_tender(tender)
    return tender


@transaction.atomic
def award(actor: User, tender_code: str, winners: dict[int, int]) -> Tender:
    """`winners`: lot number → winning bid id. Releases every issued guarantee of the tender."""
    tender = _locked_tender(tender_code)
    _managing(actor, tender)
    if tender.status != TenderStatus.OPENED:
        raise Conflict(_("A tender is awarded after its bids are opened."))
    errors, chosen = [], []
    for lot in tender.lots.all():
        bid = lot.bids.filter(pk=winners.get(lot.number)).first()
        if bid is None:
            errors.append(
                FieldError(
                    f"lot_{lot.number}",
                    _("Choose the winning bid of lot %(number)s.") % {"number": lot.number},
                )
            )
        chosen.append(bid)
    if errors:
        raise InvalidInput(errors)
    for bid in chosen:
        bid.winner = True
        bid.save(update_fields=["winner"])
    tender.status, tender.closed_at = TenderStatus.AWARDED, clock.now()
    tender.save(update_fields=["status", "closed_at"])
    _notice(
        tender,
        NoticeKind.AWARD,
        gettext_noop("Awarded (lot: winner amount): %(winners)s"),
        winners="; ".join(f"{b.lot.number}: {b.bidder_name} {b.amount}" for b in chosen),
    )
    _release_all(actor, tender, "tender awarded")
    return tender


@transaction.atomic
def withdraw(actor: User, tender_code: str, reason: str) -> Tender:
    tender = _locked_tender(tender_code)
    _managing(actor, tender)
    if tender.status in {TenderStatus.AWARDED, TenderStatus.WITHDRAWN}:
        raise Conflict(_("The tender is %(status)s.") % {"status": tender.get_status_display()})
    if not reason.strip():
        raise InvalidInput([FieldError("reason", _("Say why the tender is withdrawn."))])
    tender.status, tender.closed_at = TenderStatus.WITHDRAWN, clock.now()
    tender.save(update_fields=["status", "closed_at"])
    _notice(
        tender,
        NoticeKind.WITHDRAWAL,
        gettext_noop("The tender is withdrawn: %(reason)s"),
        reason=reason.strip(),
    )
    _release_all(actor, tender, "tender withdrawn")
    return tender


def _locked_tender(code: str) -> Tender:
    tender = Tender.objects.select_for_update().filter(code=code).first()
    if tender is None:
        raise NotFound(_("No such tender."))
    return tender


# --------------------------------------------------------------------------------------- guarantees


def _history(guarantee: Guarantee, actor: User | None, action: str, before: str, note: str = "") -> None:
    GuaranteeHistory.objects.create(
        guarantee=guarantee,
        at=clock.now(),
        actor=actor,
        actor_role=actor.role if actor else "guarantor",
        action=action,
        from_status=before,
        to_status=guarantee.status,
        note=note,
    )


@transaction.atomic
def order_guarantee(user: User, tender_code: str, guarantor_code: str, payer_account: str) -> Guarantee:
    uscc, name = enterprise_of(user)
    _barred(uscc)
    tender = Tender.objects.filter(code=tender_code).first()
    if tender is None:
        raise NotFound(_("No such tender."))
    if tender.status != TenderStatus.OPEN or clock.now() >= tender.deadline:
        raise Conflict(_("The bid deadline has passed."))
    guarantor = Guarantor.objects.filter(code=guarantor_code, active=True).first()
    errors = []
    if guarantor is None:
        errors.append(FieldError("guarantor", _("Choose one of the guarantors.")))
    account = "".join(payer_account.split())
    if not (6 <= len(account) <= 40 and account.isdigit()):
        errors.append(
            FieldError("payer_account", _("Give the bank account the fee is paid from (6–40 digits)."))
        )
    if errors:
        raise InvalidInput(errors)
    live = Guarantee.objects.filter(
        tender=tender,
        bidder_uscc=uscc,
        status__in=[GuaranteeStatus.ORDERED, GuaranteeStatus.SENT, GuaranteeStatus.ISSUED],
    )
    if live.exists():
        raise Conflict(_("This enterprise already has a guarantee (or an order) for this tender."))
    red_list = trust_list_of(uscc) == TrustList.RED
    now = clock.now()
    guarantee = Guarantee.objects.create(
        reference=f"BH{now:%Y%m%d}{secrets.token_hex(4).upper()}",
        tender=tender,
        guarantor=guarantor,
        bidder_uscc=uscc,
        bidder_name=name,
        ordered_by=user,
        amount=tender.guarantee_amount,
        fee=quote(guarantor, tender.guarantee_amount, red_list),
        red_list=red_list,
        payer_account=account,
        ordered_at=now,
        answer_due=now + dt.timedelta(minutes=guarantor.answer_minutes),
    )
    _history(guarantee, user, "order", "")
    enqueue(send_application, guarantee.pk)
    return guarantee


def valid_until(tender: Tender) -> dt.date:
    """A bid guarantee covers the bid's validity: 90 days after the deadline."""
    return (tender.deadline + dt.timedelta(days=90)).date()


def application_document(guarantee: Guarantee) -> dict:
    tender = guarantee.tender
    return {
        "type": "guarantee.application",
        "reference": guarantee.reference,
        "tender": {
            "code": tender.code,
            "project": tender.project,
            "owner_name": tender.owner_name,
            "deadline": tender.deadline.isoformat(),
        },
        "bidder": {"uscc": guarantee.bidder_uscc, "name": guarantee.bidder_name},
        "amount": str(guarantee.amount),
        "fee": str(guarantee.fee),
        "valid_until": valid_until(tender).isoformat(),
        "callback_url": settings.ONEWINDOW_PUBLIC_URL
        + reverse("api-v1:trading_guarantor_answer", kwargs={"code": guarantee.guarantor.code}),
    }


def _post_signed(url: str, document: dict) -> int:
    return protocol.post_signed(platform_private_key(), url, document, SEND_TIMEOUT_SECONDS)


@task()
def send_application(guarantee_id: int) -> str:
    """The worker's task: hand the order to its guarantor. Raises while the guarantor cannot be reached
    (the queue tries again with backoff); the order stays visible as ordered meanwhile."""
    guarantee = Guarantee.objects.select_related("tender", "guarantor").filter(pk=guarantee_id).first()
    if guarantee is None or guarantee.status != GuaranteeStatus.ORDERED:
        return "nothing to send"
    status = _post_signed(
        guarantee.guarantor.endpoint.rstrip("/") + "/applications", application_document(guarantee)
    )
    if not 200 <= status < 300:
        raise RuntimeError(f"guarantor {guarantee.guarantor.code} answered {status}")
    with transaction.atomic():
        guarantee = Guarantee.objects.select_for_update().get(pk=guarantee_id)
        if guarantee.status == GuaranteeStatus.ORDERED:  # the answer may already be back
            guarantee.status, guarantee.sent_at = GuaranteeStatus.SENT, clock.now()
            guarantee.save(update_fields=["status", "sent_at"])
            _history(guarantee, None, "send", GuaranteeStatus.ORDERED)
    return "sent"


@task()
def send_notice(guarantee_id: int) -> str:
    """Tell the guarantor that its guarantee was released or claimed."""
    guarantee = Guarantee.objects.select_related("guarantor").get(pk=guarantee_id)
    document = {
        "type": f"guarantee.{guarantee.status}",
        "reference": guarantee.reference,
        "number": guarantee.number,
        "reason": guarantee.claim_reason,
    }
    status = _post_signed(guarantee.guarantor.endpoint.rstrip("/") + "/notices", document)
    if not 200 <= status < 300:
        raise RuntimeError(f"guarantor {guarantee.guarantor.code} answered {status}")
    return "told"


def receive_answer(guarantor_code: str, headers: dict[str, str], body: bytes) -> dict:
    """A guarantor's signed answer to an order. Taken once: the same message id again is a replay
    (409); the same answer in a new message (a callback repeated) changes nothing and says so."""
    guarantor = Guarantor.objects.filter(code=guarantor_code, active=True).first()
    if guarantor is None:
        raise AnswerRefused(404, "no such guarantor")
    now = clock.now()
    try:
        msg_id = protocol.verify(guarantor.public_key, headers, body, int(time.time()))
    except protocol.SignatureRefused as refused:
        raise AnswerRefused(401, str(refused)) from None
    try:
        document = json.loads(body)
        reference, kind = str(document["reference"]), str(document["type"])
    except (ValueError, KeyError, TypeError):
        raise AnswerRefused(400, "the body is not an answer (JSON with type and reference)") from None
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReceivedNonce.objects.create(guarantor=guarantor, nonce=msg_id, received_at=timezone.now())
        except IntegrityError:
            raise AnswerRefused(409, "this message id was already received (replay)") from None
        guarantee = (
            Guarantee.objects.select_for_update().filter(reference=reference, guarantor=guarantor).first()
        )
        if guarantee is None:
            raise AnswerRefused(404, "no order of this guarantor has this reference")
        if guarantee.status not in {GuaranteeStatus.ORDERED, GuaranteeStatus.SENT}:
            return {"reference": reference, "status": guarantee.status, "repeated": True}
        before = guarantee.status
        if kind == "guarantee.issued":
            _issue(guarantee, document, headers, body)
        elif kind == "guarantee.declined":
            guarantee.status = GuaranteeStatus.DECLINED
            guarantee.decline_reason = str(document.get("reason", ""))[:300]
        else:
            raise AnswerRefused(400, f"unknown answer type {kind!r}")
        guarantee.answered_at = now
        guarantee.signed_answer = _kept(headers, body)
        guarantee.save()
        _history(guarantee, None, "answer", before, guarantee.decline_reason)
    ReceivedNonce.objects.filter(
        received_at__lt=timezone.now() - dt.timedelta(seconds=2 * protocol.TOLERANCE_SECONDS)
    ).delete()
    return {"reference": reference, "status": guarantee.status, "repeated": False}


def _kept(headers: dict[str, str], body: bytes) -> dict:
    lowered = {name.lower(): value for name, value in headers.items()}
    return {
        "headers": {h: lowered[h] for h in ("webhook-id", "webhook-timestamp", "webhook-signature")},
        "body": body.decode(),
    }


def _issue(guarantee: Guarantee, document: dict, headers, body) -> None:
    try:
        pdf = base64.b64decode(document["pdf"], validate=True)
        number = str(document["number"])[:60]
        until = dt.date.fromisoformat(document["valid_until"])
        amount = Decimal(str(document["amount"]))
    except (KeyError, ValueError, TypeError, ArithmeticError):
        raise AnswerRefused(400, "an issued guarantee needs number, amount, valid_until and pdf") from None
    digest = hashlib.sha256(pdf).hexdigest()
    if digest != document.get("pdf_sha256") or not pdf.startswith(b"%PDF-"):
        raise AnswerRefused(400, "pdf_sha256 is not the SHA-256 of the PDF")
    if amount < guarantee.amount:
        raise AnswerRefused(400, f"the guarantee is for {amount}, less than the {guarantee.amount} ordered")
    guarantee.status = GuaranteeStatus.ISSUED
    guarantee.number, guarantee.valid_until, guarantee.pdf_sha256 = number, until, digest
    guarantee.pdf.save(f"{guarantee.reference}.pdf", ContentFile(pdf), save=False)


@dataclass
class Verdict:
    valid: bool
    checks: list[tuple[str, bool]]


def check_guarantee(guarantee: Guarantee) -> Verdict:
    """Everything the tendering party relies on, checked again now: the guarantor's signature over the
    answer, the PDF against the signed hash, the amount, the bidder, the tender and the validity."""
    checks: list[tuple[str, bool]] = []
    answer = guarantee.signed_answer or {}
    try:
        protocol.verify(
            guarantee.guarantor.public_key, answer.get("headers", {}), answer.get("body", "").encode(), None
        )
        signed = json.loads(answer["body"])
        checks.append(("signature", True))
    except (protocol.SignatureRefused, KeyError, ValueError):
        signed = {}
        checks.append(("signature", False))
    try:
        with guarantee.pdf.open("rb") as handle:
            pdf_ok = (
                hashlib.sha256(handle.read()).hexdigest() == signed.get("pdf_sha256") == guarantee.pdf_sha256
            )
    except (ValueError, OSError):
        pdf_ok = False
    checks.append(("pdf", pdf_ok))
    checks.append(("bidder", signed.get("bidder_uscc") == guarantee.bidder_uscc))
    checks.append(("tender", signed.get("tender_code") == guarantee.tender.code))
    try:
        amount_ok = Decimal(str(signed.get("amount"))) >= guarantee.tender.guarantee_amount
    except ArithmeticError:
        amount_ok = False
    checks.append(("amount", amount_ok))
    checks.append(
        (
            "validity",
            bool(guarantee.valid_until and guarantee.valid_until >= guarantee.tender.deadline.date()),
        )
    )
    return Verdict(all(ok for _name, ok in checks), checks)


@transaction.atomic
def verify_guarantee(actor: User, reference: str) -> Verdict:
    guarantee = _locked_guarantee(reference)
    _managing(actor, guarantee.tender)
    if guarantee.status != GuaranteeStatus.ISSUED:
        raise Conflict(_("The guarantee is %(status)s.") % {"status": guarantee.get_status_display()})
    verdict = check_guarantee(guarantee)
    if verdict.valid:
        guarantee.verified_at, guarantee.verified_by = clock.now(), actor
        guarantee.save(update_fields=["verified_at", "verified_by"])
    failed = ", ".join(name for name, ok in verdict.checks if not ok)
    _history(guarantee, actor, "verify", guarantee.status, "valid" if verdict.valid else f"failed: {failed}")
    return verdict


@transaction.atomic
def claim(actor: User, reference: str, reason: str) -> Guarantee:
    guarantee = _locked_guarantee(reference)
    _managing(actor, guarantee.tender)
    if guarantee.status != GuaranteeStatus.ISSUED:
        raise Conflict(_("The guarantee is %(status)s.") % {"status": guarantee.get_status_display()})
    if not reason.strip():
        raise InvalidInput([FieldError("reason", _("Say why the guarantee is claimed."))])
    guarantee.status, guarantee.closed_at, guarantee.claim_reason = (
        GuaranteeStatus.CLAIMED,
        clock.now(),
        reason.strip(),
    )
    guarantee.save(update_fields=["status", "closed_at", "claim_reason"])
    _history(guarantee, actor, "claim", GuaranteeStatus.ISSUED, reason.strip())
    enqueue(send_notice, guarantee.pk)
    return guarantee


def _release_all(actor: User, tender: Tender, why: str) -> None:
    for guarantee in Guarantee.objects.select_for_update().filter(
        tender=tender, status=GuaranteeStatus.ISSUED
    ):
        guarantee.status, guarantee.closed_at = GuaranteeStatus.RELEASED, clock.now()
        guarantee.save(update_fields=["status", "closed_at"])
        _history(guarantee, actor, "release", GuaranteeStatus.ISSUED, why)
        enqueue(send_notice, guarantee.pk)


def _locked_guarantee(reference: str) -> Guarantee:
    guarantee = (
        Guarantee.objects.select_for_update()
        .select_related("tender", "guarantor")
        .filter(reference=reference)
        .first()
    )
    if guarantee is None:
        raise NotFound(_("No such guarantee."))
    return guarantee


# ------------------------------------------------------------------------------------------- alerts


@transaction.atomic
def review_alert(actor: User, alert_id: int, confirmed: bool, note: str) -> Alert:
    if not is_trading_staff(actor):
        raise Forbidden(_("Alerts are reviewed by the trading centre."))
    alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("No such alert."))
    if alert.status != AlertStatus.OPEN:
        raise Conflict(_("The alert is already reviewed."))
    if not note.strip():
        raise InvalidInput([FieldError("note", _("Say what the review found."))])
    alert.status = AlertStatus.CONFIRMED if confirmed else AlertStatus.DISMISSED
    alert.reviewed_by, alert.reviewed_at, alert.review_note = actor, clock.now(), note.strip()
    alert.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return alert
