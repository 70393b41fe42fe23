"""Reads of public resource trading: who sees which tender's bids and guarantees, and the reports."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from onewindow.core import clock
from onewindow.core.models import User

from .models import Alert, Bid, Guarantee, GuaranteeStatus, Tender
from .services import is_trading_staff, manages

ISSUED_EVER = [GuaranteeStatus.ISSUED, GuaranteeStatus.RELEASED, GuaranteeStatus.CLAIMED]


def own_uscc(user: User) -> str:
    return user.verified_id_number if user.is_authenticated and user.verified_id_type == "uscc" else ""


def tender_view(user: User, tender: Tender) -> dict:
    """What `user` may see of `tender`: its bids only once they are opened (sealed until then, even
    for the trading centre), a bidder its own bids and guarantees."""
    managing = manages(user, tender)
    uscc = own_uscc(user)
    bids = Bid.objects.filter(lot__tender=tender).select_related("lot").prefetch_related("documents")
    guarantees = Guarantee.objects.filter(tender=tender).select_related("guarantor")
    opened = tender.opened_at is not None
    return {
        "managing": managing,
        "staff": is_trading_staff(user),
        "bids": bids if managing and opened else bids.filter(bidder_uscc=uscc) if uscc else bids.none(),
        "bid_count": bids.count(),
        "guarantees": guarantees
        if managing
        else guarantees.filter(bidder_uscc=uscc)
        if uscc
        else guarantees.none(),
        "may_bid": bool(uscc) and not managing and tender.status == "open" and clock.now() < tender.deadline,
        "may_open": managing and tender.status == "open" and clock.now() >= tender.deadline,
        "alert": Alert.objects.filter(tender=tender).first() if is_trading_staff(user) else None,
    }


def may_see_guarantee(user: User, guarantee: Guarantee) -> bool:
    return manages(user, guarantee.tender) or own_uscc(user) == guarantee.bidder_uscc


def my_guarantees(user: User):
    uscc = own_uscc(user)
    return Guarantee.objects.filter(bidder_uscc=uscc).select_related("tender", "guarantor") if uscc else []


def report() -> dict:
    """Guarantees per tender and guarantor, the share of bids covered by an e-guarantee, the average
    time from order to issue, and the money no longer tied up as cash deposits."""
    issued = Guarantee.objects.filter(status__in=ISSUED_EVER)
    per_guarantor = (
        issued.values("guarantor__name")
        .annotate(count=Count("id"), amount=Sum("amount"), fees=Sum("fee"))
        .order_by("-count")
    )
    per_tender = (
        Tender.objects.annotate(
            bid_count=Count("lots__bids", distinct=True),
            e_guarantees=Count("guarantees", filter=Q(guarantees__status__in=ISSUED_EVER), distinct=True),
        )
        .filter(bid_count__gt=0)
        .order_by("-published_at")[:50]
    )
    bidders = Bid.objects.values("lot__tender", "bidder_uscc").distinct().count()
    covered = issued.values("tender", "bidder_uscc").distinct().count()
    times = [
        (answered - ordered).total_seconds()
        for answered, ordered in issued.exclude(answered_at=None).values_list("answered_at", "ordered_at")
    ]
    return {
        "per_guarantor": per_guarantor,
        "per_tender": per_tender,
        "usage_rate": covered / bidders if bidders else None,
        "average_issue_seconds": sum(times) / len(times) if times else None,
        "released_cash": issued.aggregate(total=Sum("amount"))["total"] or 0,
        "issued": issued.count(),
        "pending": Guarantee.objects.filter(
            status__in=[GuaranteeStatus.ORDERED, GuaranteeStatus.SENT]
        ).count(),
    }


def staff_summary() -> dict:
    """The trading centre's start page: alerts to review, orders a guarantor has not answered in time."""
    return {
        "open_alerts": Alert.objects.filter(status="open").select_related("tender")[:20],
        "late_orders": Guarantee.objects.filter(
            status__in=[GuaranteeStatus.ORDERED, GuaranteeStatus.SENT], answer_due__lt=clock.now()
        ).select_related("guarantor")[:20],
    }
