"""Paying a case's fee: online through the gateway adapter, or recorded at the window; the gateway's
signed notices applied once; refunds; the daily reconciliation."""

from __future__ import annotations

import datetime as dt
import json
import logging
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import Case
from onewindow.cases.selectors import visible_cases
from onewindow.catalog import rules
from onewindow.core import clock
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import Role, User
from onewindow.core.permissions import Conflict, Forbidden, NotFound

from . import fees
from .gateways import GatewayError, GatewayPayment, gateway
from .models import Notice, Payment, Reconciliation, Refund
from .reconcile import Line, reconcile

log = logging.getLogger("onewindow.payments")
LIVE = (Payment.Status.PENDING, Payment.Status.PAID, Payment.Status.REFUNDED)
WINDOW_ROLES = (Role.CLERK, Role.ADMIN)
REFUND_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# Cases that take no payment any more: closed, or denied (a denial is handed over unpaid).
TAKES_NO_PAYMENT = ("refused", "withdrawn", "delivered", "revoked", "denied")


def fee_of(case: Case, copies: int = 1) -> fees.Fee:
    item = case.item
    limits = rules.resolve(item.rules(), case.answers).limits
    return fees.fee_for(limits["fee"], item.fee_per_copy, copies, fees.currency_for(case.department.calendar))


def live_payment(case: Case) -> Payment | None:
    return case.payments.filter(status__in=LIVE).first()


def unpaid_problem(case: Case, action: str) -> FieldError | None:
    """Why `action` must wait for the fee, or None: an item that takes its fee on the platform is
    paid before acceptance ("filing") or before its result is handed over ("decision")."""
    stage = case.item.payment_stage
    if stage == "none" or action not in ("accept", "deliver") or (action == "accept" and stage != "filing"):
        return None
    if case.status == "denied" and action == "deliver":
        return None  # a refusal is handed over whether or not a fee was paid
    payment = live_payment(case)
    if payment and payment.status == Payment.Status.PAID:
        return None
    fee = fee_of(case, payment.copies if payment else 1)
    if not fee.due:
        return None
    return FieldError(
        "payment",
        f"the fee of {fees.display(fee.amount, fee.currency)} is not paid yet: the applicant pays online, "
        "or record the payment at the window",
    )


def _case_for(actor: User, case_id: int) -> Case:
    case = visible_cases(actor).select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise NotFound("no such case")
    return case


def _payable(case: Case, copies) -> fees.Fee:
    if case.item.payment_stage == "none":
        raise Conflict("this service's fee is not paid on the platform")
    if case.status in TAKES_NO_PAYMENT:
        raise Conflict(f"a {case.status} case takes no payment")
    try:
        fee = fee_of(case, copies)
    except fees.FeeError as error:
        raise InvalidInput([FieldError(error.field, str(error))]) from None
    if not fee.due:
        raise Conflict("this case has no fee to pay")
    return fee


def _new_payment(case: Case, fee: fees.Fee, channel: str, gateway_code: str = "") -> Payment:
    return Payment.objects.create(
        case=case,
        reference=f"{case.number}-{case.payments.count() + 1}",
        unit_amount=fee.unit_amount,
        copies=fee.copies,
        amount=fee.amount,
        currency=fee.currency,
        channel=channel,
        gateway=gateway_code,
        created_at=clock.now(),
    )


def start_online(actor: User, case_id: int, copies: int = 1) -> Payment:
    """The case's online payment, created at the gateway, with the page to send the payer to. Asked
    again, it is the same payment (the gateway creates one per reference); a new number of copies
    cancels the unpaid one and starts another."""
    with transaction.atomic():
        case = _case_for(actor, case_id)
        if actor.pk != case.applicant_user_id:
            raise Forbidden("only the applicant pays online")
        fee = _payable(case, copies)
        payment = live_payment(case)
        if payment and payment.status != Payment.Status.PENDING:
            raise Conflict("this case's fee is already paid")
        if payment and payment.amount != fee.amount:
            payment.status = Payment.Status.CANCELLED
            payment.save(update_fields=["status"])
            payment = None
        if payment is None:
            payment = _new_payment(case, fee, Payment.Channel.ONLINE, gateway().code)
    if not payment.pay_url:
        base = settings.ONEWINDOW_PUBLIC_URL
        started = gateway().create(
            payment.reference,
            payment.amount,
            payment.currency,
            f"{case.number} {case.item.tr()}",
            base + reverse("payment-return"),
            base + reverse("payment-notice"),
        )
        Payment.objects.filter(pk=payment.pk).update(gateway_id=started.gateway_id, pay_url=started.pay_url)
        payment.gateway_id, payment.pay_url = started.gateway_id, started.pay_url
    return payment


