from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import CategoryRoute, HotlineSettings, HotSpotFix, ModelVersion, Ticket, TicketEvent
from .routing import RoutingInputError


@admin.register(HotlineSettings)
class HotlineSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not HotlineSettings.objects.exists()


@admin.action(description=_("Retrain the routing model from closed tickets now"))
def retrain_now(modeladmin, request, queryset):
    from .retraining import retrain

    try:
        version = retrain()
    except RoutingInputError as error:
        modeladmin.message_user(request, str(error), messages.ERROR)
    else:
        modeladmin.message_user(request, str(version))


@admin.register(CategoryRoute)
class CategoryRouteAdmin(admin.ModelAdmin):
    list_display = ("category", "code", "department", "keywords")
    actions = [retrain_now]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "ticket_type", "status", "department", "category", "due_date", "supervision")
    list_filter = ("status", "ticket_type", "channel", "supervision")
    search_fields = ("number", "title")
    exclude = ("caller_phone",)  # masked: staff read it on the ticket page
    readonly_fields = [f.name for f in Ticket._meta.fields if f.name != "caller_phone"]

    def has_add_permission(self, request):
        return False  # tickets enter through the desk, the forms, the API and Open311


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "at", "action", "from_status", "to_status", "actor_role")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HotSpotFix)
class HotSpotFixAdmin(admin.ModelAdmin):
    list_display = ("topic", "place", "kind", "fixed_on", "by")


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("trained_at", "examples", "held_back", "new_macro_f1", "old_macro_f1", "accepted")
    actions = [retrain_now]

    def has_change_permission(self, request, obj=None):
        return False
