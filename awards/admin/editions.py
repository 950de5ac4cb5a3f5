"""The secretariat's back office for the WeGO Awards.

Editions (with their categories), judges and their assignments, entries (filters, export,
result actions), the scoring overview (per-entry averages and ranks per category), the
edition's stages (each move confirmed, with a note, and recorded), closing the panel and
publishing the results. Every state change goes through ``awards.services``. The awards back
office is the secretariat's alone (``awards.rules``): regional-office staff do not see it,
because scores are confidential.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from wego_portal.admin import (
    PortalModelAdmin,
    PortalTabularInline,
)

from .. import selectors, services
from ..enums import STAGE_TRANSITIONS, EntryStatus, Result, Stage
from ..forms import PublishResultsForm, ResultForm, StageMoveForm
from ..models import (
    CRITERIA,
    Category,
    Edition,
    EditionTransition,
    Entry,
)

SUBMITTED_ENTRIES = Q(entries__status=EntryStatus.SUBMITTED)


class KeywordsField(forms.CharField):
    """A list of keywords edited as one line, separated by semicolons."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return "; ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [word.strip() for word in text.split(";") if word.strip()]


class CategoryForm(forms.ModelForm):
    keywords = KeywordsField(
        label=_("Keywords"),
        required=False,
        help_text=_("Separated by semicolons, e.g. “AI; Drones; Blockchain”."),
    )

    class Meta:
        model = Category
        fields = ["name", "slug", "description", "keywords", "position"]


class CategoryInline(PortalTabularInline):
    model = Category
    form = CategoryForm
    extra = 0
    prepopulated_fields = {"slug": ["name"]}
    fields = ["position", "name", "slug", "keywords"]


class EditionTransitionInline(PortalTabularInline):
    model = EditionTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_stage", "to_stage", "by", "note", "override"]
    readonly_fields = fields
    read_only = True
    verbose_name_plural = _("Stage history")