def receive_notice(method: str, path: str, headers: dict, body: bytes) -> str:
    """A gateway's notice: verified, then applied once. "applied", "duplicate" or "ignored" (for a
    payment this platform does not know); protocol.VerificationError for a bad signature."""
    adapter = gateway()
    msg_id, told = adapter.verify_notice(method, path, headers, body)
    try:
        with transaction.atomic():
            payment = Payment.objects.select_for_update().filter(reference=told.reference).first()
            Notice.objects.create(
                gateway=adapter.code,
                message_id=msg_id,
                payment=payment,
                kind=told.status,
                body=json.loads(body),
                received_at=clock.now(),
            )
            if payment is None:
                log.warning("notice %s for an unknown payment %s", msg_id, told.reference)
                return "ignored"
            _apply(payment, told)
    except IntegrityError:
        return "duplicate"
    return "applied"


def refresh(payment: Payment) -> Payment:
    """Ask the gateway how a pending payment stands (the payer came back before the notice did)."""
    if payment.status != Payment.Status.PENDING or payment.channel != Payment.Channel.ONLINE:
        return payment
    try:
        told = gateway().query(payment.reference)
    except GatewayError as error:
        log.warning("query of %s failed: %s", payment.reference, error)
        return payment
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        _apply(payment, told)
    return payment


def _apply(payment: Payment, told: GatewayPayment) -> None:
    if payment.status != Payment.Status.PENDING:
        return
    if told.status == "paid":
        if told.amount != payment.amount:
            # Never taken as paid: the reconciliation report shows it for a person to settle.
            log.error("gateway says %s paid %s, expected %s", payment.reference, told.amount, payment.amount)
            return
        _mark_paid(payment, told.transaction, told.paid_at or clock.now(), None)
    elif told.status == "cancelled":
        payment.status = Payment.Status.CANCELLED
        payment.save(update_fields=["status"])


def _mark_paid(payment: Payment, transaction_number: str, paid_at: dt.datetime, actor: User | None) -> None:
    from onewindow.cases.services import record_platform_change

    payment.status, payment.transaction, payment.paid_at = Payment.Status.PAID, transaction_number, paid_at
    payment.receipt_number = f"BL{paid_at:%Y}-{payment.pk:08d}"
    payment.recorded_by = actor
    payment.save()
    amount = fees.display(payment.amount, payment.currency)
    record_platform_change(
        payment.case_id,
        "fee_paid",
        _("Fee of %(amount)s paid (%(channel)s), receipt %(receipt)s.")
        % {"amount": amount, "channel": payment.get_channel_display(), "receipt": payment.receipt_number},
        data={"payment": payment.reference, "amount": str(payment.amount), "channel": payment.channel},
    )


def record_at_window(actor: User, case_id: int, copies: int = 1) -> Payment:
    """A fee paid at the window (cash or card at the counter), recorded by the clerk."""
    if actor.role not in WINDOW_ROLES:
        raise Forbidden("only window clerks record payments at the window")
    with transaction.atomic():
        case = _case_for(actor, case_id)
        fee = _payable(case, copies)
        payment = live_payment(case)
        if payment and payment.status != Payment.Status.PENDING:
            raise Conflict("this case's fee is already paid")
        if payment:  # the applicant started online and paid here instead
            payment.status = Payment.Status.CANCELLED
            payment.save(update_fields=["status"])
        payment = _new_payment(case, fee, Payment.Channel.WINDOW)
        _mark_paid(payment, "", clock.now(), actor)
    return payment


