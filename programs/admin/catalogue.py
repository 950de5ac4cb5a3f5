"""The back office of the programs: programs and calls, and the applications' review.

Staff act on applications through buttons, one per legal move, each opening a confirmation
form and calling the one service that makes that move. Regional-office staff see only the
applications of their offices' organizations; a reviewer who is not in the Secretariat sees
only the applications assigned to them (``selectors.backoffice_applications``).
"""

from django.contrib import admin
from django.db.models import (
    Count,
)
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from wego_portal.admin import (
    PortalModelAdmin,
    PortalStackedInline,
    PortalTabularInline,
)

from .. import selectors
from ..enums import ApplicationStatus
from ..forms import (
    CallAdminForm,
)
from ..models import (
    Call,
    CallDocument,
    Program,
    ProgramSection,
    SmartCityArea,
)

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
