from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import Appeal, Rating, RatingLinkRevocation, Rectification


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    """Ratings are the raters' words: read-only here. Exclusions go through an appeal and a ruling."""

    list_display = ("rated_on", "department", "level", "channel", "round", "excluded")
    list_filter = ("level", "channel", "excluded", "department")


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ("rating", "department", "stage", "owner", "due_date", "outcome")
    list_filter = ("stage", "department")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("rating", "ground", "status", "filed_by", "filed_at")
    list_filter = ("status", "ground")


@admin.register(RatingLinkRevocation)
class RatingLinkRevocationAdmin(admin.ModelAdmin):
    """Revoke a case's rating links: added here, never changed or removed."""

    list_display = ("case", "revoked_at", "revoked_by", "reason")
    fields = ("case", "reason")
    raw_id_fields = ("case",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        obj.revoked_by, obj.revoked_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
