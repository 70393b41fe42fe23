"""The client's address, as far as it can be trusted."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or behind ONEWINDOW_PROXY_COUNT proxies the address the outermost of them saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the entry
    `count` places from the right was written by our own outermost proxy; anything left of it came
    from the client and may be forged."""
    count = settings.ONEWINDOW_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
