"""The secretariat's back office for the Smart Health Responder: moderation of Data Portal
initiatives, the Knowledge Hub's materials, the supplier directory and the inquiry queue.

Status changes go through ``health.services`` (actions and the inquiry's status buttons);
statuses are read-only in the forms.
"""

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from modeltranslation.admin import TranslationAdmin

from wego_portal.admin import PortalModelAdmin, PortalTabularInline
from wego_portal.files import private_file_response
from wego_portal.moderation.admin import STATUS_CSS as MODERATION_STATUS_CSS
from wego_portal.moderation.admin import ModerationAdminMixin, StatusQueueFilter
from wego_portal.moderation.admin import status_tag as moderation_status_tag

from . import selectors, services
from .enums import INQUIRY_TRANSITIONS, InquiryStatus
from .forms import InquiryNoteForm, InquiryTransitionForm
from .models import (
    Initiative,
    InitiativeFile,
    Inquiry,
    InquiryNote,
    InquiryTransition,
    Material,
    Supplier,
    SupplierCategory,
)

#: Status -> the back office's tag colours (admin.css); the tag always says the status in words.
STATUS_CSS = {
    **MODERATION_STATUS_CSS,
    InquiryStatus.NEW: "pending",
    InquiryStatus.FORWARDED: "queued",
    InquiryStatus.ANSWERED: "approved",
    InquiryStatus.CLOSED: "former",
}


def status_tag(obj) -> str:
    return moderation_status_tag(obj, STATUS_CSS)


# --- Data Portal -------------------------------------------------------------------------------


