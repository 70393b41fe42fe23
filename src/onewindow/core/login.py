"""Login with a limit on failed attempts, per account and per address, kept in the cache (a shared
cache such as Redis or the database when several app servers run)."""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext as _


def _keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]  # no user names in the cache
    return [f"login-failures:user:{name}", f"login-failures:addr:{address}"]


def too_many(request, username: str) -> bool:
    limit = settings.ONEWINDOW_LOGIN_ATTEMPTS
    return any((cache.get(key) or 0) >= limit for key in _keys(request, username))


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        cache.add(key, 0, settings.ONEWINDOW_LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.ONEWINDOW_LOGIN_LOCKOUT_SECONDS)


def forget_failures(request, username: str) -> None:
    cache.delete(_keys(request, username)[0])


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
