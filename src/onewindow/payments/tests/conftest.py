import base64
import os
import secrets
import subprocess
import sys
import urllib.request
from types import SimpleNamespace

import pytest

from onewindow.core.refserver import wait_until_healthy
from onewindow.integrations.receiver import free_port


@pytest.fixture
def paygate(request, settings, tmp_path, live_server):
    """The reference gateway as its own process (`onewindow paygate serve`), sharing a fresh merchant
    secret with this platform, whose notices reach the test's live server (after
    `notice_delay` seconds, given by indirect parametrisation)."""
    delay = getattr(request, "param", {}).get("notice_delay", 0)
    port = free_port()
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    settings.ONEWINDOW_PAYGATE_SECRET = secret
    settings.ONEWINDOW_PAYGATE_URL = f"http://127.0.0.1:{port}"
    settings.ONEWINDOW_PUBLIC_URL = live_server.url
    env = {**os.environ, "ONEWINDOW_PAYGATE_SECRET": secret, "ONEWINDOW_DATA_DIR": str(tmp_path / "paygate")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onewindow.cli",
            "paygate",
            "serve",
            "--addr",
            f"127.0.0.1:{port}",
            "--notice-delay",
            str(delay),
        ],  # fmt: skip
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(f"{url}/healthz", process, "the reference gateway")
    yield SimpleNamespace(url=url, secret=secret, database=tmp_path / "paygate" / "paygate.sqlite3")
    process.terminate()
    process.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def pay_at_gateway(pay_url: str, action: str = "pay") -> str:
    """What the payer does on the gateway's page; the address it sends them back to."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(pay_url, data=f"action={action}".encode(), method="POST")
    try:
        opener.open(request, timeout=10)
    except urllib.error.HTTPError as answer:
        if answer.code == 303:
            return answer.headers["Location"]
        raise
    raise AssertionError("the gateway did not send the payer back")
