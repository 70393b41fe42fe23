from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import Appeal, Rating, Rectification


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
