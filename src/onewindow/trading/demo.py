"""The demo's trading centre: two guarantors served by reference guarantor processes beside the demo
server, a tendering party, bidders (one on the red list, one blacklisted, two tied by shareholding),
and thirteen weeks of tenders written through the services: published, guaranteed, bid, opened,
screened and awarded, with one ring of covering bids that the screening flags."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from onewindow.cases.notifications import notices_held_back
from onewindow.core import clock
from onewindow.core.demo_users import ensure_user
from onewindow.core.ids import uscc_check_character
from onewindow.core.models import Role, User

from . import guarantor_service, protocol, services
from .models import EnterpriseLink, Tender, TrustListEntry

GUARANTORS = [
    # code, name, kind, fee rate, minimum fee, red list pays; served on the demo's port + 100, + 101
    ("demo-bank", "东莞示范银行", "bank", "0.0010", "100", "0.80"),
    ("demo-insurer", "示范财产保险股份有限公司", "insurer", "0.0008", "80", "0.85"),
]
DEFAULT_PORT = 8100  # the first guarantor's, beside a demo on 8000
BIDDERS = [
    ("bidder-01", "MA0BXD001", "东莞市第一建筑工程有限公司"),
    ("bidder-02", "MA0BXD002", "广东宏图建设集团有限公司"),
    ("bidder-03", "MA0BXD003", "东莞市水利水电工程有限公司"),
    ("bidder-04", "MA0BXD004", "东莞市松湖市政工程有限公司"),
    ("bidder-05", "MA0BXD005", "广东南城路桥建设有限公司"),
    ("bidder-06", "MA0BXD006", "东莞市虎门建筑安装有限公司"),
    ("bidder-07", "MA0BXD007", "东莞市长安园林绿化有限公司"),
    ("bidder-08", "MA0BXD008", "东莞市厚街建设工程有限公司"),
]
PROJECTS = [
    ("供水管网改造工程", "施工"),
    ("道路升级改造工程", "施工"),
    ("学校运动场改造工程", "施工"),
    ("河涌综合整治工程", "施工"),
    ("公园绿化提升工程", "施工"),
    ("社区卫生服务中心装修工程", "施工"),
    ("污水处理厂提标改造工程", "设备采购及安装"),
    ("市政路灯节能改造项目", "设备采购"),
]
TOWNS = ["南城", "东城", "松山湖", "虎门", "长安", "厚街", "常平", "塘厦"]
# Bidders 05 and 06: one device and one document template for both (the ring the screening finds).
RING = ("bidder-05", "bidder-06", "bidder-08")


def uscc_of(body: str) -> str:
    """A valid USCC of Dongguan (441900) from the 9 characters after the region."""
    first17 = f"91441900{body}"
    return first17 + uscc_check_character(first17)


def ensure_enterprise(username: str, uscc: str, name: str) -> User:
    """An enterprise account verified under `uscc` (password `demo`), named `name` unless it has a name."""
    ensure_user(username, Role.ENTERPRISE, verified_id=("uscc", uscc))
    User.objects.filter(username=username, first_name="").update(first_name=name)
    return User.objects.get(username=username)


def key_dir() -> Path:
    return Path(settings.DATA_DIR) / "guarantors"


def guarantor_commands(first_port: int = DEFAULT_PORT) -> list[list[str]]:
    """`onewindow guarantor serve` for each demo guarantor whose key is in the data folder."""
    commands = []
    for number, (code, name, *_rest) in enumerate(GUARANTORS):
        key_file = key_dir() / f"{code}.key"
        if key_file.exists():
            commands.append(
                ["guarantor", "serve", "--code", code, "--name", name, "--key-file", str(key_file),
                 "--addr", f"127.0.0.1:{first_port + number}", "--answer-delay", "0.5"]
            )  # fmt: skip
    return commands


def _ensure_guarantors(first_port: int) -> dict[str, str]:
    """Registers the demo guarantors (keys made on first use; the address follows the demo's port, so
    that two demos side by side each talk to their own); their private keys by code."""
    keys = {}
    key_dir().mkdir(parents=True, exist_ok=True)
    for number, (code, name, kind, rate, minimum, discount) in enumerate(GUARANTORS):
        key_file = key_dir() / f"{code}.key"
        if not key_file.exists():
            key_file.write_text(protocol.new_key()[0] + "\n")
            key_file.chmod(0o600)
        keys[code] = key_file.read_text().strip()
        services.register_guarantor(
            code=code,
            name=name,
            kind=kind,
            endpoint=f"http://127.0.0.1:{first_port + number}",
            public_key=protocol.public_of(keys[code]),
            fee_rate=Decimal(rate),
            minimum_fee=Decimal(minimum),
            red_list_discount=Decimal(discount),
        )
    return keys


def _ensure_users() -> tuple[User, dict[str, User]]:
    owner = ensure_enterprise("tenderer", uscc_of("MA0CWN001"), "东莞市城市建设投资集团有限公司")
    ensure_user("trading", Role.TRADING)
    bidders = {username: ensure_enterprise(username, uscc_of(body), name) for username, body, name in BIDDERS}
    enterprise = User.objects.get(username="enterprise")
    if not enterprise.first_name:
        enterprise.first_name = "东莞市示范科技有限公司"
        enterprise.save(update_fields=["first_name"])
    bidders["enterprise"] = enterprise
    return owner, bidders


def answer_in_process(guarantee, private_key: str, name: str) -> None:
    """What the reference guarantor would send back, signed with its key and taken by the platform's
    own receiving code: the history's guarantees go through the same signed path as live ones."""
    config = guarantor_service.GuarantorConfig(guarantee.guarantor.code, name, private_key, "")
    answer = guarantor_service.decide(config, services.application_document(guarantee))
    body = json.dumps(answer, ensure_ascii=False).encode()
    headers = protocol.signed_headers(private_key, body, int(time.time()))
    services.receive_answer(guarantee.guarantor.code, headers, body)


