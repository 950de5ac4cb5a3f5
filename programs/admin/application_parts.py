"""The application admin's export resource, filters and inlines."""

import re

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export import fields

from wego_portal.admin import (
    PortalResource,
    PortalTabularInline,
)

from ..models import (
    CRITERIA,
    Application,
    Milestone,
    Review,
    Stakeholder,
)

# --- Applications ------------------------------------------------------------------------------


class ApplicationResource(PortalResource):
    """The CSV/XLSX export of the applications list (respects its filters and scope)."""

    reference = fields.Field(column_name="reference")
    call = fields.Field(column_name="call")
    program = fields.Field(column_name="program")
    organization = fields.Field(column_name="organization")
    country = fields.Field(column_name="country")
    region = fields.Field(column_name="region")
    office = fields.Field(column_name="office")
    status = fields.Field(column_name="status")
    areas = fields.Field(column_name="areas")
    title = fields.Field(column_name="title")
    total_budget = fields.Field(column_name="total_budget")
    cofunding_amount = fields.Field(column_name="cofunding_amount")
    currency = fields.Field(column_name="currency")
    reviews_completed = fields.Field(column_name="reviews_completed")
    average_score = fields.Field(column_name="average_score")

    class Meta:
        model = Application
        fields = [
            "reference",
            "call",
            "program",
            "kind",
            "organization",
            "country",
            "region",
            "office",
            "status",
            "submitted_at",
            "status_changed_at",
            "areas",
            "title",
            "total_budget",
            "cofunding_amount",
            "currency",
            "reviews_completed",
            "average_score",
        ]
        export_order = fields

    def dehydrate_reference(self, obj):
        return obj.reference

    def dehydrate_call(self, obj):
        return obj.call.title

    def dehydrate_program(self, obj):
        return obj.call.program.name

    def dehydrate_organization(self, obj):
        return obj.organization.name

    def dehydrate_country(self, obj):
        return obj.organization.country.code or ""

    def dehydrate_region(self, obj):
        return obj.organization.region

    def dehydrate_office(self, obj):
        return obj.organization.office.name if obj.organization.office else ""

    def dehydrate_status(self, obj):
        return obj.get_status_display()

    def dehydrate_areas(self, obj):
        return "; ".join(area.name for area in obj.areas.all())

    def _project(self, obj, name):
        if not obj.is_project_implementer:
            return ""
        value = getattr(obj.project, name)
        return "" if value is None else value

    def dehydrate_title(self, obj):
        return obj.title

    def dehydrate_total_budget(self, obj):
        return self._project(obj, "total_budget")

    def dehydrate_cofunding_amount(self, obj):
        return self._project(obj, "cofunding_amount")

    def dehydrate_currency(self, obj):
        return self._project(obj, "currency")

    def dehydrate_reviews_completed(self, obj):
        return getattr(obj, "n_reviews_done", "")

    def dehydrate_average_score(self, obj):
        value = getattr(obj, "avg_score", None)
        return "" if value is None else round(value, 1)


class ReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "reviews"

    def lookups(self, request, model_admin):
        return [
            ("mine", _("Assigned to me")),
            ("mine_outstanding", _("My reviews to complete")),
            ("unassigned", _("No reviewer yet")),
            ("incomplete", _("Reviews outstanding")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "mine":
            return queryset.filter(
                pk__in=Review.objects.filter(reviewer=request.user).values("application_id")
            )
        if value == "mine_outstanding":
            return queryset.filter(
                pk__in=Review.objects.filter(
                    reviewer=request.user, completed_at__isnull=True
                ).values("application_id")
            )
        if value == "unassigned":
            return queryset.exclude(pk__in=Review.objects.values("application_id"))
        if value == "incomplete":
            return queryset.filter(
                pk__in=Review.objects.filter(completed_at__isnull=True).values("application_id")
            )
        return queryset


class _PlanInline(PortalTabularInline):
    """Plan rows (stakeholders, milestones): edited by those who decide, through services."""

    extra = 0


class StakeholderInline(_PlanInline):
    model = Stakeholder
    public_choices = ("organization",)  # partners come from every region
    fields = ["organization", "role", "note"]
    verbose_name_plural = _("Activator Plan: stakeholders")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            from members.models import Organization

            kwargs["queryset"] = Organization.objects.filter(status="active").order_by("sort_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MilestoneInline(_PlanInline):
    model = Milestone
    fields = ["title", "kind", "due_on", "status", "completed_on", "note"]
    verbose_name_plural = _("Activator Plan: milestones")


class ReviewInline(PortalTabularInline):
    """The reviews' scores, read-only (each reviewer scores through "Your review")."""

    model = Review
    extra = 0
    can_delete = False
    readonly_fields = (
        "reviewer",
        *[key for key, _label in CRITERIA],
        "average_score",
        "recommendation",
        "completed_at",
    )
    fields = readonly_fields
    verbose_name_plural = _("Review scores (1 to 5)")
    read_only = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")

    @admin.display(description=_("Average"))
    def average_score(self, obj):
        return obj.average if obj.average is not None else "—"


REFERENCE = re.compile(r"^\s*(?:SF|PI|AP)?-?0*(\d{1,9})\s*$", re.IGNORECASE)
