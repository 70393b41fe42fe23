from django.contrib import admin

from .models import Article, ArticleVersion, Search, Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ("words",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("question", "department", "status", "version", "uses")
    list_filter = ("status", "department", "language")
    search_fields = ("question",)

    # Written and reviewed on the knowledge pages, so that every change is a reviewed version.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ("article", "version", "action", "status", "by", "at")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Search)
class SearchAdmin(admin.ModelAdmin):
    list_display = ("query", "results", "answered_by", "channel", "at")
    list_filter = ("channel",)
