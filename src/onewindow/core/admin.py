from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User


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
