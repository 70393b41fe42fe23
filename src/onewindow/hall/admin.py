"""Admin for halls, their categories and windows. Tickets, appointments and the hall's history are
read-only here: they change only through the hall's own pages and API, which log every step."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from onewindow.core.admin import ReadOnlyAdmin

from .models import Appointment, Category, Hall, HallEvent, KioskDevice, Ticket, Window


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ("code", "prefix", "name", "service_minutes", "appointment_capacity", "position", "translations")


class WindowForm(forms.ModelForm):
    class Meta:
        model = Window
        fields = ("hall", "number", "name", "kind", "categories", "position", "translations")

    def clean(self):
        data = super().clean()
        categories, hall = data.get("categories"), data.get("hall")
        if data.get("kind") == Window.Kind.DEDICATED and not categories:
            self.add_error("categories", _("A dedicated window serves at least one category."))
        if hall and categories and any(c.hall_id != hall.pk for c in categories):
            self.add_error("categories", _("Choose categories of this window's hall."))
        return data


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "region", "opens_at", "closes_at", "wait_target_minutes")
    list_filter = ("level", "region")
    search_fields = ("code", "name", "address")
    filter_horizontal = ("staff",)
    inlines = [CategoryInline]


@admin.register(KioskDevice)
class KioskDeviceAdmin(admin.ModelAdmin):
    """Devices are enrolled from the kiosk page by the hall's staff; here they are retired."""

    list_display = ("hall", "name", "enrolled_by", "enrolled_at", "active")
    list_filter = ("hall", "active")
    fields = ("hall", "name", "enrolled_by", "enrolled_at", "active")
    readonly_fields = ("hall", "name", "enrolled_by", "enrolled_at")

    def has_add_permission(self, request):
        return False


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    form = WindowForm
    list_display = ("hall", "number", "kind", "state", "clerk")
    list_filter = ("hall", "kind", "state")
    filter_horizontal = ("categories",)
    readonly_fields = ("state", "clerk")


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "service_date", "hall", "category", "priority", "status", "window", "issued_at")
    list_filter = ("hall", "status", "priority", "service_date")
    search_fields = ("number",)


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "hall", "category", "date", "start", "status")
    list_filter = ("hall", "status", "date")
    search_fields = ("code",)
    exclude = ("applicant_phone",)


@admin.register(HallEvent)
class HallEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "hall", "action", "window", "ticket", "actor")
    list_filter = ("hall", "action")
