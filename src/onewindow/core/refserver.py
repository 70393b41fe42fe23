"""What the reference services share: the small HTTP processes that stand in for partners in the
demo and the tests (the guarantor, the payment gateway, the webhook receiver)."""

from __future__ import annotations

import json
import logging
import subprocess
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler that answers JSON and logs requests at debug level to `log`."""

    log = logging.getLogger("onewindow.refserver")

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        self.log.debug(format, *args)

    max_body = 64 * 1024

    def reply(self, status: int, document: dict) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def page(self, status: int, page: str) -> None:
        """An HTML page (a payer's checkout, a chat app)."""
        body = page.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self) -> bytes | None:
        """The request's body; None (with 413 answered) when it is longer than `max_body`."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.max_body:
            self.reply(413, {"error": "the body is too large"})
            return None
        return self.rfile.read(length)


def parse_addr(addr: str) -> tuple[str, int]:
    """ "HOST:PORT" → (host, port); ValueError otherwise."""
    host, _colon, port = addr.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("must be HOST:PORT")
    return host, int(port)


def serve_until_interrupted(server: HTTPServer) -> None:
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def wait_until_healthy(url: str, process: subprocess.Popen, what: str, seconds: float = 30) -> None:
    """Poll `url` until it answers; RuntimeError if `process` exits or time runs out first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)
