from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import Consent, CreditRecord, Register, RegisterQuery, SharedDataSettings, Verification


@admin.register(SharedDataSettings)
class SharedDataSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not SharedDataSettings.objects.exists()


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("purpose", "channel", "given_at", "used_at", "withdrawn_at", "expires_at")
    exclude = ("holder_id",)  # ID numbers are masked outside the case pages


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ("commitment", "department", "due_on", "outcome", "method", "verified_at")
    list_filter = ("outcome", "department")


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ("masked_holder_id", "holder_name", "barred_from", "barred_until")
    exclude = ("holder_id",)


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "url", "timeout_seconds", "active")


@admin.register(RegisterQuery)
class RegisterQueryAdmin(ReadOnlyAdmin):
    list_display = ("at", "register", "purpose", "caller", "outcome", "duration_ms")
    list_filter = ("register", "outcome")
    exclude = ("subject_id",)
