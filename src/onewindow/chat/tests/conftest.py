import base64
import json
import os
import secrets
import subprocess
import sys
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest

from onewindow.core.refserver import wait_until_healthy
from onewindow.integrations import partners
from onewindow.integrations.receiver import free_port


@pytest.fixture
def chatgate(settings, tmp_path, live_server):
    """The reference chat platform as its own process (`onewindow chatgate serve`), sharing a fresh
    secret with this platform, whose users' messages go to the test's live server."""
    port = free_port()
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    settings.ONEWINDOW_CHATGATE_SECRET = secret
    settings.ONEWINDOW_CHATGATE_URL = url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ONEWINDOW_CHATGATE_SECRET": secret,
        "ONEWINDOW_DATA_DIR": str(tmp_path / "chatgate"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "onewindow.cli", "chatgate", "serve", "--addr", f"127.0.0.1:{port}",
         "--events-url", f"{live_server.url}/chat/events/"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_until_healthy(f"{url}/healthz", process, "the reference chat platform")

    def write(user: str, text: str) -> None:
        """What a user types into their chat app (the platform sends the event before it answers)."""
        body = urllib.parse.urlencode({"text": text}).encode()
        request = urllib.request.Request(f"{url}/u/{user}", data=body, method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def conversation(user: str) -> list[dict]:
        status, answer = partners.call(secret, "GET", f"{url}/v1/users/{user}/messages")
        assert status == 200, answer
        return answer["messages"]

    yield SimpleNamespace(url=url, secret=secret, write=write, conversation=conversation, json=json)
    process.terminate()
    process.wait(timeout=10)
