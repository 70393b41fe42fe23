"""Fixtures of the trading tests (also used by the browser tests): a tender with bidders, and the
reference guarantor running as its own process."""

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest

from onewindow.core.demo_users import ensure_user
from onewindow.core.models import Role, User
from onewindow.core.refserver import wait_until_healthy
from onewindow.integrations.receiver import free_port
from onewindow.trading.demo import ensure_enterprise, uscc_of


def enterprise(username: str, body: str, name: str) -> User:
    """An enterprise account verified under the USCC made of `body` (password `demo`)."""
    return ensure_enterprise(username, uscc_of(body), name)


@pytest.fixture
def parties(demo):
    return {
        "owner": enterprise("owner-co", "MA0000001", "东莞市水务投资有限公司"),
        "bidders": [
            enterprise(f"bidder-{n}", f"MA000010{n}", f"东莞市第{n}建筑工程有限公司") for n in range(1, 5)
        ],
        "staff": _staff(),
    }


@pytest.fixture
def tender(parties, today):
    from onewindow.core import clock
    from onewindow.trading import services

    return services.publish_tender(
        parties["owner"],
        services.TenderInput(
            project="东莞市某供水管网改造工程",
            owner_name="东莞市水务投资有限公司",
            deadline=clock.now() + dt.timedelta(days=20),
            guarantee_amount=Decimal("200000.00"),
            evaluation_method="lowest_price",
            lots=[services.LotInput("施工", Decimal("18000000"))],
        ),
    )


@pytest.fixture
def start_guarantor(tmp_path, settings, db):
    """Registers a guarantor and starts the reference service for it (`onewindow guarantor serve`)."""
    from onewindow.trading import protocol, services

    processes = []

    def start(code="demo-bank", *flags):
        port = free_port()
        private, public = protocol.new_key()
        key_file = tmp_path / f"{code}.key"
        key_file.write_text(private)
        guarantor = services.register_guarantor(
            code=code,
            name="东莞示范银行",
            kind="bank",
            endpoint=f"http://127.0.0.1:{port}",
            public_key=public,
            fee_rate=Decimal("0.001"),
            minimum_fee=Decimal("100"),
            red_list_discount=Decimal("0.8"),
        )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "onewindow.cli",
                "guarantor",
                "serve",
                "--code",
                code,
                "--name",
                "东莞示范银行",
                "--key-file",
                str(key_file),
                "--addr",
                f"127.0.0.1:{port}",
                "--platform-key-file",
                str(services.platform_public_key_path()),
                *flags,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process, "the reference guarantor")
        guarantor.private_key = private  # for tests that speak as the guarantor
        return guarantor

    yield start
    for process in processes:
        process.terminate()
        process.wait(10)


def _staff() -> User:
    ensure_user("trading-staff", Role.TRADING)
    return User.objects.get(username="trading-staff")
