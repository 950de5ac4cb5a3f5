"""The back office of the programs: programs and calls, and the applications' review.

Staff act on applications through buttons, one per legal move, each opening a confirmation
form and calling the one service that makes that move. Regional-office staff see only the
applications of their offices' organizations; a reviewer who is not in the Secretariat sees
only the applications assigned to them (``selectors.backoffice_applications``).
"""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import fields
from import_export.formats import base_formats
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from wego_portal.admin import (
    PortalExportModelAdmin,
    PortalModelAdmin,
    PortalResource,
    PortalStackedInline,
    PortalTabularInline,
)
from wego_portal.stale_decisions import EXPECTED_STATUS

from . import sections, selectors, services, workflow
from .enums import ApplicationStatus, MessageVisibility
from .errors import ProgramError
from .forms import (
    AssignReviewerForm,
    CallAdminForm,
    ClarificationRequestForm,
    ConnectPartnersForm,
    ConsultingCompanyForm,
    FeedbackForm,
    ReviewForm,
    StaffMessageForm,
    TransitionForm,
)
from .models import (
    CRITERIA,
    Application,
    Call,
    CallDocument,
    Milestone,
    Program,
    ProgramSection,
    Review,
    SmartCityArea,
    Stakeholder,
)
from .templatetags.programs_tags import STATUS_TAGS

S = ApplicationStatus

# --- Programs, calls, areas --------------------------------------------------------------------


@admin.register(SmartCityArea)
class SmartCityAreaAdmin(PortalModelAdmin):
    list_display = ["name", "position", "slug"]
    search_fields = ["name"]
    ordering = ["position"]


class ProgramSectionInline(TranslationStackedInline, PortalStackedInline):
    model = ProgramSection
    extra = 0
    fields = ["title", "body", "position"]


@admin.register(Program)
class ProgramAdmin(TranslationAdmin, PortalModelAdmin):
    list_display = ["name", "summary", "position", "is_published", "call_count"]
    list_editable = ["position", "is_published"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas"]
    inlines = [ProgramSectionInline]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_calls=Count("calls"))

    @admin.display(description=_("Calls"), ordering="n_calls")
    def call_count(self, obj):
        return obj.n_calls


class CallDocumentInline(PortalTabularInline):
    model = CallDocument
    extra = 0
    fields = ["name", "hint", "required", "position"]


