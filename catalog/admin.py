"""The secretariat's back office for the project catalog: moderation, curation, and the page
of award winners and completed Project Implementer projects to publish with one click."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from modeltranslation.admin import TranslationAdmin

from wego_portal.admin import PortalModelAdmin, PortalTabularInline
from wego_portal.files import validate_image
from wego_portal.moderation.admin import ModerationAdminMixin, StatusQueueFilter

from . import selectors, services
from .enums import ProjectSource
from .models import Project, ProjectImage


class ProjectStatusFilter(StatusQueueFilter):
    default = "all"


class ProjectImageInlineForm(forms.ModelForm):
    """Existing images: caption and order. New images: an upload, re-encoded by the service."""

    upload = forms.FileField(
        label=_("New image"),
        required=False,
        validators=[validate_image],
        help_text=_("PNG, JPEG, WebP or GIF, up to 2 MB; re-encoded on saving."),
    )

    class Meta:
        model = ProjectImage
        fields = ["caption", "position"]

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("upload") and self.has_changed():
            self.add_error("upload", _("Choose the image to upload."))
        return data


class ProjectImageInline(PortalTabularInline):
    model = ProjectImage
    form = ProjectImageInlineForm
    extra = 1
    fields = ["preview", "upload", "caption", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("Image"))
    def preview(self, obj):
        if not obj.pk or not obj.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" width="96">', obj.thumbnail.url)


@admin.register(Project)
class ProjectAdmin(ModerationAdminMixin, TranslationAdmin, PortalModelAdmin):
    moderation = services.CATALOG_MODERATION
    published_message = ngettext_lazy(
        "%(n)d project published in the catalog.",
        "%(n)d projects published in the catalog.",
        "n",
    )
    returned_message = ngettext_lazy(
        "%(n)d project returned; the city was e-mailed your note.",
        "%(n)d projects returned; the cities were e-mailed your note.",
        "n",
    )
    permission_names = {"view": "catalog.view_project_backoffice"}
    list_display = [
        "title",
        "city_column",
        "country",
        "region",
        "source",
        "start_year",
        "status_column",
        "published_at",
    ]
    list_filter = [ProjectStatusFilter, "source", "region", "areas"]
    list_select_related = ["organization"]
    search_fields = ["title", "city_name", "organization__name", "summary"]
    autocomplete_fields = ["organization", "partners"]
    filter_horizontal = ["areas"]
    inlines = [ProjectImageInline]
    actions = ["publish", "return_to_city"]
    change_list_template = "admin/catalog/project/change_list.html"
    readonly_fields = [*ModerationAdminMixin.moderation_readonly_fields, "source_link"]
    fieldsets = [
        (None, {"fields": ["status", "public_link", "moderation_note", "source", "source_link"]}),
        (
            _("The project"),
            {
                "fields": [
                    "title",
                    "slug",
                    "organization",
                    "city_name",
                    "country",
                    "region",
                    "areas",
                    "start_year",
                    "end_year",
                    "summary",
                    "problem",
                    "solution",
                    "results",
                    "figures",
                    "partners",
                    "partners_text",
                    "budget_range",
                    "links",
                ]
            },
        ),
        (_("Record"), {"fields": ModerationAdminMixin.moderation_record_fields}),
    ]
    prepopulated_fields = {"slug": ["title"]}

    def get_changeform_initial_data(self, request):
        return {"source": ProjectSource.SECRETARIAT, **super().get_changeform_initial_data(request)}

    def save_formset(self, request, form, formset, change):
        """Images go through the services (re-encoding, thumbnails, file clean-up)."""
        if formset.model is not ProjectImage:
            return super().save_formset(request, form, formset, change)
        # What the admin's history message reads (``BaseModelFormSet.save`` sets these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", None)
            if not data:
                continue
            image = inline_form.instance
            if image.pk and data.get("DELETE"):
                services.catalog_project_remove_image(image=image, removed_by=request.user)
                formset.deleted_objects.append(image)
            elif image.pk:
                if inline_form.has_changed():
                    inline_form.save()
                    formset.changed_objects.append((image, inline_form.changed_data))
            elif data.get("upload"):
                added = services.catalog_project_add_image(
                    project=form.instance,
                    upload=data["upload"],
                    caption=data.get("caption", ""),
                    added_by=request.user,
                )
                formset.new_objects.append(added)
        return None

    def get_urls(self):
        return [
            path(
                "candidates/",
                self.admin_site.admin_view(self.candidates_view),
                name="catalog_project_candidates",
            ),
            path(
                "candidates/publish/",
                self.admin_site.admin_view(self.publish_candidate_view),
                name="catalog_project_publish_candidate",
            ),
            *super().get_urls(),
        ]

    def candidates_view(self, request: HttpRequest) -> HttpResponse:
        """Award winners and completed Project Implementer projects not yet in the catalog,
        each with a "Publish to catalog" button."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/catalog/candidates.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Publish to the catalog"),
                "entries": list(selectors.award_entries_not_in_catalog()),
                "applications": list(selectors.completed_projects_not_in_catalog()),
                "opts": self.model._meta,
            },
        )

    @staticmethod
    def _candidate(kind: str, pk: str):
        from awards.models import Entry
        from programs.models import Application

        model = {"award_entry": Entry, "application": Application}.get(kind)
        if model is None or not str(pk).isdecimal():
            raise Http404
        try:
            return model.objects.get(pk=int(pk))
        except model.DoesNotExist:
            raise Http404 from None

    def publish_candidate_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return _publish_candidate(self, request)

    @admin.display(description=_("City"), ordering="city_name")
    def city_column(self, obj):
        return obj.city

    @admin.display(description=_("Source record"))
    def source_link(self, obj):
        if obj.award_entry_id:
            name, pk, label = "awards_entry", obj.award_entry_id, _("The WeGO Awards entry")
        elif obj.application_id:
            name, pk = "programs_application", obj.application_id
            label = _("The Project Implementer application")
        else:
            return "—"
        try:
            url = reverse(f"admin:{name}_change", args=[pk])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)


def _publish_candidate(model_admin: ProjectAdmin, request: HttpRequest) -> HttpResponse:
    """One click: publish an award entry or a completed project (CSRF-checked POST)."""
    source = model_admin._candidate(request.POST.get("kind", ""), request.POST.get("pk", ""))
    try:
        if request.POST["kind"] == "award_entry":
            project = services.catalog_project_from_award_entry(
                entry=source, published_by=request.user
            )
        else:
            project = services.catalog_project_from_application(
                application=source, published_by=request.user
            )
    except services.CatalogError as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
    else:
        model_admin.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("“%(title)s” is in the catalog.") % {"title": project.title},
                reverse("admin:catalog_project_change", args=[project.pk]),
                _("Review its areas and images"),
            ),
            messages.SUCCESS,
        )
    return HttpResponseRedirect(reverse("admin:catalog_project_candidates"))
