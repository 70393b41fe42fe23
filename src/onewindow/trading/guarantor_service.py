"""The reference guarantor: what a bank's system does on the other side of the guarantor API, run as its
own process (`onewindow guarantor serve`) with its own key and no access to the platform's database.

It takes signed applications (`POST /applications`), refuses bad signatures and replays, answers
202 at once and then, after its review (automatic here: it issues unless the amount is above its
limit), posts a signed answer to the application's callback address: the guarantee number, the
amount, the validity and the guarantee PDF with its SHA-256, or a decline with a reason. An
application sent again gets the same guarantee again, never a second one. Releases and claims
(`POST /notices`) are acknowledged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from http.server import ThreadingHTTPServer

from onewindow.core.refserver import JsonHandler
from onewindow.trading import protocol

log = logging.getLogger("onewindow.guarantor")
MAX_BODY = 64 * 1024
CALLBACK_TRIES = 6


@dataclass
class GuarantorConfig:
    code: str
    name: str
    private_key: str
    platform_key: str
    answer_delay: float = 0.0
    never_answer: bool = False
    decline_above: Decimal | None = None
    seen: dict[str, float] = field(default_factory=dict)
    answers: dict[str, dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def guarantee_pdf(config: GuarantorConfig, application: dict, number: str) -> bytes:
    from onewindow.cases.documents import document_pdf

    tender, bidder = application["tender"], application["bidder"]
    lines = [
        ("保函编号", number),
        ("担保人", config.name),
        ("被担保人（投标人）", f"{bidder['name']}（{bidder['uscc']}）"),
        ("受益人（招标人）", tender["owner_name"]),
        ("招标项目", f"{tender['code']} {tender['project']}"),
        ("担保金额", f"人民币 {application['amount']} 元"),
        ("有效期至", application["valid_until"]),
    ]
    footer = "本保函为投标保证金电子保函，见索即付；真伪以担保人签名的电子数据为准。"
    return document_pdf("投标保证金电子保函", lines, "", footer, True)


def decide(config: GuarantorConfig, application: dict) -> dict:
    """The answer to an application: issued (with the PDF) or declined."""
    reference = application["reference"]
    amount = Decimal(application["amount"])
    if config.decline_above is not None and amount > config.decline_above:
        return {
            "type": "guarantee.declined",
            "reference": reference,
            "reason": f"amount above this guarantor's limit of {config.decline_above}",
        }
    number = f"{config.code.upper()}-{time.strftime('%Y%m%d')}-{secrets.token_hex(4).upper()}"
    pdf = guarantee_pdf(config, application, number)
    return {
        "type": "guarantee.issued",
        "reference": reference,
        "number": number,
        "amount": application["amount"],
        "valid_until": application["valid_until"],
        "tender_code": application["tender"]["code"],
        "bidder_uscc": application["bidder"]["uscc"],
        "pdf": base64.b64encode(pdf).decode(),
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        "issued_at": int(time.time()),
    }


def _answer_later(config: GuarantorConfig, application: dict) -> None:
    time.sleep(config.answer_delay)
    with config.lock:
        answer = config.answers.get(application["reference"])
        if answer is None:
            answer = config.answers[application["reference"]] = decide(config, application)
    for attempt in range(CALLBACK_TRIES):
        try:
            status = protocol.post_signed(config.private_key, application["callback_url"], answer)
        except OSError as error:
            status = 0
            log.warning("callback for %s failed: %s", application["reference"], error)
        if 200 <= status < 300 or status in (400, 404):  # taken, or never takeable
            log.info("answered %s: %s (%s)", application["reference"], answer["type"], status)
            return
        time.sleep(min(2**attempt, 30))


def _valid_application(document) -> str:
    """What is wrong with an application, or ''."""
    if not isinstance(document, dict):
        return "the body is not a JSON object"
    for name in ("reference", "amount", "valid_until", "callback_url", "tender", "bidder"):
        if name not in document:
            return f"{name} is missing"
    if not str(document["callback_url"]).startswith(("http://", "https://")):
        return "callback_url is not an http(s) address"
    try:
        Decimal(str(document["amount"]))
    except InvalidOperation:
        return "amount is not a number"
    return ""


def handler_for(config: GuarantorConfig):
    class Handler(JsonHandler):
        server_version = "OneWindowReferenceGuarantor/1"
        log = log

        def do_GET(self):
            if self.path == "/healthz":
                self.reply(200, {"guarantor": config.code, "ok": True})
            else:
                self.reply(404, {"error": "not found"})

        def do_POST(self):
            if self.path not in ("/applications", "/notices"):
                return self.reply(404, {"error": "not found"})
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self.reply(413, {"error": "the body is too large"})
            body = self.rfile.read(length)
            try:
                msg_id = protocol.verify(config.platform_key, dict(self.headers), body, int(time.time()))
            except protocol.SignatureRefused as refused:
                return self.reply(401, {"error": str(refused)})
            with config.lock:
                now = time.time()
                for old in [m for m, at in config.seen.items() if at < now - 2 * protocol.TOLERANCE_SECONDS]:
                    del config.seen[old]
                if msg_id in config.seen:
                    return self.reply(409, {"error": "this message id was already received (replay)"})
                config.seen[msg_id] = now
            try:
                document = json.loads(body)
            except ValueError:
                return self.reply(400, {"error": "the body is not JSON"})
            if self.path == "/notices":
                return self.reply(200, {"acknowledged": document.get("reference", "")})
            problem = _valid_application(document)
            if problem:
                return self.reply(400, {"error": problem})
            self.reply(202, {"accepted": document["reference"]})
            if not config.never_answer:
                threading.Thread(target=_answer_later, args=(config, document), daemon=True).start()

    return Handler


def serve(config: GuarantorConfig, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), handler_for(config))
    server.daemon_threads = True
    return server
