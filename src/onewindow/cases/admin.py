from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import CaseAccess


@admin.register(CaseAccess)
class CaseAccessAdmin(ReadOnlyAdmin):
    """Who read which case's personal data, and who revealed a full ID number: for audits."""

    list_display = ("at", "user", "kind", "case", "channel")
    list_filter = ("kind", "channel", "day")
    search_fields = ("user__username", "case__number")
    date_hierarchy = "day"
