import datetime

from django.contrib import admin, messages
from django.db.models import Max, Min, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import fields, widgets
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from wego_portal.admin import (
    PortalAdminMixin,
    PortalImportExportMixin,
    PortalModelAdmin,
    PortalResource,
    PortalTabularInline,
    choice_label,
)
from wego_portal.files import private_file_response
from wego_portal.stale_decisions import EXPECTED_STATUS

from . import services
from .enums import ApplicationStatus, OrganizationStatus
from .forms import MembershipDecisionForm, RejectionForm
from .models import (
    AboutEntry,
    AboutPage,
    MembershipApplication,
    Office,
    Organization,
    OrganizationUser,
    fold,
)
from .rules import staffed_regions


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
        if self.value() and self.value().isdecimal():
            year = int(self.value())
            return queryset.filter(
                joined_on__gte=datetime.date(year, 1, 1), joined_on__lte=datetime.date(year, 12, 31)
            )
        return queryset


class OrganizationResource(PortalResource):
    """Organizations by slug. Regional-office staff may import too: each row must be an
    organization of their offices, before and after the change (else a per-row error).
    The status is not imported: it changes through ``organization_set_status`` only."""

    supports_office_scope = True

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

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        services.directory_changed()


class DirectoryChangesMixin:
    """Saves and deletions here change what the public directory and the API show (members,
    offices): their cached pages and answers move on (imports do it in ``after_import``)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # type: ignore[misc]  # a ModelAdmin mixin
        services.directory_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)  # type: ignore[misc]  # a ModelAdmin mixin
        services.directory_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)  # type: ignore[misc]  # a ModelAdmin mixin
        services.directory_changed()


class OrganizationUserInline(PortalTabularInline):
    model = OrganizationUser
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organization)
class OrganizationAdmin(
    DirectoryChangesMixin,
    TranslationAdmin,
    PortalAdminMixin,
    PortalImportExportMixin,
    SimpleHistoryAdmin,
):
    resource_classes = [OrganizationResource]
    office_scope = "office"
    list_display = [
        "logo_preview",
        "name",
        "member_type",
        "region",
        "country_column",
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
    readonly_fields = ["status", "logo_preview", "created_at", "updated_at"]
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
                    "social_links",
                    "contact_email",
                    "contact_phone",
                    "areas",
                ]
            },
        ),
        (
            _("Facts, head and map"),
            {
                "fields": [
                    "population",
                    "population_year",
                    "area_km2",
                    "leader_name",
                    "leader_title",
                    "leader_public",
                    "latitude",
                    "longitude",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.ask(request, "members.assign_office", obj):
            fields.append("office")  # which office looks after a member: the Secretariat's call
        return fields

    def has_set_status_permission(self, request, obj=None):
        return self.ask(request, "members.set_organization_status", obj)

    def get_search_results(self, request, queryset, search_term):
        """Search the folded name, city and country (trigram-indexed) like the directory."""
        folded = fold(search_term)
        if not folded:
            return queryset, False
        matches = Q(search_text__contains=folded) | Q(slug=search_term.strip().lower())
        return queryset.filter(matches), False

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
            '<strong class="status status--{}">{}</strong>',
            obj.status,
            choice_label(OrganizationStatus, obj.status),
        )

    @admin.display(
        description=Organization._meta.get_field("country").verbose_name, ordering="country"
    )
    def country_column(self, obj):
        # The country's own name: the admin's choice lookup would translate and sort the names
        # of every country for each row.
        return obj.country.name or "—"

    def _set_status(self, request, queryset, status, verb):
        done = 0
        for organization in queryset:
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

    @admin.action(description=_("Activate selected organizations"), permissions=["set_status"])
    def activate(self, request, queryset):
        self._set_status(request, queryset, OrganizationStatus.ACTIVE, _("activated"))

    @admin.action(description=_("Suspend selected organizations"), permissions=["set_status"])
    def suspend(self, request, queryset):
        if self.action_confirmed(request):
            self._set_status(request, queryset, OrganizationStatus.SUSPENDED, _("suspended"))
            return None
        return self.confirmation_page(
            request,
            title=_("Suspend these organizations?"),
            explanation=_(
                "Suspended members disappear from the public directory until reactivated."
            ),
            objects=queryset,
            action="suspend",
        )


@admin.register(Office)
class OfficeAdmin(DirectoryChangesMixin, TranslationAdmin, PortalModelAdmin):
    list_display = ["name", "kind", "city", "country", "opened_year", "member_count"]
    search_fields = ["name", "city"]
    readonly_fields = ["staff_group"]

    def scope_queryset(self, request, queryset):
        return queryset  # offices are public information

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
class MembershipApplicationAdmin(PortalModelAdmin):
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
        "language",
        "motivation",
        "letter_link",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "excom_approved_on",
        "decision",
        "decision_note",
        "organization_link",
    ]
    exclude = ["supporting_letter", "organization"]
    change_form_template = "admin/members/membershipapplication/change_form.html"

    def scope_queryset(self, request, queryset):
        """Regional staff read the requests from their offices' regions."""
        return queryset.filter(region__in=staffed_regions(request.user))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "decided_by")

    def has_decide_permission(self, request, obj=None):
        return self.ask(request, "members.decide_membership_application", obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/letter/",
                self.admin_site.admin_view(self.letter_view),
                name="members_membershipapplication_letter",
            ),
            path(
                "<int:pk>/approve/",
                self.admin_site.admin_view(self.decide_view),
                {"decision": "approve"},
                name="members_membershipapplication_approve",
            ),
            path(
                "<int:pk>/decline/",
                self.admin_site.admin_view(self.decide_view),
                {"decision": "reject"},
                name="members_membershipapplication_decline",
            ),
            *super().get_urls(),
        ]

    def letter_view(self, request, pk: int) -> HttpResponse:
        application = self.object_or_404(request, pk, "view")
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

    # -- decisions: the bulk actions and the request's own Approve / Decline buttons --------

    DECISIONS = {
        "approve": (_("Approve membership applications"), MembershipDecisionForm),
        "reject": (_("Decline membership applications"), RejectionForm),
    }

    def _decide_one(self, request, application, decision: str, data, expected_status) -> None:
        if decision == "approve":
            services.membership_application_approve(
                application=application,
                approved_by=request.user,
                excom_approved_on=data["excom_approved_on"],
                expected_status=expected_status,
            )
        else:
            services.membership_application_reject(
                application=application,
                rejected_by=request.user,
                reason=data["reason"],
                expected_status=expected_status,
            )

    @staticmethod
    def _done_message(decision: str, n: int) -> str:
        if decision == "approve":
            return ngettext(
                "%(n)d application approved: the organization was created and its contact invited.",
                "%(n)d applications approved: the organizations were created "
                "and their contacts invited.",
                n,
            ) % {"n": n}
        return ngettext(
            "%(n)d application declined; the applicant was notified.",
            "%(n)d applications declined; the applicants were notified.",
            n,
        ) % {"n": n}

    def _decide(self, request, applications, decision: str, *, action="", done_url=None):
        """Confirm the decision (EXCOM date or message), then call the service for each."""
        title, form_class = self.DECISIONS[decision]
        confirmed = self.action_confirmed(request)
        pending = [a for a in applications if a.status == ApplicationStatus.PENDING]
        seen: dict[int, str | None] = {}
        if confirmed:
            # The applications listed on the confirmation page, each with the status shown
            # there (expected_status_<pk>): one decided meanwhile by a colleague is refused
            # with a message. An action's selection is read again in this user's scope, since
            # the list's filters may hide an application decided meanwhile.
            if action:
                applications = list(
                    self.get_queryset(request).filter(
                        pk__in=request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
                    )
                )
            seen = {
                a.pk: request.POST.get(f"{EXPECTED_STATUS}_{a.pk}") or None for a in applications
            }
            pending = [
                a
                for a in applications
                if seen[a.pk] is not None or a.status == ApplicationStatus.PENDING
            ]
        form = form_class(request.POST if confirmed else None)
        if form.is_bound and form.is_valid():
            done = 0
            for application in pending:
                try:
                    self._decide_one(
                        request, application, decision, form.cleaned_data, seen.get(application.pk)
                    )
                except services.MembershipError as exc:
                    self.message_user(
                        request, f"{application.organization_name}: {exc}", messages.ERROR
                    )
                else:
                    done += 1
            self.message_user(request, self._done_message(decision, done), messages.SUCCESS)
            return HttpResponseRedirect(done_url or request.get_full_path())
        return TemplateResponse(
            request,
            "admin/members/decide_applications.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "applications": pending,
                "form": form,
                "action": action,
                "cancel_url": done_url or "",
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def decide_view(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        """The Approve / Decline buttons of one request's page."""
        application = self.object_or_404(request, pk, "members.decide_membership_application")
        change_url = reverse("admin:members_membershipapplication_change", args=[pk])
        return self._decide(request, [application], decision, done_url=change_url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"may_decide": self.has_decide_permission(request)}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    @admin.action(
        description=_("Approve selected applications (EXCOM decision)"), permissions=["decide"]
    )
    def approve(self, request, queryset):
        return self._decide(request, list(queryset), "approve", action="approve")

    @admin.action(description=_("Decline selected applications"), permissions=["decide"])
    def reject(self, request, queryset):
        return self._decide(request, list(queryset), "reject", action="reject")


@admin.register(OrganizationUser)
class OrganizationUserAdmin(PortalModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]
    office_scope = "organization__office"


class AboutEntryInline(PortalTabularInline):
    model = AboutEntry
    extra = 0
    fields = ["kind", "year", "title", "text", "position"]


@admin.register(AboutPage)
class AboutPageAdmin(TranslationAdmin, PortalModelAdmin):
    """The "About WeGO" page: the Secretariat keeps its texts, people, pillars, advisory board
    and milestones here, in every language."""

    list_display = ["__str__", "president_name", "secretary_general_name", "updated_at"]
    autocomplete_fields = ["president_organization"]
    inlines = [AboutEntryInline]
    fieldsets = [
        (None, {"fields": ["introduction", "source"]}),
        (
            _("People"),
            {
                "fields": [
                    "president_name",
                    "president_title",
                    "president_organization",
                    "secretary_general_name",
                    "secretary_general_title",
                ]
            },
        ),
        (_("2030 Masterplan"), {"fields": ["masterplan", "masterplan_vision"]}),
    ]

    def has_add_permission(self, request):
        """One page: the add form refuses once it exists (asked on that form only, so the
        back office's menus cost no query)."""
        if not super().has_add_permission(request):
            return False
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "members_aboutpage_add":
            return not AboutPage.objects.exists()
        return True
