"""The guarantor API's platform side: guarantors post their signed answers here (no token: the
Standard Webhooks signature by the guarantor's registered key is the credential)."""

from __future__ import annotations

from ninja import Field, Router, Schema
from ninja.errors import HttpError

from . import services

router = Router(tags=["trading"])


class AnswerTaken(Schema):
    reference: str = Field(description="The order's reference")
    status: str = Field(description="The guarantee's status after the answer")
    repeated: bool = Field(description="True when the order had already been answered: nothing changed")


class PlatformKey(Schema):
    public_key: str = Field(description="The platform's Ed25519 key (whpk_…) that signs applications")


@router.post(
    "/trading/guarantors/{code}/answers",
    response=AnswerTaken,
    auth=None,
    url_name="trading_guarantor_answer",
    summary="Take a guarantor's signed answer to a guarantee order",
    description=(
        "Signed as Standard Webhooks' asymmetric scheme (webhook-id, webhook-timestamp, "
        "webhook-signature `v1a,…` by the guarantor's registered Ed25519 key). The body is "
        "{type: guarantee.issued | guarantee.declined, reference, …}. A message id is taken once (409 "
        "on a replay); a repeated answer in a new message changes nothing."
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    },
)
def take_answer(request, code: str):
    try:
        return services.receive_answer(code, dict(request.headers), request.body)
    except services.AnswerRefused as refused:
        raise HttpError(refused.status, refused.reason) from None


@router.get(
    "/trading/platform-key",
    response=PlatformKey,
    auth=None,
    summary="The key a guarantor checks our applications with",
)
def platform_key(request):
    return {"public_key": services.platform_public_key()}
