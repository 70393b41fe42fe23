from django.contrib import admin

from .models import EnterpriseProfile, Policy


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """The rule is checked by `eligibility.validate` on save (Policy.clean): errors name the place."""

    list_display = ["code", "title", "issuer", "how", "valid_until", "status"]
    list_filter = ["status", "how", "topic"]
    search_fields = ["code", "title", "issuer"]


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "industry", "size", "employees", "tax_credit", "updated_at"]
    search_fields = ["name"]
    exclude = ["uscc"]
