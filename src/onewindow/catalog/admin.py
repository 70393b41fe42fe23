"""Admin for the catalog. Published versions are read-only: make a new draft version, edit, publish."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from onewindow.core.errors import InvalidInput

from . import calendars, prechecks, rules, services
from .models import (
    Bundle,
    BundleItem,
    CalendarOverride,
    CalendarYear,
    Department,
    ItemStatus,
    LifeEvent,
    Material,
    Option,
    ProcessStep,
    Question,
    Region,
    ServiceItem,
    SituationRule,
)
from .transfer import CatalogImportError, Problem


def _known_questions(item, exclude_pk=None) -> dict[str, tuple[str, ...]]:
    if item is None or item.pk is None:
        return {}
    questions = Question.objects.filter(item=item).exclude(pk=exclude_pk).prefetch_related("options")
    return {q.code: tuple(o.code for o in q.options.all()) for q in questions}


def _add_problems(form, field, problems):
    for path, message in problems:
        form.add_error(field, f"{path}: {message}")


class ConditionFormSet(forms.BaseInlineFormSet):
    """Checks each row's condition against the questions the item already has (save new questions first)."""

    def clean(self):
        super().clean()
        known = _known_questions(self.instance)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE"):
                continue
            if "when" in data:
                _add_problems(form, "when", rules.condition_errors(data["when"], known))
            if "checks" in data:
                _add_problems(form, "checks", prechecks.spec_errors(data["checks"]))
            if "overrides" in data and data["overrides"] is not None:
                _add_problems(form, "overrides", rules.override_errors(data["overrides"], "changes"))


class QuestionFormSet(forms.BaseInlineFormSet):
    """A question may only depend on questions placed before it."""

    def clean(self):
        super().clean()
        known = _known_questions(self.instance)
        rows = [
            f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        positions = {f.cleaned_data.get("code"): f.cleaned_data.get("position", 0) for f in rows}
        for form in rows:
            data = form.cleaned_data
            earlier = {
                code: options
                for code, options in known.items()
                if code in positions and positions[code] < data.get("position", 0)
            }
            _add_problems(form, "when", rules.condition_errors(data.get("when"), earlier))


class DraftOnlyInline:
    """Rows of a published or retired version cannot change."""

    extra = 0

    def item_of(self, parent):
        return parent

    def _editable(self, parent):
        return parent is None or self.item_of(parent).status == ItemStatus.DRAFT

    def has_add_permission(self, request, obj):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class QuestionInline(DraftOnlyInline, admin.TabularInline):
    model = Question
    formset = QuestionFormSet
    fields = ("position", "code", "text", "help_text", "when", "prefill", "translations")
    show_change_link = True


class MaterialInline(DraftOnlyInline, admin.StackedInline):
    model = Material
    formset = ConditionFormSet
    fields = (
        ("position", "code", "kind", "copies", "required", "shared_data"),
        "name",
        "acceptance_standard",
        "note",
        "commitment_text",
        ("blank_form", "sample"),
        "when",
        "checks",
        "translations",
    )


class StepInline(DraftOnlyInline, admin.TabularInline):
    model = ProcessStep
    formset = ConditionFormSet
    fields = ("position", "code", "name", "description", "review", "when", "translations")


class SituationRuleInline(DraftOnlyInline, admin.TabularInline):
    model = SituationRule
    formset = ConditionFormSet
    fields = ("position", "when", "overrides", "note")


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "version",
        "name",
        "department",
        "item_type",
        "status",
        "promised_days",
        "max_visits",
    )
    list_filter = ("status", "department", "item_type", "immediate", "channel_online", "life_events")
    search_fields = ("code", "name", "keywords")
    ordering = ("code", "version")
    filter_horizontal = ("life_events",)
    inlines = [QuestionInline, MaterialInline, StepInline, SituationRuleInline]
    actions = ["make_new_version", "publish"]
    readonly_fields = ("status", "valid_from", "valid_until")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("code", "version", "status"),
                    ("valid_from", "valid_until"),
                    "name",
                    "summary",
                    "keywords",
                    ("item_type", "department"),
                    "life_events",
                    "translations",
                )
            },
        ),
        (
            _("Time limits, fees and visits"),
            {
                "fields": (
                    ("legal_days", "promised_days", "days_unit", "immediate"),
                    ("fee", "fee_basis"),
                    ("fee_per_copy", "payment_stage"),
                    ("max_visits", "extension_days"),
                )
            },
        ),
        (
            _("Channels and service objects"),
            {
                "fields": (
                    ("channel_window", "channel_online", "channel_mobile", "channel_post"),
                    ("online_url", "online_level"),
                    ("for_person", "for_enterprise"),
                )
            },
        ),
        (
            _("Conditions and contact"),
            {"fields": ("legal_basis", "acceptance_conditions", "location", "contact_phone", "hours")},
        ),
    )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != ItemStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Make a new draft version of the selected items"))
    def make_new_version(self, request, queryset):
        for item in queryset:
            draft = services.new_draft_version(item)
            self.message_user(
                request,
                _("Draft version %(version)s of %(code)s created.")
                % {"version": draft.version, "code": draft.code},
                messages.SUCCESS,
            )

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        for item in queryset:
            try:
                services.publish_version(item)
            except InvalidInput as error:
                self.message_user(request, f"{item.code} v{item.version}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(code)s version %(version)s is published.")
                    % {"code": item.code, "version": item.version},
                    messages.SUCCESS,
                )


