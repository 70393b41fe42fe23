from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, DeadLetter, Event, ScheduledRun, User
from .tasks import retry_dead_letter


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through their services (which log each change): shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "role", "department", "is_active", "is_staff")
    list_filter = ("role", "department", "is_active", "is_staff")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role"), {"fields": ("role", "department", "verified_id_type", "verified_id_number")}),
    )
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Role"), {"fields": ("role", "department")}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "label", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = ("user", "label", "created_at", "last_used_at", "expires_at", "revoked_at")
    search_fields = ("user__username", "label")
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        from django.utils import timezone

        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

    def has_add_permission(self, request):
        return False  # tokens are shown once, so they are made with `onewindow token USERNAME`


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "subject", "department", "occurred_at")
    list_filter = ("type", "department")
    search_fields = ("subject",)


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdmin):
    """Tasks that failed on every try: read the error, then retry (after fixing the cause) or discard."""

    list_display = ("task_path", "attempts", "failed_at", "short_error")
    readonly_fields = (
        "task_path",
        "args_kwargs",
        "queue_name",
        "attempts",
        "error",
        "traceback",
        "failed_at",
    )
    actions = ["retry", "discard"]

    @admin.display(description=_("error"))
    def short_error(self, letter):
        return letter.error[:120]

    @admin.action(description=_("Retry the selected tasks"))
    def retry(self, request, queryset):
        for letter in queryset:
            retry_dead_letter(letter)
        self.message_user(request, _("Back on the queue."))

    @admin.action(description=_("Discard the selected tasks"))
    def discard(self, request, queryset):
        count, _deleted = queryset.delete()
        self.message_user(request, _("%(count)d discarded.") % {"count": count})


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "slot", "outcome", "started_at", "finished_at", "scheduler")
    list_filter = ("job", "outcome")
