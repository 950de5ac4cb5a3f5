import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from wego_portal.files import private_file_response

from . import services
from .enums import ApplicationStatus, OrganizationStatus
from .forms import MembershipDecisionForm, RejectionForm
from .models import MembershipApplication, Office, Organization, OrganizationUser, fold
from .rules import is_secretariat, staffed_office_ids


def scoped_to_offices(request: HttpRequest, queryset: QuerySet, office_field: str) -> QuerySet:
    """Secretariat staff see everything; regional-office staff only their offices' rows."""
    if is_secretariat(request.user):
        return queryset
    return queryset.filter(**{f"{office_field}__in": staffed_office_ids(request.user)})


class JoinedYearFilter(admin.SimpleListFilter):
    title = _("joined in")
    parameter_name = "joined"

    def lookups(self, request, model_admin):
        # The first and last years come from the joined_on index; a DISTINCT over every
        # organization would cost tens of milliseconds at 100,000 rows.
        span = Organization.objects.aggregate(first=Min("joined_on"), last=Max("joined_on"))
        years = range(span["last"].year, span["first"].year - 1, -1) if span["first"] else []
        return [(str(y), str(y)) for y in years] + [("unknown", _("Not recorded"))]

    def queryset(self, request, queryset):
        if self.value() == "unknown":
            return queryset.filter(joined_on=None)
        if self.value() and self.value().isdigit():
            year = int(self.value())
            return queryset.filter(
                joined_on__gte=datetime.date(year, 1, 1), joined_on__lte=datetime.date(year, 12, 31)
            )
        return queryset


