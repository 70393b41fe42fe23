from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import Alert, EnterpriseLink, Guarantee, Guarantor, Tender, TrustListEntry


@admin.register(Guarantor)
class GuarantorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "endpoint",
        "fee_rate",
        "minimum_fee",
        "red_list_discount",
        "active",
    ]
    list_filter = ["kind", "active"]


@admin.register(TrustListEntry)
class TrustListEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "list", "reason", "valid_from", "valid_until"]
    list_filter = ["list"]
    search_fields = ["name", "uscc"]


@admin.register(EnterpriseLink)
class EnterpriseLinkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "detail"]
    list_filter = ["kind"]


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    list_display = ["code", "project", "owner_name", "deadline", "status"]
    list_filter = ["status", "evaluation_method"]
    search_fields = ["code", "project", "owner_name"]


@admin.register(Guarantee)
class GuaranteeAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "number",
        "tender",
        "guarantor",
        "bidder_name",
        "amount",
        "status",
        "ordered_at",
    ]
    list_filter = ["status", "guarantor"]
    search_fields = ["reference", "number", "bidder_name"]
    exclude = ["bidder_uscc", "signed_answer"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["tender", "score", "status", "created_at", "reviewed_at"]
    list_filter = ["status"]