def refund(actor: User, reference: str, amount, reason: str) -> Refund:
    """Give back all or part of a paid fee: through the gateway for an online payment (the gateway
    refunds one refund reference once, so a retry after a timeout is safe)."""
    if actor.role not in REFUND_ROLES:
        raise Forbidden("only supervisors refund fees")
    errors = []
    try:
        amount = Decimal(str(amount))
        if not amount.is_finite() or amount <= 0:
            raise ValueError
    except (ValueError, ArithmeticError):
        errors.append(FieldError("amount", "must be a positive amount"))
    if not str(reason).strip():
        errors.append(FieldError("reason", "say why the fee is refunded"))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(reference=reference).first()
        if payment is None:
            raise NotFound("no such payment")
        if payment.status != Payment.Status.PAID:
            raise Conflict(f"the payment is {payment.status}, not paid")
        amount = fees.quantize(amount, payment.currency)
        left = payment.amount - payment.refunded_amount
        if amount > left:
            raise InvalidInput([FieldError("amount", f"at most {left} is left to refund")])
        refund_reference = f"{payment.reference}-R{payment.refunds.count() + 1}"
        transaction_number = ""
        if payment.channel == Payment.Channel.ONLINE:
            try:
                done = gateway().refund(payment.reference, refund_reference, amount, reason.strip())
            except GatewayError as error:
                raise Conflict(str(error)) from None
            transaction_number = done.transaction
        made = Refund.objects.create(
            payment=payment,
            reference=refund_reference,
            amount=amount,
            reason=reason.strip(),
            transaction=transaction_number,
            created_at=clock.now(),
            created_by=actor,
        )
        payment.refunded_amount += amount
        if payment.refunded_amount == payment.amount:
            payment.status = Payment.Status.REFUNDED
        payment.save(update_fields=["refunded_amount", "status"])
    from onewindow.cases.services import record_platform_change

    record_platform_change(
        payment.case_id,
        "fee_refunded",
        _("%(amount)s refunded: %(reason)s")
        % {"amount": fees.display(amount, payment.currency), "reason": made.reason},
        data={"payment": payment.reference, "refund": made.reference, "amount": str(amount)},
    )
    return made


def recorded_lines(day: dt.date, gateway_code: str) -> list[Line]:
    """The online payments and refunds recorded here for the gateway's statement day (UTC days,
    as the reference gateway keeps them)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    end = start + dt.timedelta(days=1)
    online = Payment.objects.filter(channel=Payment.Channel.ONLINE, gateway=gateway_code)
    payments = online.filter(paid_at__gte=start, paid_at__lt=end)
    refunds = Refund.objects.filter(payment__in=online, created_at__gte=start, created_at__lt=end)
    return [Line("payment", p.reference, p.amount, p.transaction) for p in payments] + [
        Line("refund", r.reference, r.amount, r.transaction) for r in refunds
    ]


def reconcile_day(day: dt.date) -> Reconciliation:
    """Compare the gateway's statement of `day` with what is recorded here; the report is kept (one
    per gateway and day, replaced when run again)."""
    adapter = gateway()
    result = reconcile(adapter.statement(day), recorded_lines(day, adapter.code))
    report, _created = Reconciliation.objects.update_or_create(
        gateway=adapter.code,
        day=day,
        defaults={
            "ran_at": timezone.now(),
            "matched": result.matched,
            "gateway_total": result.gateway_total,
            "platform_total": result.platform_total,
            "mismatches": [
                {
                    "kind": m.kind,
                    "reference": m.reference,
                    "problem": m.problem,
                    "gateway_amount": None if m.gateway_amount is None else str(m.gateway_amount),
                    "platform_amount": None if m.platform_amount is None else str(m.platform_amount),
                }
                for m in result.mismatches
            ],
        },
    )
    if result.mismatches:
        log.error("reconciliation of %s on %s: %d mismatches", adapter.code, day, len(result.mismatches))
    return report
