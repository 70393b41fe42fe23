from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import proactive, services
from .models import EnterpriseProfile, Payout, Policy, PolicyStatus, ProactiveOffer, Trigger


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """The rule is checked by `eligibility.validate` on save (Policy.clean): errors name the place.
    A policy is tried against sample profiles on its test page, and published from there or by the
    action (which matches it against every enterprise and tells those newly eligible)."""

    list_display = ["code", "title", "issuer", "how", "valid_until", "status", "test_link"]
    list_filter = ["status", "how", "topic"]
    search_fields = ["code", "title", "issuer"]
    readonly_fields = ["status", "published_at", "test_link"]
    actions = ["publish_selected", "withdraw_selected"]

    @admin.display(description=_("test"))
    def test_link(self, policy):
        if policy.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("policy-test", args=[policy.code]),
                           _("Test against sample profiles"))  # fmt: skip

    @admin.action(description=_("Publish the selected policies"))
    def publish_selected(self, request, queryset):
        published = 0
        for policy in queryset.exclude(status=PolicyStatus.PUBLISHED):
            try:
                services.publish(request.user, policy)
            except ValidationError as error:
                self.message_user(request, f"{policy.code}: {'; '.join(error.messages)}", messages.ERROR)
            else:
                published += 1
        self.message_user(request, _("%(count)d published.") % {"count": published})

    @admin.action(description=_("Withdraw the selected policies"))
    def withdraw_selected(self, request, queryset):
        withdrawn = 0
        for policy in queryset.filter(status=PolicyStatus.PUBLISHED):
            services.withdraw(request.user, policy)
            withdrawn += 1
        self.message_user(request, _("%(count)d withdrawn.") % {"count": withdrawn})


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "industry", "size", "employees", "tax_credit", "updated_at"]
    search_fields = ["name"]
    exclude = ["uscc"]


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = ["policy", "profile", "amount", "bank_name", "masked_account", "status", "confirmed_at"]
    list_filter = ["status", "policy"]
    exclude = ["bank_account"]
    readonly_fields = [
        "policy",
        "profile",
        "amount",
        "bank_name",
        "masked_account",
        "confirmed_by",
        "confirmed_at",
    ]


class TriggerForm(admin.ModelAdmin.form):
    def clean_condition(self):
        condition = self.cleaned_data["condition"]
        problems = proactive.validate_condition(condition)
        if problems:
            raise ValidationError([f"{place}: {message}" for place, message in problems])
        return condition


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin):
    form = TriggerForm
    list_display = ["code", "name", "event", "lead_days", "offer_kind", "offer_code", "channel", "active"]
    list_filter = ["event", "active"]


@admin.register(ProactiveOffer)
class ProactiveOfferAdmin(admin.ModelAdmin):
    list_display = ["trigger", "holder_name", "event_date", "offered_at", "taken_up_at", "declined_at"]
    list_filter = ["trigger"]
    exclude = ["holder_id"]
    readonly_fields = [
        "trigger",
        "holder_name",
        "event_date",
        "offered_at",
        "channels",
        "taken_up_at",
        "declined_at",
    ]
