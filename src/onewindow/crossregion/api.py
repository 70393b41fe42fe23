"""The partner regions' door: one endpoint taking signed messages (no token: the signature is the
credential, checked against the sender's imported trust list)."""

from __future__ import annotations

from ninja import Field, Router, Schema
from ninja.errors import HttpError

from . import messages, services

router = Router(tags=["cross-region"])


class MessageAnswer(Schema):
    duplicate: bool = Field(description="True when this message had already been taken: nothing changed")
    number: str | None = Field(None, description="Our case number, for a forwarded case or a hand-over")
    reference: str | None = Field(None, description="Our reference, for a report on a case we sent")


@router.post(
    "/cross-region/messages",
    response=MessageAnswer,
    auth=None,
    summary="Take a signed message from a partner region",
    description="The body is the message as a compact JWS (sent as application/jose or text/plain).",
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}}
    },
)
def take_message(request):
    try:
        token = request.body.decode("ascii")
    except UnicodeDecodeError:
        raise HttpError(400, "the body must be a compact JWS") from None
    try:
        return services.receive(token)
    except messages.MessageRefused as refused:
        raise HttpError(refused.status, refused.reason) from None
