"""Back office: the audit log (filterable, exportable, scoped by region), data exports and
erasure of visitors' data, deletion requests, consent records, and the retention policy."""

from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export import fields

from members.rules import staffed_office_ids
from wego_portal.admin import PortalExportModelAdmin, PortalModelAdmin, PortalResource, ask
from wego_portal.files import private_file_response

from . import services
from .forms import VisitorEmailForm
from .models import ConsentRecord, DataExport, ErasureRequest, RetentionRun

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


class LogEntryResource(PortalResource):
    actor = fields.Field(attribute="actor", column_name="actor")
    object_type = fields.Field(attribute="content_type", column_name="object type")
    action_name = fields.Field(column_name="action")
    changes = fields.Field(attribute="changes", column_name="changes (field: [from, to])")

    class Meta:
        model = LogEntry
        fields = (
            "timestamp",
            "actor",
            "object_type",
            "object_pk",
            "object_repr",
            "action_name",
            "changes",
        )
        export_order = fields

    def dehydrate_action_name(self, entry: LogEntry) -> str:
        return str(entry.get_action_display())


@admin.register(LogEntry)
class AuditLogAdmin(PortalExportModelAdmin):
    """Who changed what, when, from what to what. Read-only; office staff see their region's."""

    resource_classes = [LogEntryResource]
    list_display = ["timestamp", "actor", "content_type", "object_repr", "action", "changed"]
    list_filter = ["action", "content_type", ("timestamp", admin.DateFieldListFilter)]
    search_fields = ["object_repr", "actor__email", "actor__full_name", "object_pk"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "timestamp"
    fields = ["timestamp", "actor", "content_type", "object_pk", "object_repr", "action", "changed"]
    readonly_fields = fields
    list_per_page = 50

    def scope_queryset(self, request: HttpRequest, queryset):
        return queryset.filter(additional_data__office__in=list(staffed_office_ids(request.user)))

    @admin.display(description=_("changes"))
    def changed(self, entry: LogEntry) -> str:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        return format_html_join(
            "; ",
            "{}: {} → {}",
            (
                (name, *values[:2])
                for name, values in changes.items()
                if isinstance(values, list) and len(values) >= 2
            ),
        )


class ReadOnlyAdmin(PortalModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in (self.exclude or ())]


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    """Exports people asked for; the Secretariat exports or erases a visitor's data here."""

    list_display = ["created_at", "subject", "state", "progress", "expires_at", "download"]
    list_filter = ["state"]
    list_select_related = ["user"]
    exclude = ["archive"]

    @admin.display(description=_("person"))
    def subject(self, export: DataExport) -> str:
        return str(export.user) if export.user_id else export.email

    @admin.display(description=_("download"))
    def download(self, export: DataExport) -> str:
        if not export.user_id and services.data_export_is_available(export):
            url = reverse("admin:privacy_dataexport_download", args=[export.pk])
            return format_html('<a href="{}">{}</a>', url, _("Download"))
        return "—"

    def get_urls(self):
        return [
            path(
                "visitor/",
                self.admin_site.admin_view(self.visitor_view),
                name="privacy_dataexport_visitor",
            ),
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="privacy_dataexport_download",
            ),
            *super().get_urls(),
        ]

    def visitor_view(self, request: HttpRequest) -> HttpResponse:
        """Export (zip) or erase everything held under a visitor's e-mail address."""
        may_export = ask(request.user, "privacy.export_visitor_data")
        may_erase = ask(request.user, "privacy.erase_visitor_data")
        if not (may_export or may_erase):
            raise PermissionDenied
        form = VisitorEmailForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if "erase" in request.POST and may_erase and request.POST.get("confirm") == "yes":
                try:
                    removed = services.visitor_erase(email=email, by=request.user)
                except ValidationError as error:
                    form.add_error("email", error)
                else:
                    self.message_user(
                        request,
                        _("Erased: %(removed)s.")
                        % {"removed": ", ".join(f"{k} {v}" for k, v in removed.items())},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:privacy_dataexport_changelist"))
            elif "erase" in request.POST:
                form.add_error(None, _("Tick the box to confirm the erasure."))
            elif may_export:
                services.data_export_request(by=request.user, email=email)
                self.message_user(request, _("The export is being prepared."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:privacy_dataexport_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("A visitor's data"),
            "form": form,
            "may_export": may_export,
            "may_erase": may_erase,
        }
        return TemplateResponse(request, "admin/privacy/visitor_data.html", context)

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        export = self.object_or_404(request, pk)
        if export.user_id or not services.data_export_is_available(export):
            raise Http404
        return private_file_response(export.archive, download_name=f"visitor-data-{export.pk}.zip")


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "user", "state", "due_at", "done_at"]
    list_filter = ["state"]
    list_select_related = ["user"]


class ConsentRecordResource(PortalResource):
    class Meta:
        model = ConsentRecord
        fields = ("purpose", "text_version", "subject", "given_at", "withdrawn_at")


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin, PortalExportModelAdmin):
    resource_classes = [ConsentRecordResource]
    list_display = ["given_at", "purpose", "text_version", "subject", "withdrawn_at"]
    list_filter = ["purpose", "text_version", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "agreed_text"]

    @admin.display(description=_("text agreed to"))
    def agreed_text(self, record: ConsentRecord) -> str:
        return services.consent_text(purpose=record.purpose, version=record.text_version)


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """What the daily retention job removed; the page shows the policy it enforces."""

    list_display = ["ran_at", "total", "removed_summary"]
    change_list_template = "admin/privacy/retentionrun/change_list.html"

    @admin.display(description=_("removed"))
    def removed_summary(self, run: RetentionRun) -> str:
        return ", ".join(f"{kind}: {count}" for kind, count in run.removed.items() if count) or "—"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "policy": services.retention_policy()}
        return super().changelist_view(request, extra_context)