class OrganizationResource(resources.ModelResource):
    office = fields.Field(
        attribute="office",
        column_name="office",
        widget=widgets.ForeignKeyWidget(Office, field="slug"),
    )

    class Meta:
        model = Organization
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "member_type",
            "relationship",
            "membership_class",
            "country",
            "region",
            "city",
            "office",
            "status",
            "joined_on",
            "website",
            "description",
            "contact_email",
            "contact_phone",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class OrganizationUserInline(admin.TabularInline):
    model = OrganizationUser
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organization)
class OrganizationAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [OrganizationResource]
    list_display = [
        "logo_preview",
        "name",
        "member_type",
        "region",
        "country",
        "office",
        "status_tag",
        "joined_on",
    ]
    list_display_links = ["name"]
    list_filter = ["member_type", "relationship", "region", "status", "office", JoinedYearFilter]
    list_select_related = ["office"]
    search_fields = ["name", "city", "slug"]
    autocomplete_fields = ["office"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas"]
    inlines = [OrganizationUserInline]
    readonly_fields = ["logo_preview", "created_at", "updated_at"]
    list_per_page = 50
    show_full_result_count = False
    ordering = ["sort_name", "id"]
    actions = ["activate", "suspend"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "member_type",
                    "relationship",
                    "membership_class",
                    "status",
                ]
            },
        ),
        (_("Where"), {"fields": ["country", "region", "city", "office"]}),
        (_("Membership"), {"fields": ["joined_on"]}),
        (
            _("Public profile"),
            {
                "fields": [
                    "logo_preview",
                    "logo",
                    "description",
                    "website",
                    "contact_email",
                    "contact_phone",
                    "areas",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return scoped_to_offices(request, super().get_queryset(request), "office")

    def _in_scope_or_404(self, request, object_id) -> None:
        """django-simple-history falls back to the historical rows of an object outside the
        queryset: without this, office staff could read any organization's history."""
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_search_results(self, request, queryset, search_term):
        """Search the folded name, city and country (trigram-indexed) like the directory."""
        folded = fold(search_term)
        if not folded:
            return queryset, False
        matches = Q(search_text__contains=folded) | Q(slug=search_term.strip().lower())
        return queryset.filter(matches), False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (
            obj is None or request.user.has_perm("members.edit_organization_profile", obj)
        )

    @admin.display(description=_("Logo"))
    def logo_preview(self, obj):
        if obj.logo_thumbnail:
            return format_html(
                '<img src="{}" alt="" width="40" height="40" class="admin-logo">',
                obj.logo_thumbnail.url,
            )
        return format_html(
            '<span class="admin-initials" aria-hidden="true">{}</span>', obj.initials
        )

    @admin.display(description=_("Status"), ordering="status")
    def status_tag(self, obj):
        return format_html(
            '<strong class="status status--{}">{}</strong>', obj.status, obj.get_status_display()
        )

    def _set_status(self, request, queryset, status, verb):
        done = 0
        for organization in queryset:
            if request.user.has_perm("members.edit_organization_profile", organization):
                services.organization_set_status(
                    organization=organization, status=status, changed_by=request.user
                )
                done += 1
        self.message_user(
            request,
            ngettext("%(n)d organization %(verb)s.", "%(n)d organizations %(verb)s.", done)
            % {"n": done, "verb": verb},
            messages.SUCCESS,
        )

    @admin.action(description=_("Activate selected organizations"), permissions=["change"])
    def activate(self, request, queryset):
        self._set_status(request, queryset, OrganizationStatus.ACTIVE, _("activated"))

    @admin.action(description=_("Suspend selected organizations"), permissions=["change"])
    def suspend(self, request, queryset):
        if request.POST.get("confirmed") == "yes":
            self._set_status(request, queryset, OrganizationStatus.SUSPENDED, _("suspended"))
            return None
        return TemplateResponse(
            request,
            "admin/members/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Suspend these organizations?"),
                "explanation": _(
                    "Suspended members disappear from the public directory until reactivated."
                ),
                "objects": queryset,
                "action": "suspend",
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "country", "opened_year", "member_count"]
    search_fields = ["name", "city"]
    readonly_fields = ["staff_group"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n=Count("organizations"))

    @admin.display(description=_("Members"), ordering="n")
    def member_count(self, obj):
        return obj.n


class ApplicationStatusFilter(admin.SimpleListFilter):
    """Pending applications first: the secretariat's queue is the default view."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*ApplicationStatus.choices, ("all", _("All"))]

    def choices(self, changelist):
        value = self.value() or ApplicationStatus.PENDING
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or ApplicationStatus.PENDING
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "organization_name",
        "member_type",
        "country",
        "region",
        "contact_email",
        "submitted_at",
        "status",
    ]
    list_filter = [ApplicationStatusFilter, "member_type", "region"]
    search_fields = ["organization_name", "contact_name", "contact_email", "city"]
    date_hierarchy = "submitted_at"
    actions = ["approve", "reject"]
    readonly_fields = [
        "organization_name",
        "member_type",
        "country",
        "region",
        "city",
        "website",
        "contact_name",
        "contact_title",
        "contact_email",
        "motivation",
        "letter_link",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "excom_approved_on",
        "decision_note",
        "organization_link",
    ]
    exclude = ["supporting_letter", "organization"]

    def has_add_permission(self, request):
        return False  # applications come from the public form

    def has_change_permission(self, request, obj=None):
        return False  # decisions go through the approve / reject actions

    @staticmethod
    def scope(user, queryset):
        """Secretariat: every application; regional staff: those from their offices' regions."""
        if is_secretariat(user):
            return queryset
        regions = {
            region
            for office in Office.objects.filter(id__in=staffed_office_ids(user))
            for region in office.regions
        }
        return queryset.filter(region__in=regions)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("organization", "decided_by")
        return self.scope(request.user, queryset)

    def get_urls(self):
        return [
            path(
                "<int:pk>/letter/",
                self.admin_site.admin_view(self.letter_view),
                name="members_membershipapplication_letter",
            ),
            *super().get_urls(),
        ]

    def letter_view(self, request, pk: int) -> HttpResponse:
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        if not application.supporting_letter:
            raise Http404
        return private_file_response(
            application.supporting_letter,
            download_name=f"membership-letter-{application.pk}.pdf",
        )

    @admin.display(description=_("Supporting letter"))
    def letter_link(self, obj):
        if not obj.supporting_letter:
            return "—"
        url = reverse("admin:members_membershipapplication_letter", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the supporting letter (PDF)"))

    @admin.display(description=_("Organization created"))
    def organization_link(self, obj):
        if not obj.organization:
            return "—"
        url = reverse("admin:members_organization_change", args=[obj.organization_id])
        return format_html('<a href="{}">{}</a>', url, obj.organization.name)

    def _decide(self, request, queryset, *, title, form_class, decide, done_message):
        if not is_secretariat(request.user):
            raise PermissionDenied
        pending = queryset.filter(status=ApplicationStatus.PENDING)
        form = form_class(request.POST if request.POST.get("confirmed") == "yes" else None)
        if form.is_bound and form.is_valid():
            done = 0
            for application in pending:
                try:
                    decide(application, form.cleaned_data)
                except services.MembershipError as exc:
                    self.message_user(
                        request, f"{application.organization_name}: {exc}", messages.ERROR
                    )
                else:
                    done += 1
            self.message_user(request, done_message(done), messages.SUCCESS)
            return HttpResponseRedirect(request.get_full_path())
        return TemplateResponse(
            request,
            "admin/members/decide_applications.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "applications": pending,
                "form": form,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Approve selected applications (EXCOM decision)"))
    def approve(self, request, queryset):
        return self._decide(
            request,
            queryset,
            title=_("Approve membership applications"),
            form_class=MembershipDecisionForm,
            decide=lambda application, data: services.membership_application_approve(
                application=application,
                approved_by=request.user,
                excom_approved_on=data["excom_approved_on"],
            ),
            done_message=lambda n: (
                ngettext(
                    "%(n)d application approved: the organization was created "
                    "and its contact invited.",
                    "%(n)d applications approved: the organizations were created "
                    "and their contacts invited.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.action(description=_("Decline selected applications"))
    def reject(self, request, queryset):
        return self._decide(
            request,
            queryset,
            title=_("Decline membership applications"),
            form_class=RejectionForm,
            decide=lambda application, data: services.membership_application_reject(
                application=application, rejected_by=request.user, reason=data["reason"]
            ),
            done_message=lambda n: (
                ngettext(
                    "%(n)d application declined; the applicant was notified.",
                    "%(n)d applications declined; the applicants were notified.",
                    n,
                )
                % {"n": n}
            ),
        )


@admin.register(OrganizationUser)
class OrganizationUserAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]

    def get_queryset(self, request):
        return scoped_to_offices(request, super().get_queryset(request), "organization__office")
