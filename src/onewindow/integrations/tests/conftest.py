import threading

import pytest

from onewindow.integrations import receiver


class Inbox:
    """A reference receiver on a free port, in a thread, keeping what it accepted."""

    def __init__(self, secret: str):
        self.port = receiver.free_port()
        self.messages: list[tuple[str, dict]] = []
        self.server = receiver.serve(
            "127.0.0.1", self.port, [secret], lambda i, m: self.messages.append((i, m))
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def types(self) -> list[str]:
        return [m["type"] for _i, m in self.messages]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def inbox_for():
    made = []

    def start(secret):
        made.append(Inbox(secret))
        return made[-1]

    yield start
    for inbox in made:
        inbox.stop()