@admin.register(Edition)
class EditionAdmin(TranslationAdmin, PortalModelAdmin):
    change_form_template = "admin/awards/edition/change_form.html"
    list_display = [
        "title",
        "year",
        "stage",
        "phase_display",
        "is_public",
        "entries_close_at",
        "submitted_count",
        "results_published",
        "scoring_link",
    ]
    list_filter = ["stage", "is_public", "results_published"]
    search_fields = ["theme", "year"]
    inlines = [CategoryInline, EditionTransitionInline]
    readonly_fields = [
        "stage",
        "results_published",
        "results_published_at",
        "results_published_by",
        "scoring_link",
    ]
    fieldsets = [
        (None, {"fields": ["number", "year", "stage", "theme", "description", "is_public"]}),
        (
            _("Phases"),
            {
                "fields": [
                    "announced_on",
                    "entries_open_at",
                    "entries_close_at",
                    "judging_starts_at",
                    "judging_ends_at",
                    "results_due_on",
                ]
            },
        ),
        (_("Entering"), {"fields": ["max_entries_per_city", "rules"]}),
        (
            _("Results"),
            {
                "fields": [
                    "scoring_link",
                    "results_published",
                    "results_published_at",
                    "results_published_by",
                ]
            },
        ),
    ]
    actions = ["publish_results", "close_panel"]

    def has_move_permission(self, request, obj=None):
        return self.ask(request, "awards.move_edition", obj)

    def has_publish_permission(self, request, obj=None):
        return self.ask(request, "awards.publish_results", obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, admin.utils.unquote(object_id))
        moves = []
        if edition is not None and self.has_move_permission(request, edition):
            moves = [
                {"stage": stage, "label": Stage(stage).label}
                for stage in STAGE_TRANSITIONS.get(edition.stage, ())
            ]
        extra = {"stage_moves": moves}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_submitted=Count("entries", filter=SUBMITTED_ENTRIES))
        )

    @admin.display(description=_("Phase"))
    def phase_display(self, obj):
        return obj.current_phase_label

    @admin.display(description=_("Submitted entries"), ordering="n_submitted")
    def submitted_count(self, obj):
        return getattr(obj, "n_submitted", "—")

    @admin.display(description=_("Scoring"))
    def scoring_link(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:awards_edition_scoring", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Scoring overview and results"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/scoring/",
                self.admin_site.admin_view(self.scoring_view),
                name="awards_edition_scoring",
            ),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="awards_edition_publish",
            ),
            path(
                "<int:pk>/close-panel/",
                self.admin_site.admin_view(self.close_panel_view),
                name="awards_edition_close_panel",
            ),
            path(
                "<int:pk>/stage/<slug:stage>/",
                self.admin_site.admin_view(self.move_view),
                name="awards_edition_move",
            ),
            *super().get_urls(),
        ]

    def move_view(self, request: HttpRequest, pk: int, stage: str) -> HttpResponse:
        """Confirm one stage move (with a note), then call ``services.edition_move``."""
        edition = self.object_or_404(request, pk, "awards.move_edition")
        change_url = reverse("admin:awards_edition_change", args=[pk])
        if stage not in Stage.values:
            raise Http404
        if stage == Stage.PUBLISHED:
            return HttpResponseRedirect(reverse("admin:awards_edition_publish", args=[pk]))
        form = StageMoveForm(
            request.POST if request.method == "POST" else None,
            initial={"expected_stage": edition.stage},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.edition_move(
                    edition=edition,
                    to_stage=stage,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    expected_stage=form.cleaned_data["expected_stage"] or None,
                )
            except services.AwardsError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("The %(edition)s is now at the stage “%(stage)s”.")
                    % {"edition": edition.title, "stage": Stage(stage).label},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/awards/confirm_move.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Move the %(edition)s to “%(stage)s”?")
                % {"edition": edition.title, "stage": Stage(stage).label},
                "edition": edition,
                "form": form,
                "change_url": change_url,
                "opts": self.model._meta,
                "original": edition,
            },
        )

    def scoring_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Per-entry averages and ranks per category; the result of each entry is recorded here."""
        edition = self.object_or_404(request, pk, "view")
        if request.method == "POST":
            entry_pk = request.POST.get("entry", "")
            if not entry_pk.isdecimal():
                raise Http404
            entry = get_object_or_404(Entry, pk=int(entry_pk), edition=edition)
            form = ResultForm(request.POST)
            if form.is_valid():
                try:
                    services.entry_record_result(
                        entry=entry,
                        result=form.cleaned_data["result"],
                        recorded_by=request.user,
                        expected_result=form.cleaned_data["expected_result"]
                        if "expected_result" in request.POST
                        else None,
                    )
                except services.AwardsError as exc:
                    self.message_user(request, f"{entry}: {exc}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("Result recorded for “%(title)s”.") % {"title": entry.project_title},
                        messages.SUCCESS,
                    )
            return HttpResponseRedirect(request.path)
        judges_per_category = dict(
            Category.objects.filter(edition=edition)
            .annotate(n=Count("judges"))
            .values_list("id", "n")
        )
        overview = [
            {
                "category": category,
                "judges": judges_per_category.get(category.pk, 0),
                "rows": rows,
            }
            for category, rows in selectors.scoring_overview(edition)
        ]
        return TemplateResponse(
            request,
            "admin/awards/scoring_overview.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Scoring overview: %(edition)s") % {"edition": edition.title},
                "edition": edition,
                "overview": overview,
                "criteria": CRITERIA,
                "result_choices": [("", _("No award")), *Result.choices],
                "opts": self.model._meta,
                "panel_closed": edition.panel_closed(),
            },
        )

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Confirm publication: the ranking, the awards, the missing scores (if any)."""
        edition = self.object_or_404(request, pk, "awards.publish_results")
        form = PublishResultsForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.edition_publish_results(
                    edition=edition,
                    published_by=request.user,
                    override_reason=form.cleaned_data["override_reason"],
                )
            except services.AwardsError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:awards_edition_publish", args=[pk]))
            self.message_user(
                request,
                _(
                    "The results of the %(edition)s are published. The entrant cities are "
                    "being told by e-mail."
                )
                % {"edition": edition.title},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:awards_edition_change", args=[pk]))
        awarded = (
            edition.entries.exclude(result="")
            .select_related("category")
            .order_by("category__position", "-result", "entrant_name")
        )
        return TemplateResponse(
            request,
            "admin/awards/confirm_publish.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Publish the results of the %(edition)s?") % {"edition": edition.title},
                "edition": edition,
                "awarded": awarded,
                "form": form,
                "ranking": selectors.scoring_overview(edition),
                "missing": selectors.edition_missing_scores(edition),
                "stage_ready": edition.stage == Stage.RESULTS_RECORDED,
                "entrant_count": edition.entries.filter(status=EntryStatus.SUBMITTED)
                .exclude(organization=None)
                .values("organization")
                .distinct()
                .count(),
                "opts": self.model._meta,
            },
        )

    def close_panel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self.object_or_404(request, pk, "awards.move_edition")
        if request.method == "POST":
            try:
                services.edition_close_panel(edition=edition, closed_by=request.user)
            except services.AwardsError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("The judging panel is closed: judges can now read each other's scores."),
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(reverse("admin:awards_edition_scoring", args=[pk]))
        return TemplateResponse(
            request,
            "admin/awards/confirm_close_panel.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Close the judging panel of the %(edition)s?")
                % {"edition": edition.title},
                "edition": edition,
                "opts": self.model._meta,
            },
        )

    def _single(self, request, queryset, url_name):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one edition."), messages.WARNING)
            return None
        return HttpResponseRedirect(reverse(url_name, args=[queryset.get().pk]))

    @admin.action(description=_("Publish the results (asks to confirm)"), permissions=["publish"])
    def publish_results(self, request, queryset):
        return self._single(request, queryset, "admin:awards_edition_publish")

    @admin.action(description=_("Close the judging panel (asks to confirm)"), permissions=["move"])
    def close_panel(self, request, queryset):
        return self._single(request, queryset, "admin:awards_edition_close_panel")


@admin.register(Category)
class CategoryAdmin(TranslationAdmin, PortalModelAdmin):
    form = CategoryForm
    list_display = ["name", "edition", "position", "keyword_list"]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["edition", "name", "slug", "description", "keywords", "position"]

    @admin.display(description=_("Keywords"))
    def keyword_list(self, obj):
        return "; ".join(obj.keywords)
