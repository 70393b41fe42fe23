from django.contrib import admin

from .models import Certificate, CertificateType, LogEntry, SigningKey, TreeHead, TrustedRegion


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "holder_kind", "item_code", "material_code")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("identifier", "certificate_type", "issuer", "status", "version", "issued_at")
    list_filter = ("status", "certificate_type")
    search_fields = ("identifier",)

    # Issued, re-issued and revoked through the services (signed and logged), never edited here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("kid", "owner", "algorithm", "created_at", "retired_at")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TrustedRegion)
class TrustedRegionAdmin(admin.ModelAdmin):
    list_display = ("name", "fingerprint", "list_issued_at", "imported_at")

    def has_add_permission(self, request):
        return False  # imported with onewindow certs trust-list import, after confirming the fingerprint


for model in (LogEntry, TreeHead):
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), {
        "has_change_permission": lambda self, request, obj=None: False,
        "has_delete_permission": lambda self, request, obj=None: False,
    }))  # fmt: skip
