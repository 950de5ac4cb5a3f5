"""Entries in the back office: their export, filters and inlines."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import fields

from members.enums import Region
from wego_portal.admin import (
    PortalExportModelAdmin,
    PortalResource,
    PortalTabularInline,
)

from .. import services
from ..enums import Result
from ..models import (
    Category,
    Entry,
    EntryDocument,
    EntryImage,
)


class EntryResource(PortalResource):
    edition = fields.Field(attribute="edition__year", column_name="edition")
    category = fields.Field(attribute="category__name", column_name="category")
    organization = fields.Field(attribute="organization__slug", column_name="member")
    region = fields.Field(attribute="organization__region", column_name="region")

    class Meta:
        model = Entry
        fields = [
            "id",
            "edition",
            "category",
            "entrant_name",
            "entrant_country",
            "organization",
            "region",
            "project_title",
            "status",
            "result",
            "submitted_at",
            "summary",
            "problem",
            "solution",
            "ict_used",
            "results_impact",
            "started_on",
            "partners",
        ]
        export_order = fields


class CategoryFilter(admin.SimpleListFilter):
    """Categories named with their edition's year ("Safe City (2020)")."""

    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        categories = Category.objects.select_related("edition").order_by(
            "-edition__year", "position"
        )
        return [(str(c.pk), f"{c.name} ({c.edition.year})") for c in categories]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdecimal():
            return queryset.filter(category_id=int(self.value()))
        return queryset


class RegionFilter(admin.SimpleListFilter):
    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return Region.choices

    def queryset(self, request, queryset):
        if self.value() in Region.values:
            return queryset.filter(organization__region=self.value())
        return queryset


class EntryImageInline(PortalTabularInline):
    model = EntryImage
    extra = 0
    fields = ["preview", "caption", "uploaded_at"]
    readonly_fields = ["preview", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Image"))
    def preview(self, obj):
        url = reverse("awards:image_thumbnail", args=[obj.pk])
        return format_html('<a href="{}"><img src="{}" alt="" width="120"></a>', url, url)


class EntryDocumentInline(PortalTabularInline):
    model = EntryDocument
    extra = 0
    fields = ["link", "is_public", "uploaded_at"]
    readonly_fields = ["link", "is_public", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Document"))
    def link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("awards:document", args=[obj.pk]), obj.title
        )


class EntryAdminForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["category", *Entry.CONTENT_FIELDS]

    def clean_category(self):
        category = self.cleaned_data["category"]
        if self.instance.pk and category.edition_id != self.instance.edition_id:
            raise forms.ValidationError(_("Choose a category of the entry's own edition."))
        return category


@admin.register(Entry)
class EntryAdmin(PortalExportModelAdmin):
    form = EntryAdminForm
    resource_classes = [EntryResource]
    list_display = [
        "project_title",
        "entrant_name",
        "edition",
        "category",
        "status",
        "result",
        "submitted_at",
        "member_link",
    ]
    list_filter = ["edition", CategoryFilter, "status", "result", RegionFilter]
    list_select_related = ["edition", "category", "organization"]
    search_fields = ["project_title", "entrant_name", "organization__name"]
    inlines = [EntryImageInline, EntryDocumentInline]
    actions = ["record_winner", "record_special_mention", "clear_result"]
    readonly_fields = [
        "edition",
        "organization",
        "entrant_name",
        "entrant_country",
        "status",
        "result",
        "submitted_at",
        "withdrawn_at",
        "result_recorded_at",
        "created_by",
        "created_at",
        "updated_at",
        "score_summary",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "edition",
                    "category",
                    "organization",
                    "entrant_name",
                    "entrant_country",
                    "status",
                    "result",
                    "score_summary",
                ]
            },
        ),
        (
            _("Project"),
            {
                "fields": [
                    "project_title",
                    "summary",
                    "problem",
                    "solution",
                    "ict_used",
                    "results_impact",
                    "started_on",
                    "partners",
                ]
            },
        ),
        (
            _("Record"),
            {
                "fields": [
                    "submitted_at",
                    "withdrawn_at",
                    "result_recorded_at",
                    "created_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("Member"))
    def member_link(self, obj):
        if obj.organization_id is None:
            return _("not a member")
        url = reverse("admin:members_organization_change", args=[obj.organization_id])
        return format_html('<a href="{}">{}</a>', url, obj.organization.name)

    @admin.display(description=_("Scores"))
    def score_summary(self, obj):
        scores = list(obj.scores.select_related("judge"))
        if not scores:
            return _("No scores yet.")
        mean = sum(s.mean for s in scores) / len(scores)
        return format_html(
            "{}<br>{}",
            _("Average %(mean).2f from %(n)d judges") % {"mean": mean, "n": len(scores)},
            format_html_join(", ", "{}: {}", ((s.judge.name, f"{s.mean:.1f}") for s in scores)),
        )

    def _record(self, request, queryset, result, label):
        done = 0
        for entry in queryset.select_related("edition"):
            try:
                services.entry_record_result(entry=entry, result=result, recorded_by=request.user)
            except services.AwardsError as exc:
                self.message_user(request, f"{entry}: {exc}", messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(n)d entry: %(label)s.", "%(n)d entries: %(label)s.", done)
            % {"n": done, "label": label},
            messages.SUCCESS,
        )

    def has_record_permission(self, request, obj=None):
        return self.ask(request, "awards.record_results", obj)

    @admin.action(description=_("Record as winner"), permissions=["record"])
    def record_winner(self, request, queryset):
        self._record(request, queryset, Result.WINNER, Result.WINNER.label)

    @admin.action(description=_("Record as special mention"), permissions=["record"])
    def record_special_mention(self, request, queryset):
        self._record(request, queryset, Result.SPECIAL_MENTION, Result.SPECIAL_MENTION.label)

    @admin.action(description=_("Clear the result"), permissions=["record"])
    def clear_result(self, request, queryset):
        self._record(request, queryset, "", _("no award"))
