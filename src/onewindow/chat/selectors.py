from django.conf import settings

from onewindow.core import clock

from .models import ChatLink, LinkCode
from .services import channels_for


def notice_settings(user) -> dict:
    chosen, chat_user_id = channels_for(user.pk)
    code = LinkCode.objects.filter(user=user, expires_at__gt=clock.now()).first()
    return {
        "chosen": chosen,
        "link": ChatLink.objects.filter(user=user).first(),
        "code": code,
        "account": settings.ONEWINDOW_CHAT_ACCOUNT,
        # The demo's reference chat platform: each user's chat app is a page of it.
        "chat_url": f"{settings.ONEWINDOW_CHATGATE_URL}/u/{user.username}" if settings.ONEWINDOW_DEMO else "",
        "linked": bool(chat_user_id),
    }
