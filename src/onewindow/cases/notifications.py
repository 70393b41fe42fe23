"""Notices to the applicant: email through Django's email backend, SMS through a pluggable adapter,
both sent by the background worker (a slow SMS gateway never holds up a window).

ONEWINDOW_SMS_BACKEND names a class with `send(phone, text)`; the default writes to the log.
"""

import contextlib
import contextvars
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from onewindow.core.ids import mask
from onewindow.core.tasks import enqueue

log = logging.getLogger("onewindow.notifications")


class LogSmsBackend:
    """Writes SMS to the log instead of sending them (the phone number masked)."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask(phone), text)


def sms_backend():
    return import_string(
        getattr(settings, "ONEWINDOW_SMS_BACKEND", "onewindow.cases.notifications.LogSmsBackend")
    )()


def _text(case, kind: str, note: str) -> str:
    item = case.item.tr()
    messages = {
        "accept": _("Case %(number)s (%(item)s) is accepted; it is due on %(due)s."),
        "request_supplement": _("Case %(number)s (%(item)s) needs more materials: %(note)s"),
        "approve": _("Case %(number)s (%(item)s) is approved."),
        "deny": _("Case %(number)s (%(item)s) is denied: %(note)s"),
        "refuse": _("Case %(number)s (%(item)s) was not accepted: %(note)s"),
        "deliver": _("The result of case %(number)s (%(item)s) is delivered."),
        "apology": _("We are sorry: case %(number)s (%(item)s) will be late; the new date is %(new_date)s."),
        "due_date_changed": _(
            "The official holiday calendar is published: case %(number)s (%(item)s) is now due on %(due)s."
        ),
        "revoke": _("The decision on case %(number)s (%(item)s) is revoked: %(note)s"),
        "consent_withdrawn": _(
            "You withdrew your consent: bring or upload the materials of case %(number)s (%(item)s) that "
            "your e-certificates were to provide."
        ),
    }
    if kind == "accept" and case.due_date_provisional:
        messages["accept"] = _(
            "Case %(number)s (%(item)s) is accepted; it is due on %(due)s (provisional: next year's "
            "holiday calendar is not published yet, and we will tell you if the date moves)."
        )
    return messages[kind] % {
        "number": case.number,
        "item": item,
        "due": case.due_date,
        "note": note,
        "new_date": case.apology_date,
    }


NOTIFIED = {
    "accept",
    "request_supplement",
    "approve",
    "deny",
    "refuse",
    "deliver",
    "apology",
    "due_date_changed",
    "revoke",
    "consent_withdrawn",
}


def notify_applicant(case, kind: str, note: str = "") -> list[str]:
    """The notice for `kind`, written now and sent once the transaction commits (never for a change
    that is rolled back, and no mail server inside a row lock), on the channels the applicant chose
    (email and SMS unless they said otherwise; chat as a template message); returns those channels."""
    if kind not in NOTIFIED:
        return []
    from onewindow.chat import services as chat

    chosen, _chat_user = chat.channels_for(case.applicant_user_id)
    channels = send_to_applicant(case, _text(case, kind, note), chosen)
    if "chat" in chosen and not _held_back.get() and chat.notify(case, kind, note):
        channels.append("chat")
    return channels


_held_back = contextvars.ContextVar("notices_held_back", default=False)


@contextlib.contextmanager
def notices_held_back():
    """Notices are recorded on the case but not queued (the demo's history, written after the fact)."""
    token = _held_back.set(True)
    try:
        yield
    finally:
        _held_back.reset(token)


def send_to_applicant(case, text: str, channels=("email", "sms")) -> list[str]:
    """`text` to the applicant by email and SMS (those of `channels`), queued with the current
    transaction (never for a change that is rolled back); the channels used. Written now, in the
    applicant's request language."""
    subject = _("OneWindow case %(number)s") % {"number": case.number}
    return send_notice(
        subject,
        text,
        email=case.applicant_email if "email" in channels else "",
        phone=case.applicant_phone if "sms" in channels else "",
    )


def send_notice(subject: str, text: str, *, email: str = "", phone: str = "") -> list[str]:
    """`text` by email and SMS to whichever addresses are given, queued with the current transaction;
    the channels used (none queued while notices are held back)."""
    channels = [channel for channel, address in (("email", email), ("sms", phone)) if address]
    if _held_back.get():
        return channels
    if email:
        enqueue(send_email, subject, text, email)
    if phone:
        enqueue(send_sms, phone, text)
    return channels


# One task per channel, so that a retry after a failed SMS does not send the email again.
@task()
def send_email(subject: str, text: str, address: str) -> None:
    send_mail(subject, text, None, [address])


@task()
def send_sms(phone: str, text: str) -> None:
    sms_backend().send(phone, text)