@admin.register(Call)
class CallAdmin(TranslationAdmin, PortalModelAdmin):
    form = CallAdminForm
    list_display = ["title", "program", "kind", "opens_at", "closes_at", "open_now", "n_apps"]
    list_filter = ["program", "kind", "is_published"]
    list_select_related = ["program"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["reviewers"]
    inlines = [CallDocumentInline]
    readonly_fields = ["counts_by_status"]

    class Media:
        css = {"all": ["css/programs-admin.css"]}

    fieldsets = [
        (None, {"fields": ["program", "title", "slug", "kind", "is_published"]}),
        (_("Dates"), {"fields": ["opens_at", "closes_at", "dates_note"]}),
        (_("Public page"), {"fields": ["description", "eligible_member_types"]}),
        (_("Review"), {"fields": ["reviewers"]}),
        (_("Applications"), {"fields": ["counts_by_status"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("applications"))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "reviewers":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("Open now"), boolean=True)
    def open_now(self, obj):
        return obj.is_open()

    @admin.display(description=_("Applications"), ordering="n")
    def n_apps(self, obj):
        url = reverse("admin:programs_application_changelist") + f"?call__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.n)

    @admin.display(description=_("Applications by status"))
    def counts_by_status(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        changelist = reverse("admin:programs_application_changelist")
        rows = format_html_join(
            "",
            '<tr><th scope="row"><a href="{}">{}</a></th><td class="num">{}</td></tr>',
            (
                (
                    f"{changelist}?call__id__exact={obj.pk}&status__exact={row['status']}",
                    row["label"],
                    row["count"],
                )
                for row in selectors.status_counts(obj)
            ),
        )
        return format_html(
            '<table class="wego-counts"><caption>{}</caption><tbody>{}</tbody></table>',
            _("Applications to this call, by status"),
            rows,
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
    fields = [
        "reviewer",
        *[key for key, _label in CRITERIA],
        "average_score",
        "recommendation",
        "completed_at",
    ]
    readonly_fields = fields
    verbose_name_plural = _("Review scores (1 to 5)")
    read_only = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")

    @admin.display(description=_("Average"))
    def average_score(self, obj):
        return obj.average if obj.average is not None else "—"


REFERENCE = re.compile(r"^\s*(?:SF|PI|AP)?-?0*(\d{1,9})\s*$", re.IGNORECASE)


@admin.register(Application)
class ApplicationAdmin(PortalExportModelAdmin):
    resource_classes = [ApplicationResource]
    export_formats = [base_formats.CSV, base_formats.XLSX]
    change_form_template = "admin/programs/application/change_form.html"
    permission_names = {"view": "programs.view_application_backoffice"}

    class Media:
        css = {"all": ["css/programs-admin.css"]}

    list_display = [
        "reference_column",
        "organization",
        "call",
        "status_column",
        "region_column",
        "office_column",
        "submitted_at",
        "reviews_column",
        "score_column",
    ]
    list_display_links = ["reference_column"]
    list_filter = [
        "call",
        "status",
        "kind",
        ("areas", admin.RelatedOnlyFieldListFilter),
        "organization__region",
        "organization__office",
        ReviewFilter,
    ]
    list_select_related = ["call", "organization__office", "project"]
    search_fields = ["organization__name", "organization__city", "project__title"]
    search_help_text = _("Organization, city, project title or reference (e.g. PI-00012).")
    list_per_page = 50
    show_full_result_count = False
    date_hierarchy = "submitted_at"
    actions = ["start_review", "decline", "assign_reviewer"]
    readonly_fields = [
        "reference_column",
        "organization_link",
        "call",
        "kind",
        "status_column",
        "next_step",
        "areas_list",
        "created_by",
        "created_at",
        "submitted_at",
        "status_changed_at",
    ]
    fieldsets = [
        (
            _("Application"),
            {
                "fields": [
                    "reference_column",
                    "organization_link",
                    "call",
                    "kind",
                    "status_column",
                    "next_step",
                    "areas_list",
                ]
            },
        ),
        (_("Dates"), {"fields": ["created_by", "created_at", "submitted_at", "status_changed_at"]}),
    ]

    # -- scope and permissions ---------------------------------------------------------------

    def get_queryset(self, request):
        # Per-row subqueries rather than a GROUP BY over every application and review: the
        # database computes them for the 50 rows of the page only, whatever the list's size.
        reviews = Review.objects.filter(application=OuterRef("pk")).order_by().values("application")
        completed = reviews.filter(completed_at__isnull=False)

        def per_application(subquery, aggregate):
            return Subquery(subquery.annotate(value=aggregate).values("value")[:1])

        mean_of_criteria = sum((F(key) for key, _label in CRITERIA), Value(0.0)) / len(CRITERIA)
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_reviews=Coalesce(per_application(reviews, Count("pk")), 0),
                n_reviews_done=Coalesce(per_application(completed, Count("pk")), 0),
                # Complete reviews score every criterion, so the mean of the criteria's means is
                # the mean of the reviewers' averages.
                avg_score=per_application(
                    completed,
                    ExpressionWrapper(Avg(mean_of_criteria), output_field=FloatField()),
                ),
            )
        )

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("areas")

    def scope_queryset(self, request, queryset):
        return selectors.backoffice_scope(request.user, queryset)

    def has_decide_permission(self, request, obj=None):
        return self.ask(request, "programs.decide_application", obj)

    def has_assign_permission(self, request, obj=None):
        return self.ask(request, "programs.assign_reviewers", obj)

    def get_inline_instances(self, request, obj=None):
        if obj is None:
            return []
        inlines = [ReviewInline(self.model, self.admin_site)]
        if workflow.has_plan(obj.kind, obj.status):
            inlines += [
                StakeholderInline(self.model, self.admin_site),
                MilestoneInline(self.model, self.admin_site),
            ]
        return inlines

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = REFERENCE.match(search_term or "")
        if match:
            results = results | queryset.filter(pk=int(match.group(1)))
        return results, may_have_duplicates

    def save_formset(self, request, form, formset, change):
        """Plan rows are written by the services (which check the plan exists)."""
        if formset.model not in (Stakeholder, Milestone):
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            if isinstance(obj, Stakeholder):
                services.stakeholder_remove(stakeholder=obj, removed_by=request.user)
            else:
                services.milestone_remove(milestone=obj, removed_by=request.user)
        for obj in instances:
            obj.application = form.instance
            if isinstance(obj, Stakeholder):
                services.stakeholder_save(stakeholder=obj, changed_by=request.user)
            else:
                services.milestone_save(milestone=obj, changed_by=request.user)
        return None

    # -- columns ------------------------------------------------------------------------------

    @admin.display(description=_("Reference"), ordering="pk")
    def reference_column(self, obj):
        return obj.reference

    @admin.display(description=_("Status"), ordering="status")
    def status_column(self, obj):
        colour = (STATUS_TAGS.get(obj.status, "") or "tag--blue").removeprefix("tag--")
        return format_html(
            '<strong class="status app-status--{}">{}</strong>', colour, obj.get_status_display()
        )

    @admin.display(description=_("Region"), ordering="organization__region")
    def region_column(self, obj):
        return obj.organization.get_region_display() or "—"

    @admin.display(description=_("Office"), ordering="organization__office__name")
    def office_column(self, obj):
        return obj.organization.office.name if obj.organization.office else "—"

    @admin.display(description=_("Reviews done"))
    def reviews_column(self, obj):
        return f"{obj.n_reviews_done}/{obj.n_reviews}" if obj.n_reviews else "—"

    @admin.display(description=_("Average score"), ordering="avg_score")
    def score_column(self, obj):
        return f"{obj.avg_score:.1f}" if obj.avg_score is not None else "—"

    @admin.display(description=_("Organization"))
    def organization_link(self, obj):
        url = reverse("admin:members_organization_change", args=[obj.organization_id])
        return format_html(
            '<a href="{}">{}</a> ({}, {})',
            url,
            obj.organization.name,
            obj.organization.get_member_type_display(),
            obj.organization.country.name or "—",
        )

    @admin.display(description=_("Next step for the city"))
    def next_step(self, obj):
        return workflow.NEXT_STEPS.get(obj.status, "")

    @admin.display(description=_("Smart City Driver areas"))
    def areas_list(self, obj):
        return ", ".join(area.name for area in obj.areas.all()) or "—"

    # -- the change page -----------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        extra = {}
        if application is not None and self.has_view_permission(request, application):
            extra = self._panels(request, application)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _panels(self, request, application: Application) -> dict:
        user = request.user
        reviews = selectors.application_reviews(application)
        may_decide = self.ask(request, "programs.decide_application", application)
        own_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
        moves = workflow.staff_moves(application.kind, application.status) if may_decide else []
        return {
            "application": application,
            "moves": [
                {
                    "status": status,
                    "label": workflow.ACTION_LABELS.get(status, S(status).label),
                    "danger": status == S.DECLINED,
                    # The status shown here travels with the decision (stale-decision guard).
                    "url": reverse("admin:programs_application_move", args=[application.pk, status])
                    + "?"
                    + urlencode({EXPECTED_STATUS: application.status}),
                }
                for status in moves
            ],
            "answers": sections.answers(application),
            "attachments": selectors.application_attachments(application),
            "timeline": selectors.application_timeline(application),
            "all_messages": selectors.all_messages(application),
            "message_form": StaffMessageForm()
            if self.ask(request, "programs.write_staff_message", application)
            else None,
            "reviews": reviews,
            "score": selectors.review_summary(reviews),
            "own_review": own_review,
            "assign_form": AssignReviewerForm()
            if self.ask(request, "programs.assign_reviewers", application)
            and application.status != S.DRAFT
            else None,
            "suggestions": selectors.partner_suggestions(application)
            if application.is_solution_finder
            else [],
            "has_plan": workflow.has_plan(application.kind, application.status),
        }

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path(
                "<int:pk>/move/<slug:status>/",
                wrap(self.move_view),
                name="programs_application_move",
            ),
            path("<int:pk>/message/", wrap(self.message_view), name="programs_application_message"),
            path("<int:pk>/assign/", wrap(self.assign_view), name="programs_application_assign"),
            path("<int:pk>/review/", wrap(self.review_view), name="programs_application_review"),
            *super().get_urls(),
        ]

    def _get(self, request, pk) -> Application:
        """The application if it is in this user's scope; a 404 otherwise."""
        return get_object_or_404(
            self.get_queryset(request).select_related("call__program", "organization"), pk=pk
        )

    def _change_url(self, application) -> str:
        return reverse("admin:programs_application_change", args=[application.pk])

    def _move_form(self, request, application, status):
        data = request.POST if request.method == "POST" else None
        # The status the officer saw: on the change page (the link carries it), else here.
        seen = request.GET.get(EXPECTED_STATUS) or application.status
        form = self._move_form_for(data, application, status)
        form.fields[EXPECTED_STATUS].initial = seen
        return form

    def _move_form_for(self, data, application, status):
        if status == S.CLARIFICATION_REQUESTED:
            return ClarificationRequestForm(data, target=status)
        if status == S.FEEDBACK_GIVEN:
            return FeedbackForm(data, target=status)
        if status in (S.PARTNERS_CONNECTED, S.CONSULTING_COMPANY_SELECTED):
            candidates = selectors.partner_choices(application)
            form_class = (
                ConnectPartnersForm if status == S.PARTNERS_CONNECTED else ConsultingCompanyForm
            )
            return form_class(data, target=status, candidates=candidates)
        form = TransitionForm(data, target=status)
        if status == S.DECLINED:
            form.fields["note"].label = _("Reason, shown to the city")
        return form

    def move_view(self, request: HttpRequest, pk: int, status: str) -> HttpResponse:
        """Confirm one staff move (with a note), then call the service that makes it."""
        application = self._get(request, pk)
        if not self.ask(request, "programs.decide_application", application):
            raise PermissionDenied
        if status not in S.values:
            return HttpResponseRedirect(self._change_url(application))
        try:
            workflow.check_move(application.kind, application.status, status)
            if workflow.is_city_move(application.status, status):
                raise ProgramError(_("Only the city can make this change."))
        except ProgramError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(self._change_url(application))
        form = self._move_form(request, application, status)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            extra = {}
            if "partners" in data:
                extra["partners"] = list(data["partners"])
            if "company" in data:
                extra["company"] = data["company"]
            try:
                with transaction.atomic():
                    services.application_staff_move(
                        application=application,
                        to_status=status,
                        by=request.user,
                        note=data.get("note", ""),
                        expected_status=data[EXPECTED_STATUS],
                        **extra,
                    )
                    if data.get("internal_note"):
                        services.message_send_from_staff(
                            application=application,
                            author=request.user,
                            body=data["internal_note"],
                            visibility=MessageVisibility.INTERNAL,
                        )
            except ProgramError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _("%(ref)s is now “%(status)s”. The city has been notified.")
                    % {"ref": application.reference, "status": S(status).label},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(application))
        return TemplateResponse(
            request,
            "admin/programs/application/move.html",
            {
                **self.admin_site.each_context(request),
                "title": workflow.ACTION_LABELS.get(status, S(status).label),
                "application": application,
                "target": S(status).label,
                "form": form,
                "opts": self.model._meta,
                "original": application,
                "suggestions": selectors.partner_suggestions(application)
                if status == S.PARTNERS_CONNECTED
                else [],
            },
        )

    def message_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self._get(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(application))
        if not self.ask(request, "programs.write_staff_message", application):
            raise PermissionDenied
        form = StaffMessageForm(request.POST)
        if form.is_valid():
            try:
                services.message_send_from_staff(
                    application=application,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    visibility=form.cleaned_data["visibility"],
                )
            except ProgramError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                shared = form.cleaned_data["visibility"] == MessageVisibility.SHARED
                self.message_user(
                    request,
                    _("Message sent to the city.") if shared else _("Internal note added."),
                    messages.SUCCESS,
                )
        else:
            self.message_user(request, _("Enter the message and who sees it."), messages.ERROR)
        return HttpResponseRedirect(self._change_url(application) + "#messages")

    def assign_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self._get(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(application))
        if not self.ask(request, "programs.assign_reviewers", application):
            raise PermissionDenied
        form = AssignReviewerForm(request.POST)
        if form.is_valid():
            try:
                services.review_assign(
                    application=application,
                    reviewer=form.cleaned_data["reviewer"],
                    assigned_by=request.user,
                )
            except ProgramError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(who)s is assigned and has been notified.")
                    % {"who": form.cleaned_data["reviewer"]},
                    messages.SUCCESS,
                )
        else:
            self.message_user(request, _("Choose a reviewer."), messages.ERROR)
        return HttpResponseRedirect(self._change_url(application) + "#reviews")

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The current user's own review of the application: scores, comments, recommendation."""
        application = self._get(request, pk)
        review = get_object_or_404(Review, application=application, reviewer=request.user)
        form = ReviewForm(request.POST if request.method == "POST" else None, instance=review)
        if request.method == "POST" and form.is_valid():
            try:
                review = services.review_save(
                    review=review, reviewer=request.user, data=form.cleaned_data
                )
            except ProgramError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _("Your review is complete.")
                    if review.is_complete
                    else _(
                        "Your review is saved; score every criterion and recommend to complete it."
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(application) + "#reviews")
        return TemplateResponse(
            request,
            "admin/programs/application/review.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Your review of %(ref)s") % {"ref": application.reference},
                "application": application,
                "form": form,
                "criteria": [(form[key], form[f"{key}_comment"], label) for key, label in CRITERIA],
                "answers": sections.answers(application),
                "attachments": selectors.application_attachments(application),
                "opts": self.model._meta,
                "original": application,
            },
        )

    # -- bulk actions -------------------------------------------------------------------------

    def _bulk_move(self, request, queryset, status, title):
        applications = [
            a
            for a in queryset.select_related("organization", "call")
            if status in workflow.staff_moves(a.kind, a.status)
            and self.ask(request, "programs.decide_application", a)
        ]
        form = self.confirmation_form(request, TransitionForm, target=status)
        # Each application's own status travels in expected_status_<pk> (bulk_move.html).
        del form.fields[EXPECTED_STATUS]
        if status == S.DECLINED:
            form.fields["note"].label = _("Reason, shown to each city")
        if form.is_bound and form.is_valid():
            done = 0
            for application in applications:
                try:
                    with transaction.atomic():
                        services.application_staff_move(
                            application=application,
                            to_status=status,
                            by=request.user,
                            note=form.cleaned_data["note"],
                            # The status listed on the confirmation page.
                            expected_status=request.POST.get(
                                f"{EXPECTED_STATUS}_{application.pk}", ""
                            )
                            or None,
                        )
                        if form.cleaned_data["internal_note"]:
                            services.message_send_from_staff(
                                application=application,
                                author=request.user,
                                body=form.cleaned_data["internal_note"],
                                visibility=MessageVisibility.INTERNAL,
                            )
                except ProgramError as exc:
                    self.message_user(request, f"{application.reference}: {exc}", messages.ERROR)
                else:
                    done += 1
            self.message_user(
                request,
                ngettext(
                    "%(n)d application is now “%(status)s”.",
                    "%(n)d applications are now “%(status)s”.",
                    done,
                )
                % {"n": done, "status": S(status).label},
                messages.SUCCESS,
            )
            return None
        return self.confirmation_page(
            request,
            template="admin/programs/application/bulk_move.html",
            title=title,
            applications=applications,
            target=S(status).label,
            form=form,
        )

    @admin.action(
        description=_("Start the review of the selected applications"), permissions=["decide"]
    )
    def start_review(self, request, queryset):
        return self._bulk_move(
            request, queryset, S.UNDER_REVIEW, _("Start the review of these applications?")
        )

    @admin.action(description=_("Decline the selected applications"), permissions=["decide"])
    def decline(self, request, queryset):
        return self._bulk_move(request, queryset, S.DECLINED, _("Decline these applications?"))

    @admin.action(
        description=_("Assign a reviewer to the selected applications"), permissions=["assign"]
    )
    def assign_reviewer(self, request, queryset):
        applications = [
            a
            for a in queryset.select_related("organization", "call")
            if a.status != S.DRAFT and self.ask(request, "programs.assign_reviewers", a)
        ]
        form = self.confirmation_form(request, AssignReviewerForm)
        if form.is_bound and form.is_valid():
            for application in applications:
                services.review_assign(
                    application=application,
                    reviewer=form.cleaned_data["reviewer"],
                    assigned_by=request.user,
                )
            self.message_user(
                request,
                ngettext(
                    "%(who)s is assigned to %(n)d application.",
                    "%(who)s is assigned to %(n)d applications.",
                    len(applications),
                )
                % {"who": form.cleaned_data["reviewer"], "n": len(applications)},
                messages.SUCCESS,
            )
            return None
        return self.confirmation_page(
            request,
            template="admin/programs/application/bulk_move.html",
            title=_("Assign a reviewer"),
            applications=applications,
            form=form,
        )
