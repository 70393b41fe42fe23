from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from onewindow.core.models import User

from . import fees
from .models import Payment, Reconciliation
from .services import REFUND_ROLES, TAKES_NO_PAYMENT, WINDOW_ROLES, fee_of, live_payment


@dataclass(frozen=True)
class CaseFee:
    """What the case page says about the fee, and what this user may do about it."""

    fee: fees.Fee
    per_copy: bool
    stage: str
    payment: Payment | None
    may_pay_online: bool
    may_record_at_window: bool
    may_refund: bool

    @property
    def amount_text(self) -> str:
        return fees.display(self.fee.amount, self.fee.currency)

    @property
    def paid(self) -> bool:
        return self.payment is not None and self.payment.status in (
            Payment.Status.PAID,
            Payment.Status.REFUNDED,
        )

    @property
    def refundable(self):
        if self.payment is None or self.payment.status != Payment.Status.PAID:
            return None
        return self.payment.amount - self.payment.refunded_amount


def case_fee(user: User, case) -> CaseFee | None:
    """None for a service whose fee is not paid on the platform, or that costs nothing."""
    item = case.item
    if item.payment_stage == "none":
        return None
    payment = live_payment(case)
    fee = fee_of(case, payment.copies if payment else 1)
    if not fee.due and payment is None:
        return None
    open_for_payment = case.status not in TAKES_NO_PAYMENT
    unpaid = payment is None or payment.status == Payment.Status.PENDING
    return CaseFee(
        fee=fee,
        per_copy=item.fee_per_copy,
        stage=item.payment_stage,
        payment=payment,
        may_pay_online=unpaid and open_for_payment and user.pk == case.applicant_user_id,
        may_record_at_window=unpaid and open_for_payment and user.role in WINDOW_ROLES,
        may_refund=payment is not None
        and payment.status == Payment.Status.PAID
        and user.role in REFUND_ROLES,
    )


def visible_payment(user: User, reference: str) -> Payment | None:
    from onewindow.cases.selectors import visible_cases

    return (
        Payment.objects.select_related("case", "case__item", "case__department")
        .filter(reference=reference, case__in=visible_cases(user))
        .first()
    )


def reconciliations(limit: int = 60):
    return Reconciliation.objects.all()[:limit]


def online_share(department_ids=None, since=None, until=None) -> dict:
    """Payments and those made online, per department, for the index."""
    paid = Payment.objects.filter(status__in=[Payment.Status.PAID, Payment.Status.REFUNDED])
    if since is not None:
        paid = paid.filter(paid_at__date__gte=since, paid_at__date__lte=until)
    rows = paid.values("case__department").annotate(
        payments=Count("id"), payments_online=Count("id", filter=Q(channel=Payment.Channel.ONLINE))
    )
    return {row["case__department"]: row for row in rows}
