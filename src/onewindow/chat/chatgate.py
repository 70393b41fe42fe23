"""The reference chat platform: what an official account's platform does on the other side of the
adapter, run as its own process (`onewindow chatgate serve`) with its own SQLite file.

    GET  /u/<chat user>            the chat app of one user: the conversation and a box to write (no script)
    POST /u/<chat user>            the user writes; a signed event goes to the platform's events URL
    POST /v1/messages              the platform sends a template message (signed; one per message id)
    GET  /v1/users/<chat user>/messages   the conversation, for inspection (signed)

Template messages are rendered from `chat.templates` in the message's language, as a platform renders
the templates an official account registered with it.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
import sqlite3
import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from onewindow.core.refserver import JsonHandler
from onewindow.integrations import partners

from . import templates

log = logging.getLogger("onewindow.chatgate")
MAX_BODY = 16 * 1024
EVENT_TRIES = 6
SCHEMA = """
create table if not exists messages (
    id text primary key, chat_user text not null, direction text not null, template text not null,
    params text not null, text text not null, at text not null
);
create index if not exists messages_user on messages (chat_user, at);
"""
USER = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class ChatPlatform:
    def __init__(self, database: str, secret: str, events_url: str, account: str):
        self.secret, self.events_url, self.account = secret, events_url, account
        self.lock = threading.Lock()
        self.db = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)

    def store(
        self, message_id: str, user: str, direction: str, template: str, params: dict, text: str
    ) -> bool:
        """False when the message id is known already."""
        with self.lock:
            try:
                self.db.execute(
                    "insert into messages values (?, ?, ?, ?, ?, ?, ?)",
                    (message_id, user, direction, template, json.dumps(params, ensure_ascii=False), text,
                     dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")),
                )  # fmt: skip
            except sqlite3.IntegrityError:
                return False
        return True

    def conversation(self, user: str) -> list[sqlite3.Row]:
        with self.lock:
            return self.db.execute(
                "select * from messages where chat_user = ? order by at, rowid", (user,)
            ).fetchall()

    def deliver_event(self, event: dict) -> int:
        """Sends the event to the platform, retried while it fails; the last status (0: unreachable)."""
        status = 0
        for attempt in range(EVENT_TRIES):
            try:
                status, _answer = partners.call(
                    self.secret, "POST", self.events_url, event, msg_id=event["message_id"]
                )
            except OSError as error:
                log.warning("event %s not delivered: %s", event["message_id"], error)
                status = 0
            if 200 <= status < 300:
                return status
            time.sleep(min(2**attempt, 10))
        return status


PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{account}: {user}</title>
<style>body{{font-family:sans-serif;max-width:36rem;margin:1rem auto;padding:0 1rem}}
.in{{text-align:right}}
.in p,.out p{{display:inline-block;padding:.4rem .7rem;border-radius:.8rem;margin:.2rem 0}}
.in p{{background:#d8ecff}}.out p{{background:#eee}}label{{display:block;margin-top:1rem}}</style></head>
<body><h1>{account}</h1><p>Tài khoản trò chuyện (chat account): <strong>{user}</strong></p>
<ol class="conversation" aria-label="Cuộc trò chuyện (conversation)">{messages}</ol>
<form method="post"><label for="text">Tin nhắn (message)</label>
<input id="text" name="text" maxlength="500" required autocomplete="off">
<button type="submit">Gửi (Send)</button></form></body></html>"""


def handler_for(platform: ChatPlatform):
    class Handler(JsonHandler):
        server_version = "OneWindowReferenceChat/1"
        log = log
        max_body = MAX_BODY

        def _signed(self, body: bytes) -> str | None:
            try:
                return partners.verify(platform.secret, self.command, self.path, dict(self.headers), body)
            except partners.VerificationError as refused:
                self.reply(401, {"error": str(refused)})
                return None

        def do_GET(self):
            path = urlsplit(self.path).path
            if path == "/healthz":
                return self.reply(200, {"account": platform.account, "ok": True})
            if (found := re.fullmatch(r"/u/([^/]+)", path)) and USER.fullmatch(found.group(1)):
                return self._conversation(found.group(1))
            if found := re.fullmatch(r"/v1/users/([^/]+)/messages", path):
                if self._signed(b"") is None:
                    return None
                rows = platform.conversation(found.group(1))
                return self.reply(200, {"messages": [_describe(r) for r in rows]})
            return self.reply(404, {"error": "not found"})

        def do_POST(self):
            path = urlsplit(self.path).path
            body = self.read_body()
            if body is None:
                return None
            if (found := re.fullmatch(r"/u/([^/]+)", path)) and USER.fullmatch(found.group(1)):
                return self._write(found.group(1), body)
            if path != "/v1/messages":
                return self.reply(404, {"error": "not found"})
            message_id = self._signed(body)
            if message_id is None:
                return None
            try:
                document = json.loads(body or b"{}")
            except ValueError:
                return self.reply(400, {"error": "the body is not JSON"})
            template, params = document.get("template", ""), document.get("params") or {}
            user = str(document.get("recipient", ""))
            problems = (
                templates.problems(template, params) if isinstance(params, dict) else ["params: a mapping"]
            )
            if not USER.fullmatch(user):
                problems.append("recipient: a chat user id")
            if problems:
                return self.reply(400, {"error": "; ".join(problems)})
            text = templates.render(template, params, templates.language_of(document.get("language", "")))
            fresh = platform.store(message_id, user, "out", template, params, text)
            return self.reply(200, {"message_id": message_id, "duplicate": not fresh})

        def _conversation(self, user: str):
            items = "".join(
                f'<li class="{row["direction"]}"><p>{html.escape(row["text"])}</p></li>'
                for row in platform.conversation(user)
            )
            page = PAGE.format(account=html.escape(platform.account), user=html.escape(user), messages=items)
            return self.page(200, page)

        def _write(self, user: str, body: bytes):
            text = parse_qs(body.decode(errors="replace")).get("text", [""])[0].strip()[:500]
            if text:
                message_id = f"evt_{uuid.uuid4().hex}"
                platform.store(message_id, user, "in", "", {}, text)
                event = {
                    "event": "user_send_text",
                    "message_id": message_id,
                    "chat_user_id": user,
                    "text": text,
                    "timestamp": int(time.time()),
                }
                # The platform answers the event at once; what it replies comes as a template message.
                platform.deliver_event(event)
            self.send_response(303)
            self.send_header("Location", f"/u/{user}")
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


def _describe(row) -> dict:
    return {
        "message_id": row["id"],
        "direction": row["direction"],
        "template": row["template"],
        "params": json.loads(row["params"]),
        "text": row["text"],
        "at": row["at"],
    }


def serve(platform: ChatPlatform, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), handler_for(platform))
    server.daemon_threads = True
    return server
