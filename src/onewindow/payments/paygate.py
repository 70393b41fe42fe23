"""The reference payment gateway: what a bank's or a national payment platform's gateway does on the
other side of the adapter, run as its own process (`onewindow paygate serve`) with its own SQLite
file and no access to the platform's database. It knows one merchant and its secret.

    POST /v1/payments                      create (same reference again: the same payment) → pay_url
    GET  /pay/<id>                         the payer's checkout page (pay or cancel; no script)
    POST /pay/<id>                         pay or cancel; a signed notice goes to notify_url
                                           (retried until taken) and the payer back to return_url
    GET  /v1/payments/<reference>          query
    POST /v1/payments/<reference>/refunds  refund all or part (same refund reference: once)
    GET  /v1/statements/<YYYY-MM-DD>       the day's movements, for reconciliation

Every call to /v1 must be signed with the merchant's secret (`protocol`); bad signatures and replayed
message ids are refused with 401.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
import secrets
import sqlite3
import threading
import time
from decimal import Decimal, InvalidOperation
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from onewindow.core.refserver import JsonHandler
from onewindow.payments import protocol

log = logging.getLogger("onewindow.paygate")
MAX_BODY = 64 * 1024
NOTICE_TRIES = 8
SCHEMA = """
create table if not exists payments (
    id text primary key, reference text unique not null, amount text not null, currency text not null,
    description text not null, return_url text not null, notify_url text not null,
    status text not null, txn text not null default '', created_at text not null, paid_at text
);
create table if not exists refunds (
    refund_reference text primary key, reference text not null, amount text not null,
    reason text not null, txn text not null, at text not null
);
"""


class Gateway:
    """The gateway's state: its SQLite file, behind one lock (a reference, not a bank)."""

    def __init__(self, database: str, merchant: str, secret: str, public_url: str, notice_delay: float = 0.0):
        self.merchant, self.secret, self.public_url = merchant, secret, public_url.rstrip("/")
        self.notice_delay = notice_delay
        self.lock = threading.Lock()
        self.db = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)
        self.seen: dict[str, float] = {}

    def _payment(self, column: str, value: str):
        return self.db.execute(f"select * from payments where {column} = ?", (value,)).fetchone()

    def _refunded(self, reference: str) -> Decimal:
        """What was refunded of a payment so far, summed as decimals (amounts are kept as text)."""
        rows = self.db.execute("select amount from refunds where reference = ?", (reference,))
        return sum((Decimal(r["amount"]) for r in rows), Decimal(0))

    def describe(self, row) -> dict:
        refunded = self._refunded(row["reference"])
        return {
            "id": row["id"],
            "reference": row["reference"],
            "amount": row["amount"],
            "currency": row["currency"],
            "status": row["status"],
            "transaction": row["txn"],
            "paid_at": row["paid_at"],
            "refunded": str(refunded.normalize()) if refunded else "0",
            "pay_url": f"{self.public_url}/pay/{row['id']}",
        }

    def create(self, document: dict) -> tuple[int, dict]:
        problem = _invalid_payment(document, self.merchant)
        if problem:
            return 400, {"error": problem}
        with self.lock:
            found = self._payment("reference", document["reference"])
            if found:
                if Decimal(found["amount"]) != Decimal(str(document["amount"])):
                    return 409, {"error": "this reference was created with another amount"}
                return 200, self.describe(found)
            payment_id = secrets.token_urlsafe(12)
            self.db.execute(
                "insert into payments values (?, ?, ?, ?, ?, ?, ?, 'pending', '', ?, null)",
                (
                    payment_id,
                    document["reference"],
                    str(Decimal(str(document["amount"]))),
                    document["currency"],
                    str(document.get("description", ""))[:200],
                    document["return_url"],
                    document["notify_url"],
                    _now(),
                ),
            )
            return 201, self.describe(self._payment("id", payment_id))

    def settle(self, payment_id: str, action: str) -> dict | None:
        """Pay or cancel a pending payment (the payer's choice); the notice to send, or None."""
        with self.lock:
            row = self._payment("id", payment_id)
            if row is None or row["status"] != "pending":
                return None
            if action == "pay":
                txn = f"TXN{dt.datetime.now().strftime('%Y%m%d')}{secrets.randbelow(10**8):08d}"
                self.db.execute(
                    "update payments set status = 'paid', txn = ?, paid_at = ? where id = ?",
                    (txn, _now(), payment_id),
                )
            else:
                self.db.execute("update payments set status = 'cancelled' where id = ?", (payment_id,))
            row = self._payment("id", payment_id)
        return {"type": f"payment.{row['status']}", **self.describe(row)}

    def refund(self, reference: str, document: dict) -> tuple[int, dict]:
        refund_reference = str(document.get("refund_reference", ""))
        try:
            amount = Decimal(str(document.get("amount")))
        except InvalidOperation:
            return 400, {"error": "amount is not a number"}
        if not refund_reference or not amount.is_finite() or amount <= 0:
            return 400, {"error": "refund_reference and a positive amount are needed"}
        with self.lock:
            row = self._payment("reference", reference)
            if row is None:
                return 404, {"error": "no such payment"}
            done = self.db.execute(
                "select * from refunds where refund_reference = ?", (refund_reference,)
            ).fetchone()
            if done:
                return 200, _refund(done)
            if row["status"] != "paid":
                return 409, {"error": f"the payment is {row['status']}, not paid"}
            refunded = self._refunded(reference)
            if refunded + amount > Decimal(row["amount"]):
                return 422, {"error": f"only {Decimal(row['amount']) - refunded} is left to refund"}
            txn = f"RFD{dt.datetime.now().strftime('%Y%m%d')}{secrets.randbelow(10**8):08d}"
            self.db.execute(
                "insert into refunds values (?, ?, ?, ?, ?, ?)",
                (
                    refund_reference,
                    reference,
                    str(amount),
                    str(document.get("reason", ""))[:200],
                    txn,
                    _now(),
                ),
            )
            done = self.db.execute(
                "select * from refunds where refund_reference = ?", (refund_reference,)
            ).fetchone()
            return 201, _refund(done)

    def statement(self, day: str) -> dict:
        lines = [
            {
                "kind": "payment",
                "reference": r["reference"],
                "amount": r["amount"],
                "transaction": r["txn"],
                "at": r["paid_at"],
            }
            for r in self.db.execute(
                "select * from payments where status = 'paid' and substr(paid_at, 1, 10) = ? "
                "order by paid_at",
                (day,),
            )
        ] + [
            {
                "kind": "refund",
                "reference": r["refund_reference"],
                "amount": r["amount"],
                "transaction": r["txn"],
                "at": r["at"],
            }
            for r in self.db.execute("select * from refunds where substr(at, 1, 10) = ? order by at", (day,))
        ]
        return {"merchant": self.merchant, "date": day, "lines": lines}

    def send_notice(self, notice: dict, notify_url: str) -> None:
        """Post the signed notice until the platform takes it; every retry has the same message id."""
        time.sleep(self.notice_delay)
        msg_id = f"notice_{notice['id']}_{notice['status']}"
        for attempt in range(NOTICE_TRIES):
            try:
                status, _answer = protocol.call(self.secret, "POST", notify_url, notice, msg_id=msg_id)
            except OSError as error:
                status = 0
                log.warning("notice for %s failed: %s", notice["reference"], error)
            if 200 <= status < 300 or status in (400, 404):
                log.info("notice %s for %s: %s", notice["type"], notice["reference"], status)
                return
            time.sleep(min(2**attempt, 30))


