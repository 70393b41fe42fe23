"""Screening an opened tender for collusion: price screens per lot, a score from the centre's model
(trained with `onewindow bids train` into TRADING_MODEL_DIR) or, until one exists, from the share of
screens that fired, and the links between its bidders. Something found raises an alert."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.conf import settings

from onewindow.core import clock

from . import links, screens
from .model import MIN_BIDS, ScreeningModel
from .model import Tender as ScreenedTender
from .models import Alert, AlertStatus, Bid, EnterpriseLink, Guarantee, Tender

# An alert is raised from this score (or from any link between bidders).
ALERT_SCORE = 0.5


def _model() -> ScreeningModel | None:
    folder = Path(settings.TRADING_MODEL_DIR)
    return ScreeningModel.load(folder) if (folder / "model.json").is_file() else None


def bidder_attributes(tender: Tender) -> dict[str, dict[str, set[str]]]:
    """Bidder USCC → attribute kind → values, from the tender's bids, documents and guarantees."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for bid in Bid.objects.filter(lot__tender=tender).prefetch_related("documents"):
        own = found[bid.bidder_uscc]
        own["ip_address"].add(bid.ip_address)
        own["device_id"].add(bid.device_id)
        own["contact"].add(bid.contact)
        for document in bid.documents.all():
            own["document_sha256"].add(document.sha256)
            own["machine_code"].add(document.machine_code)
            own["document_author"].add(document.author)
    for bidder, account in Guarantee.objects.filter(tender=tender).values_list(
        "bidder_uscc", "payer_account"
    ):
        if bidder in found:
            found[bidder]["payer_account"].add(account)
    return {bidder: dict(kinds) for bidder, kinds in found.items()}


def registered_ties(bidders) -> list[tuple[str, str, str, str]]:
    rows = EnterpriseLink.objects.filter(first_uscc__in=bidders, second_uscc__in=bidders)
    return [(r.first_uscc, r.second_uscc, r.kind, r.detail) for r in rows]


def screen_tender(tender: Tender) -> Alert | None:
    per_lot: dict[int, list[float]] = defaultdict(list)
    for number, amount in Bid.objects.filter(lot__tender=tender).values_list("lot__number", "amount"):
        per_lot[number].append(float(amount))
    lot_screens, fired, scores = {}, set(), []
    model = _model()
    for number, amounts in sorted(per_lot.items()):
        if len(amounts) < MIN_BIDS:
            continue
        values = screens.price_screens(amounts)
        shown = values | {
            k: v for k, v in screens.subgroup_screens(amounts).items() if k.endswith("_sub_mean")
        }
        lot_screens[str(number)] = {name: round(value, 4) for name, value in shown.items()}
        lot_fired = screens.fired(values)
        fired.update(lot_fired)
        if model is not None:
            scores.append(model.score([ScreenedTender(f"{tender.code}/{number}", amounts)])[0][1])
        else:
            scores.append(len(lot_fired) / len(screens.RULES))
    attributes = bidder_attributes(tender)
    groups = links.bidder_links(attributes, registered_ties(list(attributes)))
    score = max(scores, default=0.0)
    if score < ALERT_SCORE and not groups:
        return None
    names = dict(Bid.objects.filter(lot__tender=tender).values_list("bidder_uscc", "bidder_name"))
    for group in groups:  # pages show names: USCCs are ID numbers, masked wherever people read
        group["names"] = [names.get(b, b) for b in group["bidders"]]
        for edge in group["edges"]:
            edge["names"] = [names.get(b, b) for b in edge["between"]]
    alert, _created = Alert.objects.update_or_create(
        tender=tender,
        defaults={
            "score": round(score, 4),
            "screens": lot_screens,
            "fired": sorted(fired),
            "links": groups,
            "created_at": clock.now(),
            "status": AlertStatus.OPEN,
        },
    )
    return alert


def training_rows() -> list[dict]:
    """The bids of every reviewed alert's tender, labelled by the review: the CSV `bids train` reads."""
    rows = []
    for alert in Alert.objects.exclude(status=AlertStatus.OPEN).select_related("tender"):
        label = int(alert.status == AlertStatus.CONFIRMED)
        for bid in Bid.objects.filter(lot__tender=alert.tender).select_related("lot"):
            rows.append(
                {
                    "tender_id": f"{alert.tender.code}/{bid.lot.number}",
                    "bidder_id": bid.bidder_uscc,
                    "amount": str(bid.amount),
                    "winner": int(bid.winner),
                    "collusive": label,
                }
            )
    return rows
