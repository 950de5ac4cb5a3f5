"""The applications in the back office: review, decisions and messages, each through ``programs.services``."""

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
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

from members.enums import Region
from wego_portal.admin import (
    PortalExportModelAdmin,
    choice_label,
)
from wego_portal.stale_decisions import EXPECTED_STATUS

from .. import sections, selectors, services, workflow
from ..enums import ApplicationStatus, MessageVisibility
from ..errors import ProgramError
from ..forms import (
    AssignReviewerForm,
    ClarificationRequestForm,
    ConnectPartnersForm,
    ConsultingCompanyForm,
    FeedbackForm,
    ReviewForm,
    StaffMessageForm,
    TransitionForm,
)
from ..models import (
    CRITERIA,
    Application,
    Milestone,
    Review,
    Stakeholder,
)
from ..templatetags.programs_tags import STATUS_TAGS
from .application_parts import (
    REFERENCE,
    ApplicationResource,
    MilestoneInline,
    ReviewFilter,
    ReviewInline,
    StakeholderInline,
)
from .bulk_actions import ApplicationBulkActions
from .catalogue import S


@admin.register(Application)
class ApplicationAdmin(ApplicationBulkActions, PortalExportModelAdmin):
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
        "areas",  # every area (a short list), not a DISTINCT over every application's areas
        "submitted_at",
        "organization__region",
        "organization__office",
        ReviewFilter,
    ]
    list_select_related = ["call", "organization__office", "project"]
    search_fields = ["organization__name", "organization__city", "project__title"]
    search_help_text = _("Organization, city, project title or reference (e.g. PI-00012).")
    list_per_page = 50
    show_full_result_count = False
    # No date hierarchy: its years are a scan of every application; the "submitted" filter above
    # offers the usual ranges without a query.
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
            '<strong class="status app-status--{}">{}</strong>',
            colour,
            choice_label(ApplicationStatus, obj.status),
        )

    @admin.display(description=_("Region"), ordering="organization__region")
    def region_column(self, obj):
        return choice_label(Region, obj.organization.region) or "—"

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
        return self.confirmation_page(
            request,
            template="admin/programs/application/move.html",
            title=workflow.ACTION_LABELS.get(status, S(status).label),
            application=application,
            target=S(status).label,
            form=form,
            original=application,
            suggestions=selectors.partner_suggestions(application)
            if status == S.PARTNERS_CONNECTED
            else [],
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