class OptionInline(DraftOnlyInline, admin.TabularInline):
    model = Option
    fields = ("position", "code", "text", "translations")

    def item_of(self, question):
        return question.item


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "code", "item")
    search_fields = ("text", "code", "item__code")
    inlines = [OptionInline]
    fields = ("item", "position", "code", "text", "help_text", "when", "translations")
    readonly_fields = ("item",)

    def has_add_permission(self, request):
        return False  # questions are added on their item's page

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.item.status != ItemStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        question = obj

        class CheckedForm(form):
            def clean_when(self):
                when = self.cleaned_data.get("when")
                if question is not None:
                    earlier = {
                        q.code: tuple(o.code for o in q.options.all())
                        for q in question.item.questions.filter(position__lt=question.position)
                    }
                    problems = rules.condition_errors(when, earlier)
                    if problems:
                        raise forms.ValidationError([f"{p}: {m}" for p, m in problems])
                return when

        return CheckedForm


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


class CalendarOverrideInline(admin.TabularInline):
    model = CalendarOverride
    extra = 0
    fields = ("date", "kind", "reason")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    inlines = [CalendarOverrideInline]
    list_display = ("code", "name", "short_name", "region", "calendar", "position")
    list_filter = ("calendar", "region")
    search_fields = ("code", "name", "short_name")


class CalendarFileForm(forms.Form):
    file = forms.FileField(
        label=_("Calendar file (YAML or CSV)"),
        help_text=_("One or more official years; see docs/calendars.md for the format. All or nothing."),
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Official years are loaded from a file (the add page is an upload) and never edited: a corrected
    notice is loaded again, and the newest load is the one in force."""

    list_display = ("calendar", "department", "year", "source_title", "source_date", "loaded_by", "loaded_at")
    list_filter = ("calendar", "year")
    readonly_fields = [f.name for f in CalendarYear._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        form = CalendarFileForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > 1_000_000:
                    raise CatalogImportError([Problem(None, "file", str(_("larger than 1 MB")))])
                text = upload.read().decode("utf-8")
                written = calendars.import_calendar_file(text, upload.name, request.user)
            except UnicodeDecodeError:
                problems = [Problem(None, "file", str(_("not UTF-8 text")))]
            except CatalogImportError as error:
                problems = error.problems
            else:
                for row in written:
                    self.message_user(request, _("Loaded %(year)s.") % {"year": row}, messages.SUCCESS)
                return redirect("admin:catalog_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Load an official calendar year"),
            "form": form,
            "problems": problems,
            **(extra_context or {}),
        }
        return render(request, "admin/catalog/calendaryear/load.html", context)


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "audience", "position")
    list_filter = ("audience",)


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    fields = ("position", "item_code", "after")


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "life_event", "position")
    search_fields = ("code", "name", "keywords")
    inlines = [BundleItemInline]
    readonly_fields = ("figures",)

    @admin.display(description=_("figures for the typical situation"))
    def figures(self, bundle: Bundle) -> str:
        """What the bundle page will show, or why it shows nothing (typical answers that do not fit)."""
        from . import bundles, selectors

        if not bundle.pk:
            return "—"
        try:
            items = selectors.bundle_items(bundle)
            return str(
                bundles.bundle_figures(
                    selectors.bundle_parts(bundle, items), bundle.typical_answers
                ).as_dict()
            )
        except rules.AnswersError as error:
            return "; ".join(
                f"typical_answers{field.removeprefix('answers')}: {message}"
                for field, message in error.problems
            )
        except (ServiceItem.DoesNotExist, ValueError) as error:
            return str(error)