def bid_pdf(author: str, text: str) -> bytes:
    """A one-page bid document whose metadata names its author and the bid-writing tool."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1)
    canvas.setAuthor(author)
    canvas.setCreator("广联达投标文件编制工具 V9")
    canvas.drawString(72, 760, text)
    canvas.save()
    return buffer.getvalue()


def load_demo_trading(days: int = 91, seed: int = 17, first_port: int = DEFAULT_PORT) -> dict:
    """Only into an empty tender table; returns what it wrote."""
    keys = _ensure_guarantors(first_port)
    owner, bidders = _ensure_users()
    if Tender.objects.exists():
        return {}
    rng = random.Random(seed)
    with transaction.atomic():
        TrustListEntry.objects.get_or_create(
            uscc=bidders["bidder-01"].verified_id_number,
            list="red",
            defaults={
                "name": bidders["bidder-01"].first_name,
                "reason": "A 级纳税人，三年无不良记录",
                "valid_from": dt.date(2024, 1, 1),
            },
        )
        TrustListEntry.objects.get_or_create(
            uscc=bidders["bidder-07"].verified_id_number,
            list="black",
            defaults={
                "name": bidders["bidder-07"].first_name,
                "reason": "串通投标，行政处罚",
                "valid_from": dt.date(2025, 1, 1),
            },
        )
        EnterpriseLink.objects.get_or_create(
            first_uscc=bidders["bidder-05"].verified_id_number,
            second_uscc=bidders["bidder-08"].verified_id_number,
            kind="shareholding",
            defaults={"detail": "广东南城路桥建设有限公司持有东莞市厚街建设工程有限公司 35% 股权"},
        )
    names = {code: name for code, name, *_rest in GUARANTORS}
    today = clock.today()
    written = {"tenders": 0, "guarantees": 0, "bids": 0, "alerts": 0}
    with notices_held_back():
        for n in range(30):
            published = today - dt.timedelta(days=days - n * days // 30)
            collusive = n in (9, 21)
            _one_tender(rng, n, published, owner, bidders, keys, names, collusive, written)
    return written


def _one_tender(rng, n, published, owner, bidders, keys, names, collusive, written) -> None:
    project, lot_name = PROJECTS[n % len(PROJECTS)]
    budget = Decimal(rng.randrange(3_000_000, 40_000_000, 10_000))
    moment = dt.datetime.combine(published, dt.time(9, 30), tzinfo=dt.UTC)
    deadline = moment + dt.timedelta(days=20)
    with clock.at(moment):
        tender = services.publish_tender(
            owner,
            services.TenderInput(
                project=f"东莞市{TOWNS[n % len(TOWNS)]}{project}",
                owner_name=owner.first_name,
                agent_name="广东诚信招标代理有限公司",
                contact="陈工 0769-22001234",
                deadline=deadline,
                guarantee_amount=(budget * Decimal("0.02")).quantize(Decimal("1000")),
                evaluation_method="lowest_price" if n % 3 else "comprehensive",
                lots=[services.LotInput(lot_name, budget)],
            ),
        )
    written["tenders"] += 1
    pool = [u for u in bidders if u not in ("bidder-07", "bidder-08")]  # 08: only with its shareholder's ring
    chosen = (
        list(RING) + rng.sample([u for u in pool if u not in RING], 2)
        if collusive
        else rng.sample(pool, rng.randint(3, 7))
    )
    if collusive:
        winner_price = budget * Decimal("0.93")
        prices = [winner_price] + [
            winner_price * Decimal(str(1 + rng.uniform(0.025, 0.035))) for _ in chosen[1:]
        ]
    else:
        prices = [budget * Decimal(str(rng.uniform(0.80, 0.99))) for _ in chosen]
    for k, username in enumerate(chosen):
        user = bidders[username]
        at = moment + dt.timedelta(
            days=rng.randint(1, 15), hours=rng.randint(0, 7), minutes=rng.randint(0, 59)
        )
        in_ring = collusive and username in RING
        if rng.random() < 0.75 or in_ring:  # about three bidders in four use an e-guarantee
            guarantor = rng.choice(list(keys))
            account = "6222020200990001" if in_ring else f"62220{rng.randint(10**10, 10**11 - 1)}"
            with clock.at(at):
                guarantee = services.order_guarantee(user, tender.code, guarantor, account)
            with clock.at(at + dt.timedelta(seconds=rng.uniform(1.5, 6.0))):
                answer_in_process(guarantee, keys[guarantor], names[guarantor])
            written["guarantees"] += 1
        device = "a3f9c2d1e4b5a6978812" if in_ring else f"{rng.getrandbits(64):016x}"
        ip = "113.108.21.77" if in_ring else f"183.6.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
        author = "刘工" if in_ring else user.first_name[:6] + "商务部"
        with clock.at(at + dt.timedelta(minutes=5)):
            services.submit_bid(
                user,
                tender.code,
                services.BidInput(
                    lot_number=1,
                    amount=prices[k].quantize(Decimal("0.01")),
                    ip_address=ip,
                    device_id=device,
                    contact=f"{user.first_name[:4]} 0769-{rng.randint(20000000, 29999999)}",
                    documents=[
                        services.DocumentInput(
                            "投标文件.pdf", bid_pdf(author, f"{tender.code} {user.first_name}")
                        )
                    ],
                ),
            )
        written["bids"] += 1
    if deadline >= clock.now():
        return  # still open for bids
    with clock.at(deadline + dt.timedelta(minutes=1)):
        services.open_bids(owner, tender.code)
    tender.refresh_from_db()
    if hasattr(tender, "alert"):
        written["alerts"] += 1
    lowest = tender.lots.get().bids.order_by("amount").first()
    with clock.at(deadline + dt.timedelta(days=rng.randint(3, 7))):
        services.award(owner, tender.code, {1: lowest.pk})
