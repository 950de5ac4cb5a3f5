from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from wego_portal.admin import PortalModelAdmin

from . import services
from .enums import RunState
from .models import PublishedFigure, ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(PortalModelAdmin):
    """Secretariat staff request an annual report PDF here; the run's page shows its progress."""

    list_display = [
        "year",
        "language",
        "state",
        "progress_percent",
        "published_at",
        "requested_by",
        "created_at",
        "links",
    ]
    list_filter = ["state", "year", "language"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"
    fields = ["year", "language"]
    readonly_fields = ["links"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["year", "language"]
        return [
            "year",
            "language",
            "state",
            "progress",
            "published_at",
            "message",
            "requested_by",
            "created_at",
            "finished_at",
            "links",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("year", timezone.localdate().year - 1)
        initial.setdefault("language", translation.get_language())
        return initial

    @admin.display(description=_("progress"))
    def progress_percent(self, run: ReportRun) -> str:
        return f"{run.progress}%"

    @admin.display(description=_("links"))
    def links(self, run: ReportRun) -> str:
        status = format_html(
            '<a href="{}">{}</a>', reverse("reports:run", args=[run.pk]), _("Progress page")
        )
        if run.state == RunState.DONE and run.pdf:
            return format_html(
                '{} · <a href="{}">{}</a>', status, run.get_download_url(), _("Download PDF")
            )
        return status

    def add_view(self, request, form_url="", extra_context=None):
        """Generating a report has its own page (year, language, then progress)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("reports:run_new"))

    def save_model(self, request: HttpRequest, obj: ReportRun, form, change: bool) -> None:
        if change:
            return  # a run is a record of what happened: nothing to edit
        run = services.report_run_request(
            year=obj.year, requested_by=request.user, language=obj.language
        )
        obj.pk = run.pk
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("reports:run", args=[obj.pk]))


@admin.register(PublishedFigure)
class PublishedFigureAdmin(TranslationAdmin, PortalModelAdmin):
    """The figures WeGO published (its annual report), each with its source. "WeGO in numbers"
    and the annual report show them beside the portal's own counts."""

    list_display = ["label", "value_as_published", "year", "key", "source", "is_public"]
    list_filter = ["year", "is_public", "unit"]
    search_fields = ["label", "key", "source"]
    ordering = ["-year", "position", "id"]
    fields = [
        "key",
        "year",
        "value",
        "unit",
        "qualifier",
        "label",
        "as_of",
        "source",
        "source_url",
        "note",
        "position",
        "is_public",
    ]

    # Saves and deletions here change the numbers page: its cache moves on.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.figures_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.figures_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.figures_changed()

    @admin.display(description=_("value"))
    def value_as_published(self, figure: PublishedFigure) -> str:
        return figure.display_value
