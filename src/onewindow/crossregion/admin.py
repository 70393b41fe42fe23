from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import ForwardedCase, OutgoingMessage, Peer


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("name", "base_url", "active")


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ReadOnlyAdmin):
    """Sent, retried and cancelled by the services (the outbox page, `onewindow crossregion outbox`)."""

    list_display = ("created_at", "peer", "kind", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status", "peer", "kind")
    exclude = ("body",)


@admin.register(ForwardedCase)
class ForwardedCaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "peer", "item_code", "status", "remote_number", "taken_at")
    list_filter = ("status", "peer")
    exclude = ("applicant_id_number", "result_pdf")
