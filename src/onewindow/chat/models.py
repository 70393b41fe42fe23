from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeChannels(models.Model):
    """How an applicant wants to hear about their cases: any of email, SMS and the chat channel."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_channels"
    )
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(_("SMS"), default=True)
    chat = models.BooleanField(_("chat"), default=False)

    class Meta:
        verbose_name = _("notice channels")
        verbose_name_plural = _("notice channels")

    def __str__(self):
        return ", ".join(name for name in ("email", "sms", "chat") if getattr(self, name))


class ChatLink(models.Model):
    """A user's account on the chat platform, linked by a code they sent from it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_link")
    chat_user_id = models.CharField(_("chat user"), max_length=64, unique=True)
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("chat link")
        verbose_name_plural = _("chat links")

    def __str__(self):
        return self.chat_user_id


class LinkCode(models.Model):
    """A one-time code the user sends from the chat app to link it; one live code per user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("code"), max_length=6, unique=True)
    expires_at = models.DateTimeField(_("expires at"))

    def __str__(self):
        return f"{self.code} (until {self.expires_at:%H:%M})"


class ChatMessage(models.Model):
    """Every message in or out, once per message id (a repeated event changes nothing)."""

    class Direction(models.TextChoices):
        IN = "in", _("Received")
        OUT = "out", _("Sent")

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    message_id = models.CharField(_("message id"), max_length=100, unique=True)
    chat_user_id = models.CharField(_("chat user"), max_length=64, db_index=True)
    template = models.CharField(_("template"), max_length=40, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    text = models.TextField(_("text"), blank=True)  # what was received
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")

    def __str__(self):
        return f"{self.direction} {self.message_id}"
