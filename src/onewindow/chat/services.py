"""Writes of the chat channel: the applicant's choice of channels, linking a chat account, the
inbound events ("where is my dossier?") and the template messages out."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import uuid

from django.db import IntegrityError, transaction
from django.utils import translation
from django_tasks import task

from onewindow.core import clock
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import APPLICANTS, User
from onewindow.core.permissions import Forbidden
from onewindow.core.tasks import enqueue

from . import templates
from .channel import ChatChannelError, channel
from .models import ChatLink, ChatMessage, LinkCode, NoticeChannels

log = logging.getLogger("onewindow.chat")
LINK_CODE_MINUTES = 30
DEFAULT_CHANNELS = frozenset({"email", "sms"})


def channels_for(user_id: int | None) -> tuple[frozenset[str], str]:
    """The channels an applicant chose (email and SMS unless they said otherwise) and their chat user
    id ("" when not linked)."""
    if user_id is None:
        return DEFAULT_CHANNELS, ""
    choice = NoticeChannels.objects.filter(user_id=user_id).first()
    link = ChatLink.objects.filter(user_id=user_id).values_list("chat_user_id", flat=True).first() or ""
    if choice is None:
        return DEFAULT_CHANNELS, link
    chosen = {name for name in ("email", "sms", "chat") if getattr(choice, name)}
    return frozenset(chosen), link


def set_channels(user: User, email: bool, sms: bool, chat: bool) -> NoticeChannels:
    if user.role not in APPLICANTS:
        raise Forbidden("applicants choose how they hear about their cases")
    errors = []
    if not (email or sms or chat):
        errors.append(FieldError("channels", "choose at least one channel"))
    if chat and not ChatLink.objects.filter(user=user).exists():
        errors.append(FieldError("chat", "link your chat account first"))
    if errors:
        raise InvalidInput(errors)
    choice, _created = NoticeChannels.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "chat": chat}
    )
    return choice


def new_link_code(user: User) -> LinkCode:
    """A fresh code to send from the chat app (the earlier one stops working)."""
    if user.role not in APPLICANTS:
        raise Forbidden("applicants link their chat accounts")
    expires = clock.now() + dt.timedelta(minutes=LINK_CODE_MINUTES)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                code, _created = LinkCode.objects.update_or_create(
                    user=user, defaults={"code": f"{secrets.randbelow(10**6):06d}", "expires_at": expires}
                )
            return code
        except IntegrityError:  # another user holds this code just now
            continue
    raise RuntimeError("no free link code")


def unlink(user: User) -> None:
    with transaction.atomic():
        ChatLink.objects.filter(user=user).delete()
        NoticeChannels.objects.filter(user=user, chat=True).update(chat=False, email=True)


def receive_event(method: str, path: str, headers: dict, body: bytes) -> str:
    """An event from the chat platform: verified, applied once per message id. "applied" or
    "duplicate"; partners.VerificationError for a bad signature, ValueError for a bad body."""
    message_id = channel().verify_event(method, path, headers, body)
    event = json.loads(body)
    if not isinstance(event, dict) or event.get("event") != "user_send_text":
        raise ValueError("not a user_send_text event")
    user_id, text = str(event.get("chat_user_id", ""))[:64], str(event.get("text", ""))[:500]
    if not user_id:
        raise ValueError("chat_user_id is missing")
    try:
        with transaction.atomic():
            ChatMessage.objects.create(
                direction=ChatMessage.Direction.IN,
                message_id=message_id,
                chat_user_id=user_id,
                text=text,
                at=clock.now(),
            )
            _answer(user_id, text)
    except IntegrityError:
        return "duplicate"
    return "applied"


def _answer(chat_user_id: str, text: str) -> None:
    from onewindow.cases.models import Case

    kind, value = templates.parse(text)
    link = ChatLink.objects.select_related("user").filter(chat_user_id=chat_user_id).first()
    if kind == "link":
        code = LinkCode.objects.select_related("user").filter(code=value, expires_at__gt=clock.now()).first()
        if code is None:
            send(chat_user_id, "link_failed", {}, "vi")
            return
        ChatLink.objects.filter(chat_user_id=chat_user_id).exclude(user=code.user).delete()
        ChatLink.objects.update_or_create(
            user=code.user, defaults={"chat_user_id": chat_user_id, "linked_at": clock.now()}
        )
        NoticeChannels.objects.update_or_create(user=code.user, defaults={"chat": True})
        code.delete()
        example = Case.objects.filter(applicant_user=code.user).values_list("number", flat=True).first()
        send(chat_user_id, "linked", {"example": example or "VN49-50301-20251205-0000042"}, "vi")
        return
    if kind == "status":
        if link is None:
            send(chat_user_id, "not_linked", {}, "vi")
            return
        case = (
            Case.objects.select_related("item", "department")
            .filter(number=value, applicant_user=link.user)
            .first()
        )
        if case is None:
            send(chat_user_id, "case_not_found", {"number": value}, "vi")
            return
        send(chat_user_id, "case_status", case_params(case, "case_status"), language_of(case))
        return
    send(chat_user_id, "help", {}, "vi")


def language_of(case) -> str:
    return "vi" if case.department.calendar == "VN" else "zh-hans"


def case_params(case, template: str, note: str = "") -> dict:
    """The template's parameters for `case`, in the language it is sent in."""
    with translation.override(language_of(case)):
        values = {
            "number": case.number,
            "item": case.item.tr(),
            "status": str(case.get_status_display()),
            "due": case.due_date.isoformat() if case.due_date else "—",
            "note": note or "—",
            "new_date": case.apology_date.isoformat() if case.apology_date else "—",
        }
    return {name: values[name] for name in templates.params_of(template)}


def send(chat_user_id: str, template: str, params: dict, language: str) -> ChatMessage:
    """A template message, recorded now and handed to the chat platform once the transaction commits."""
    message = ChatMessage.objects.create(
        direction=ChatMessage.Direction.OUT,
        message_id=f"msg_{uuid.uuid4().hex}",
        chat_user_id=chat_user_id,
        template=template,
        params=params,
        at=clock.now(),
    )
    enqueue(deliver_chat_message, message.message_id, chat_user_id, template, params, language)
    return message


def notify(case, kind: str, note: str = "") -> bool:
    """A case notice by chat, if the applicant chose it and linked an account; whether it went."""
    chosen, chat_user_id = channels_for(case.applicant_user_id)
    if "chat" not in chosen or not chat_user_id or kind not in templates.TEMPLATES:
        return False
    send(chat_user_id, kind, case_params(case, kind, note), language_of(case))
    return True


@task()
def deliver_chat_message(message_id: str, recipient: str, template: str, params: dict, language: str) -> None:
    try:
        channel().send(message_id, recipient, template, params, language)
    except ChatChannelError:
        log.warning("chat message %s to %s not delivered", message_id, recipient)
        raise
