"""The judging panels' members in the back office."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wego_portal.admin import (
    PortalModelAdmin,
)
from wego_portal.files import validate_image

from .. import services
from ..models import (
    Category,
    Judge,
)


class JudgeForm(forms.ModelForm):
    photo_upload = forms.FileField(
        label=_("New photo"),
        required=False,
        validators=[validate_image],
        help_text=_("PNG, JPEG, WebP or GIF; re-encoded, with a thumbnail."),
    )

    class Meta:
        model = Judge
        fields = [
            "edition",
            "name",
            "title",
            "affiliation",
            "bio",
            "user",
            "categories",
            "position",
        ]

    def clean(self):
        cleaned = super().clean()
        edition = cleaned.get("edition")
        categories = cleaned.get("categories") or []
        if edition and any(category.edition_id != edition.pk for category in categories):
            self.add_error("categories", _("Choose categories of the judge's own edition."))
        return cleaned


@admin.register(Judge)
class JudgeAdmin(PortalModelAdmin):
    form = JudgeForm
    list_display = ["photo_preview", "name", "edition", "affiliation", "user", "category_list"]
    list_display_links = ["name"]
    list_filter = ["edition"]
    list_select_related = ["edition", "user"]
    search_fields = ["name", "affiliation", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["categories"]
    readonly_fields = ["photo_preview"]
    fields = [
        "edition",
        "name",
        "title",
        "affiliation",
        "bio",
        "photo_preview",
        "photo_upload",
        "user",
        "categories",
        "position",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "categories":
            kwargs["queryset"] = Category.objects.select_related("edition").order_by(
                "-edition__year", "position"
            )
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "categories":
            field.label_from_instance = lambda c: f"{c.name} ({c.edition.year})"
        return field

    @admin.display(description=_("Categories"))
    def category_list(self, obj):
        return ", ".join(category.name for category in obj.categories.all()) or "—"

    @admin.display(description=_("Photo"))
    def photo_preview(self, obj):
        if obj.photo_thumbnail:
            return format_html(
                '<img src="{}" alt="" width="40" height="40" class="admin-logo">',
                obj.photo_thumbnail.url,
            )
        return format_html(
            '<span class="admin-initials" aria-hidden="true">{}</span>', obj.initials
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        upload = form.cleaned_data.get("photo_upload")
        if upload:
            services.judge_set_photo(judge=obj, upload=upload)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.judge_assign_categories(
            judge=form.instance,
            categories=form.cleaned_data.get("categories") or [],
            assigned_by=request.user,
        )
