"""Notices to the applicant: email through Django's email backend, SMS through a pluggable adapter.

ONEWINDOW_SMS_BACKEND names a class with `send(phone, text)`; the default writes to the log.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from onewindow.core.ids import mask

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
}


def notify_applicant(case, kind: str, note: str = "") -> list[str]:
    """The notice for `kind`, written now and sent once the transaction commits (never for a change
    that is rolled back, and no mail server inside a row lock); returns the channels it goes out on."""
    if kind not in NOTIFIED:
        return []
    return send_to_applicant(case, _text(case, kind, note))


def send_to_applicant(case, text: str) -> list[str]:
    """`text` to the applicant by email and SMS once the transaction commits; the channels used."""
    subject = _("OneWindow case %(number)s") % {"number": case.number}
    email, phone = case.applicant_email, case.applicant_phone

    def send():
        if email:
            send_mail(subject, text, None, [email])
        if phone:
            sms_backend().send(phone, text)

    transaction.on_commit(send)
    return [channel for channel, address in (("email", email), ("sms", phone)) if address]