def _refund(row) -> dict:
    return {
        "refund_reference": row["refund_reference"],
        "reference": row["reference"],
        "amount": row["amount"],
        "transaction": row["txn"],
        "status": "refunded",
        "at": row["at"],
    }


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _invalid_payment(document, merchant: str) -> str:
    if not isinstance(document, dict):
        return "the body is not a JSON object"
    for name in ("merchant", "reference", "amount", "currency", "return_url", "notify_url"):
        if not document.get(name):
            return f"{name} is missing"
    if document["merchant"] != merchant:
        return "unknown merchant"
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", str(document["reference"])):
        return "reference must be 1 to 64 letters, digits, dots, dashes or underscores"
    try:
        amount = Decimal(str(document["amount"]))
    except InvalidOperation:
        return "amount is not a number"
    if not amount.is_finite() or amount <= 0:
        return "amount must be positive"
    for name in ("return_url", "notify_url"):
        if not str(document[name]).startswith(("http://", "https://")):
            return f"{name} is not an http(s) address"
    return ""


CHECKOUT = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng thanh toán thử nghiệm</title>
<style>body{{font:1.1rem/1.5 sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#111}}
button{{font-size:1.1rem;min-height:48px;padding:0 1.2rem;margin-right:.5rem}}dt{{font-weight:bold}}</style>
</head><body><main><h1>Cổng thanh toán thử nghiệm</h1>
<p>Reference payment gateway of OneWindow: no real money moves.</p>
<dl><dt>Đơn vị nhận (merchant)</dt><dd>{merchant}</dd>
<dt>Nội dung (description)</dt><dd>{description}</dd>
<dt>Số tiền (amount)</dt><dd id="amount">{amount} {currency}</dd>
<dt>Trạng thái (status)</dt><dd>{status}</dd></dl>
{form}</main></body></html>"""


def handler_for(gateway: Gateway):
    class Handler(JsonHandler):
        server_version = "OneWindowReferencePaygate/1"
        log = log
        max_body = MAX_BODY

        def _signed(self, body: bytes) -> bool:
            try:
                msg_id = protocol.verify(gateway.secret, self.command, self.path, dict(self.headers), body)
            except protocol.VerificationError as refused:
                self.reply(401, {"error": str(refused)})
                return False
            with gateway.lock:
                now = time.time()
                for old in [m for m, at in gateway.seen.items() if at < now - 2 * protocol.TOLERANCE_SECONDS]:
                    del gateway.seen[old]
                if msg_id in gateway.seen:
                    self.reply(401, {"error": "this message id was already received (replay)"})
                    return False
                gateway.seen[msg_id] = now
            return True

        def do_GET(self):
            path = urlsplit(self.path).path
            if path == "/healthz":
                return self.reply(200, {"merchant": gateway.merchant, "ok": True})
            if found := re.fullmatch(r"/pay/([A-Za-z0-9_-]+)", path):
                return self._checkout(found.group(1))
            if not path.startswith("/v1/"):
                return self.reply(404, {"error": "not found"})
            if not self._signed(b""):
                return None
            if found := re.fullmatch(r"/v1/payments/([A-Za-z0-9_.-]+)", path):
                row = gateway._payment("reference", found.group(1))
                return (
                    self.reply(200, gateway.describe(row))
                    if row
                    else self.reply(404, {"error": "no such payment"})
                )
            if found := re.fullmatch(r"/v1/statements/(\d{4}-\d{2}-\d{2})", path):
                return self.reply(200, gateway.statement(found.group(1)))
            return self.reply(404, {"error": "not found"})

        def do_POST(self):
            path = urlsplit(self.path).path
            body = self.read_body()
            if body is None:
                return None
            if found := re.fullmatch(r"/pay/([A-Za-z0-9_-]+)", path):
                return self._settle(found.group(1), body)
            if not path.startswith("/v1/"):
                return self.reply(404, {"error": "not found"})
            if not self._signed(body):
                return None
            try:
                document = json.loads(body or b"{}")
            except ValueError:
                return self.reply(400, {"error": "the body is not JSON"})
            if path == "/v1/payments":
                return self.reply(*gateway.create(document))
            if found := re.fullmatch(r"/v1/payments/([A-Za-z0-9_.-]+)/refunds", path):
                return self.reply(
                    *gateway.refund(found.group(1), document if isinstance(document, dict) else {})
                )
            return self.reply(404, {"error": "not found"})

        def _checkout(self, payment_id: str):
            row = gateway._payment("id", payment_id)
            if row is None:
                return self.page(
                    404, "<!doctype html><html lang=en><title>Not found</title><h1>Not found</h1></html>"
                )
            form = (
                f'<form method="post" action="/pay/{payment_id}">'
                '<button name="action" value="pay">Thanh toán (Pay)</button>'
                '<button name="action" value="cancel">Hủy (Cancel)</button></form>'
                if row["status"] == "pending"
                else ""
            )
            page = CHECKOUT.format(
                merchant=html.escape(gateway.merchant),
                description=html.escape(row["description"]),
                amount=html.escape(row["amount"]),
                currency=html.escape(row["currency"]),
                status=html.escape(row["status"]),
                form=form,
            )
            return self.page(200, page)

        def _settle(self, payment_id: str, body: bytes):
            action = parse_qs(body.decode(errors="replace")).get("action", [""])[0]
            if action not in ("pay", "cancel"):
                return self.page(
                    400, "<!doctype html><html lang=en><title>Bad request</title><p>pay or cancel</p></html>"
                )
            notice = gateway.settle(payment_id, action)
            row = gateway._payment("id", payment_id)
            if row is None:
                return self.page(
                    404, "<!doctype html><html lang=en><title>Not found</title><h1>Not found</h1></html>"
                )
            if notice:
                threading.Thread(
                    target=gateway.send_notice, args=(notice, row["notify_url"]), daemon=True
                ).start()
            separator = "&" if "?" in row["return_url"] else "?"
            target = (
                row["return_url"]
                + separator
                + urlencode({"reference": row["reference"], "status": row["status"]})
            )
            self.send_response(303)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


def serve(gateway: Gateway, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), handler_for(gateway))
    server.daemon_threads = True
    return server
