"""Scores and declared conflicts of interest (read-only records)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export import fields

from wego_portal.admin import (
    PortalExportModelAdmin,
    PortalModelAdmin,
    PortalResource,
)

from ..models import (
    CRITERIA,
    ConflictOfInterest,
    Score,
)


class ScoreResource(PortalResource):
    edition = fields.Field(attribute="entry__edition__year", column_name="edition")
    category = fields.Field(attribute="entry__category__name", column_name="category")
    entry = fields.Field(attribute="entry__project_title", column_name="project")
    entrant = fields.Field(attribute="entry__entrant_name", column_name="entrant")
    judge = fields.Field(attribute="judge__name", column_name="judge")
    mean = fields.Field(attribute="mean", column_name="mean")

    class Meta:
        model = Score
        fields = ["edition", "category", "entry", "entrant", "judge", *CRITERIA, "mean", "comments"]
        export_order = fields


@admin.register(Score)
class ScoreAdmin(PortalExportModelAdmin):
    """Read-only: judges score in the portal; the secretariat reads and exports."""

    resource_classes = [ScoreResource]
    list_display = ["entry", "judge", *CRITERIA, "mean_display", "updated_at"]
    list_filter = ["entry__edition", "judge"]
    list_select_related = ["entry", "judge"]
    search_fields = ["entry__project_title", "entry__entrant_name", "judge__name"]

    @admin.display(description=_("Mean"))
    def mean_display(self, obj):
        return f"{obj.mean:.1f}"

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("entry__edition", "entry__category", "judge")
        )


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(PortalModelAdmin):
    list_display = ["judge", "entry", "declared_at", "reason"]
    list_filter = ["entry__edition", "judge"]
    list_select_related = ["judge", "entry"]
