"""The reference webhook receiver: verifies Standard Webhooks signatures, drops repeats by webhook-id,
and hands each new message on (printed as one JSON line by `onewindow webhook-receiver`).

A starting point for department developers: the parts a real receiver needs are all here (raw body
for the signature, timestamp tolerance, idempotency by message id, a quick 2xx), in plain Python.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import signing

MAX_BODY = 1024 * 1024


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address, secrets_: list[str], on_message: Callable[[str, dict], None], fail=False, seen=None
    ):
        super().__init__(address, _Handler)
        self.secrets = secrets_
        self.on_message = on_message
        self.seen: set[str] = set(seen or ())
        self.repeats = 0
        self.fail = fail  # answer 503 to everything (to show a receiver that is down but listening)
        self._lock = threading.Lock()

    def accept_message(self, msg_id: str, message: dict) -> bool:
        """True the first time a message id comes; repeats are acknowledged and dropped."""
        with self._lock:
            if msg_id in self.seen:
                self.repeats += 1
                return False
            # Handed on before it counts as seen and before the 2xx: a crash in between means the
            # sender tries again, never that a message is lost.
            self.on_message(msg_id, message)
            self.seen.add(msg_id)
        return True


class _Handler(BaseHTTPRequestHandler):
    server: Receiver
    protocol_version = "HTTP/1.1"  # keep-alive, as the sender reuses its connection

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY:
            return self._answer(413, "too large")
        body = self.rfile.read(length)
        if self.server.fail:
            return self._answer(503, "down for maintenance")
        try:
            msg_id = signing.verify(self.server.secrets, dict(self.headers.items()), body, int(time.time()))
            message = json.loads(body)
        except signing.VerificationError as error:
            return self._answer(401, str(error))
        except ValueError:
            return self._answer(400, "the body is not JSON")
        self.server.accept_message(msg_id, message)
        return self._answer(204, "")

    def _answer(self, status: int, text: str):
        payload = text.encode()
        self.send_response(status)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # the printed events are the output, not access lines
        pass


def serve(host: str, port: int, secrets_: list[str], on_message, fail: bool = False, seen=None) -> Receiver:
    return Receiver((host, port), secrets_, on_message, fail=fail, seen=seen)


def seen_in(path) -> set[str]:
    """The message ids already written to a receiver's output file (a torn last line is skipped)."""
    seen = set()
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                try:
                    seen.add(json.loads(line)["webhook_id"])
                except (ValueError, KeyError):
                    continue
    except FileNotFoundError:
        pass
    return seen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
