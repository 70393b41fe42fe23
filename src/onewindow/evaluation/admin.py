from django.contrib import admin

from .models import Appeal, Rating, Rectification


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings are the raters' words: read-only here. Exclusions go through an appeal and a ruling."""

    list_display = ("rated_on", "department", "level", "channel", "round", "excluded")
    list_filter = ("level", "channel", "excluded", "department")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rectification)
class RectificationAdmin(RatingAdmin):
    list_display = ("rating", "department", "stage", "owner", "due_date", "outcome")
    list_filter = ("stage", "department")


@admin.register(Appeal)
class AppealAdmin(RatingAdmin):
    list_display = ("rating", "ground", "status", "filed_by", "filed_at")
    list_filter = ("status", "ground")