@admin.register(Initiative)
class InitiativeAdmin(ModerationAdminMixin, TranslationAdmin, PortalModelAdmin):
    moderation = services.INITIATIVE_MODERATION
    published_message = ngettext_lazy(
        "%(n)d initiative published; the city was told.",
        "%(n)d initiatives published; the cities were told.",
        "n",
    )
    returned_message = ngettext_lazy(
        "%(n)d initiative returned; the city was e-mailed your note.",
        "%(n)d initiatives returned; the cities were e-mailed your note.",
        "n",
    )
    list_display = [
        "title",
        "organization",
        "topic",
        "country",
        "status_column",
        "submitted_at",
        "published_at",
    ]
    list_filter = [StatusQueueFilter, "topic", "region"]
    permission_names = {"view": "health.view_initiative_backoffice"}
    list_select_related = ["organization"]
    search_fields = ["title", "city", "organization__name"]
    autocomplete_fields = ["organization"]
    actions = ["publish", "return_to_city"]
    readonly_fields = [*ModerationAdminMixin.moderation_readonly_fields, "region", "files_list"]
    fieldsets = [
        (None, {"fields": ["status", "public_link", "moderation_note", "organization"]}),
        (
            _("The initiative"),
            {
                "fields": [
                    "title",
                    "topic",
                    "city",
                    "country",
                    "region",
                    "started_on",
                    "ended_on",
                    "summary",
                    "outcomes",
                    "links",
                    "files_list",
                ]
            },
        ),
        (_("Record"), {"fields": ModerationAdminMixin.moderation_record_fields}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("files")

    def get_urls(self):
        return [
            path(
                "<int:pk>/files/<int:file_pk>/",
                self.admin_site.admin_view(self.file_view),
                name="health_initiative_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, pk: int, file_pk: int) -> HttpResponse:
        initiative = self.object_or_404(request, pk, "view")
        record = get_object_or_404(InitiativeFile, initiative=initiative, pk=file_pk)
        return private_file_response(record.file, download_name=record.download_name)

    @admin.display(description=_("Files"))
    def files_list(self, obj):
        files = list(obj.files.all()) if obj.pk else []
        if not files:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}, {} KB)</li>',
                (
                    (
                        reverse("admin:health_initiative_file", args=[obj.pk, f.pk]),
                        f.original_name,
                        f.get_kind_display(),
                        max(1, f.size // 1024),
                    )
                    for f in files
                ),
            ),
        )


# --- Knowledge Hub -----------------------------------------------------------------------------


@admin.register(Material)
class MaterialAdmin(TranslationAdmin, PortalModelAdmin):
    list_display = ["title", "kind", "topic", "source", "published_on", "is_public"]
    list_filter = ["kind", "topic", "is_public"]
    search_fields = ["title", "description", "source"]
    date_hierarchy = "published_on"


# --- Smart Health Assistance -------------------------------------------------------------------


@admin.register(SupplierCategory)
class SupplierCategoryAdmin(PortalModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Supplier)
class SupplierAdmin(TranslationAdmin, PortalModelAdmin):
    list_display = ["name", "country", "category_list", "has_contact_email", "is_published"]
    list_filter = ["is_published", "categories", "country"]
    search_fields = ["name", "products", "certifications", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["categories"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_published", "organization"]}),
        (
            _("What it offers"),
            {"fields": ["categories", "products", "certifications", "description"]},
        ),
        (_("Where"), {"fields": ["country", "city", "website"]}),
        (
            _("Contact (not shown on the site)"),
            {"fields": ["contact_name", "contact_email", "contact_phone"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("Categories"))
    def category_list(self, obj):
        return ", ".join(category.name for category in obj.categories.all()) or "—"

    @admin.display(description=_("Inquiries e-mailed"), boolean=True)
    def has_contact_email(self, obj):
        return bool(obj.contact_email)


class InquiryTransitionInline(PortalTabularInline):
    model = InquiryTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "forwarded_to", "note"]
    readonly_fields = fields
    verbose_name_plural = _("Status history")
    read_only = True


class InquiryNoteInline(PortalTabularInline):
    model = InquiryNote
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "body"]
    readonly_fields = fields
    verbose_name_plural = _("Internal notes")
    read_only = True


class InquiryStatusFilter(StatusQueueFilter):
    choices_enum = InquiryStatus
    default = "all"


@admin.register(Inquiry)
class InquiryAdmin(PortalModelAdmin):
    list_display = [
        "reference_column",
        "name",
        "email",
        "addressee_column",
        "topic",
        "status_column",
        "created_at",
        "status_changed_at",
    ]
    list_display_links = ["reference_column", "name"]
    list_filter = [InquiryStatusFilter, "topic", ("supplier", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["supplier"]
    search_fields = ["name", "email", "organization_name", "message"]
    date_hierarchy = "created_at"
    inlines = [InquiryTransitionInline, InquiryNoteInline]
    change_form_template = "admin/health/inquiry/change_form.html"
    fields = [
        "reference_column",
        "status",
        "supplier",
        "name",
        "organization_name",
        "email",
        "country",
        "topic",
        "message",
        "created_at",
        "status_changed_at",
    ]
    readonly_fields = fields

    def get_urls(self):
        return [
            path(
                "<int:pk>/move/<str:to_status>/",
                self.admin_site.admin_view(self.move_view),
                name="health_inquiry_move",
            ),
            path(
                "<int:pk>/note/",
                self.admin_site.admin_view(self.note_view),
                name="health_inquiry_note",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        inquiry = self.get_object(request, object_id)
        extra = {
            "moves": [
                {"status": status, "label": InquiryStatus(status).label}
                for status in InquiryStatus.values
                if inquiry is not None and status in INQUIRY_TRANSITIONS[inquiry.status]
            ],
            "note_form": InquiryNoteForm(),
        }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _inquiry(self, request, pk: int) -> Inquiry:
        inquiry = self.object_or_404(request, pk, "health.handle_inquiries")
        return get_object_or_404(selectors.inquiry_for_staff(), pk=inquiry.pk)

    def move_view(self, request: HttpRequest, pk: int, to_status: str) -> HttpResponse:
        inquiry = self._inquiry(request, pk)
        if to_status not in INQUIRY_TRANSITIONS.get(inquiry.status, ()):
            raise Http404
        form = InquiryTransitionForm(request.POST or None)
        change_url = reverse("admin:health_inquiry_change", args=[inquiry.pk])
        if request.method == "POST" and form.is_valid():
            try:
                services.inquiry_transition(
                    inquiry=inquiry,
                    to_status=to_status,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    forward_to=form.cleaned_data["forward_to"],
                )
            except services.HealthError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(ref)s is now %(status)s.")
                    % {"ref": inquiry.reference, "status": InquiryStatus(to_status).label.lower()},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/health/inquiry_move.html",
            {
                **self.admin_site.each_context(request),
                "title": _("%(ref)s: mark as %(status)s")
                % {"ref": inquiry.reference, "status": InquiryStatus(to_status).label.lower()},
                "inquiry": inquiry,
                "to_status": to_status,
                "form": form,
                "change_url": change_url,
                "opts": self.model._meta,
                "original": inquiry,
            },
        )

    def note_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        inquiry = self._inquiry(request, pk)
        if request.method != "POST":
            raise Http404
        form = InquiryNoteForm(request.POST)
        if form.is_valid():
            services.inquiry_add_note(
                inquiry=inquiry, author=request.user, body=form.cleaned_data["body"]
            )
            self.message_user(request, _("Note added."), messages.SUCCESS)
        else:
            self.message_user(request, _("Write the note first."), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:health_inquiry_change", args=[inquiry.pk]))

    @admin.display(description=_("Reference"), ordering="id")
    def reference_column(self, obj):
        return obj.reference

    @admin.display(description=_("To"), ordering="supplier__name")
    def addressee_column(self, obj):
        return obj.addressee

    @admin.display(description=_("Status"), ordering="status")
    def status_column(self, obj):
        return status_tag(obj)
