from django.contrib import admin

from .models import ForwardedCase, OutgoingMessage, Peer


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("name", "base_url", "active")


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """Read here; sent, retried and cancelled by the services (the outbox page, `onewindow crossregion`)."""

    list_display = ("created_at", "peer", "kind", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status", "peer", "kind")
    exclude = ("body",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ForwardedCase)
class ForwardedCaseAdmin(admin.ModelAdmin):
    list_display = ("reference", "peer", "item_code", "status", "remote_number", "taken_at")
    list_filter = ("status", "peer")
    exclude = ("applicant_id_number", "result_pdf")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
