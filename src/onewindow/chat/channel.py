"""The chat channel adapter: one interface (send a template message, verify an inbound event) and the
reference channel, which talks to `onewindow chatgate serve` with Standard Webhooks signatures over
method, path and body (integrations.partners), as the payment gateway does."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from onewindow.integrations import partners


class ChatChannelError(Exception):
    pass


class ChatChannel(Protocol):
    code: str

    def send(self, message_id: str, recipient: str, template: str, params: dict, language: str) -> None: ...

    def verify_event(self, method: str, path: str, headers: dict, body: bytes) -> str: ...


def channel() -> ChatChannel:
    return import_string(settings.ONEWINDOW_CHAT_CHANNEL)()


class ReferenceChatChannel:
    code = "reference"

    def __init__(self):
        self.url, self.secret = settings.ONEWINDOW_CHATGATE_URL, settings.ONEWINDOW_CHATGATE_SECRET

    def send(self, message_id, recipient, template, params, language) -> None:
        document = {"recipient": recipient, "template": template, "params": params, "language": language}
        try:
            status, answer = partners.call(
                self.secret, "POST", f"{self.url}/v1/messages", document, msg_id=message_id
            )
        except OSError as error:
            raise ChatChannelError(f"the chat platform is unreachable: {error}") from None
        if status != 200:
            raise ChatChannelError(f"the chat platform refused the message ({status}): {answer.get('error')}")

    def verify_event(self, method, path, headers, body) -> str:
        """The event's message id; partners.VerificationError for a bad or missing signature."""
        return partners.verify(self.secret, method, path, headers, body)
