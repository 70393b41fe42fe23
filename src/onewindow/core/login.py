"""Login with limits on failed attempts, counted in the database (shared by every app server):

- one account from one address: ONEWINDOW_LOGIN_ATTEMPTS (5), the guessing of one person's password;
- one account from anywhere: ONEWINDOW_LOGIN_ACCOUNT_ATTEMPTS (20), guessing spread over addresses;
- one address for any accounts: ONEWINDOW_LOGIN_ADDRESS_ATTEMPTS (100), password spraying; high,
  because a whole office may share one address behind NAT.

The address is the client's (core.net.client_address, through trusted proxies only). The Django
admin's login goes through the same view (urls.py), so it has no door of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LoginFailures
from .net import client_address


def _digest(*parts: str) -> str:
    # Neither user names nor addresses are stored in the clear.
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _limits(request, username: str) -> dict[str, int]:
    name, address = username.strip().lower(), client_address(request)
    return {
        _digest("pair", name, address): settings.ONEWINDOW_LOGIN_ATTEMPTS,
        _digest("user", name): settings.ONEWINDOW_LOGIN_ACCOUNT_ATTEMPTS,
        _digest("addr", address): settings.ONEWINDOW_LOGIN_ADDRESS_ATTEMPTS,
    }


def too_many(request, username: str) -> bool:
    limits = _limits(request, username)
    counted = LoginFailures.objects.filter(key__in=limits, expires_at__gt=timezone.now())
    return any(failures >= limits[key] for key, failures in counted.values_list("key", "failures"))


def record_failure(request, username: str) -> None:
    now = timezone.now()
    expires = now + dt.timedelta(seconds=settings.ONEWINDOW_LOGIN_LOCKOUT_SECONDS)
    for key in _limits(request, username):
        with transaction.atomic():
            counted = LoginFailures.objects.filter(key=key, expires_at__gt=now).update(
                failures=F("failures") + 1
            )
            if not counted:
                LoginFailures.objects.update_or_create(
                    key=key, defaults={"failures": 1, "expires_at": expires}
                )


def forget_failures(request, username: str) -> None:
    """After a successful login: the person knows the password, so their own counts start again."""
    pair, account, _address = _limits(request, username)
    LoginFailures.objects.filter(key__in=[pair, account]).delete()
    LoginFailures.objects.filter(expires_at__lte=timezone.now()).delete()


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = self.data.get("username", "")
        if too_many(self.request, username):
            minutes = settings.ONEWINDOW_LOGIN_LOCKOUT_SECONDS // 60
            raise forms.ValidationError(
                _("Too many failed attempts. Try again in %(minutes)s minutes.") % {"minutes": minutes},
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            record_failure(self.request, username)
            raise


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form):
        forget_failures(self.request, form.cleaned_data.get("username", ""))
        return super().form_valid(form)

    def form_invalid(self, form):
        throttled = [e for e in form.non_field_errors().as_data() if e.code == "throttled"]
        context = self.get_context_data(form=form, throttled=throttled[0].messages[0] if throttled else "")
        return self.render_to_response(context, status=429 if throttled else 200)
