from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onewindow.core.admin import ReadOnlyAdmin

from . import services
from .models import ApiClient, DeliveryAttempt, WebhookDelivery, WebhookEndpoint


class EndpointInline(admin.TabularInline):
    model = WebhookEndpoint
    fields = ("url", "event_types", "is_active", "failures_in_a_row", "resume_at")
    readonly_fields = ("failures_in_a_row", "resume_at")
    extra = 0


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "scopes", "is_active", "created_at")
    list_filter = ("department", "is_active")
    readonly_fields = ("account", "created_at")
    inlines = [EndpointInline]

    def has_add_permission(self, request):
        return False  # `onewindow client add` makes the account and shows the token once


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("client", "url", "event_types", "is_active", "failures_in_a_row", "resume_at")
    readonly_fields = ("secret", "previous_secret", "previous_secret_until", "failures_in_a_row", "resume_at")
    actions = ["rotate"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Rotate the signing secret (the old one signs too for 24 hours)"))
    def rotate(self, request, queryset):
        for endpoint in queryset:
            services.rotate_secret(endpoint)
        self.message_user(request, _("New secrets: see each endpoint."), messages.SUCCESS)


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "event",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    )
    list_filter = ("status", "endpoint")
    search_fields = ("subject",)
    list_select_related = ("event", "endpoint__client")
    inlines = [AttemptInline]
    actions = ["replay", "discard"]

    @admin.action(description=_("Send again (replay)"))
    def replay(self, request, queryset):
        count = services.replay(queryset)
        self.message_user(request, ngettext("%d delivery queued.", "%d deliveries queued.", count) % count)

    @admin.action(description=_("Discard (later events of the same case go out)"))
    def discard(self, request, queryset):
        count = services.discard(queryset)
        self.message_user(
            request, ngettext("%d delivery discarded.", "%d deliveries discarded.", count) % count
        )
