from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from wego_portal.admin import PortalModelAdmin
from wego_portal.files import validate_image, validate_pdf

from . import services
from .models import Publication


class PublicationForm(forms.ModelForm):
    file = forms.FileField(
        label=_("document (PDF)"),
        validators=[validate_pdf],
        # The file lives in private storage (no public URL): no link to it here.
        widget=forms.FileInput,
        help_text=_("A PDF file; it is checked by its content, not its name."),
    )
    cover = forms.ImageField(label=_("cover"), required=False, validators=[validate_image])
    languages = forms.MultipleChoiceField(
        label=_("languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Publication
        fields = [
            "title",
            "slug",
            "kind",
            "topic",
            "summary",
            "year",
            "languages",
            "program",
            "file",
            "cover",
            "is_published",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.file:
            self.fields["file"].required = False
            self.fields["file"].help_text = _("Leave empty to keep the current PDF.")


@admin.register(Publication)
class PublicationAdmin(TranslationAdmin, PortalModelAdmin):
    form = PublicationForm
    list_display = ["title", "kind", "year", "is_published", "download_count"]
    list_filter = ["kind", "topic", "year", "is_published"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["download_count"]

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("cover")
        if upload and hasattr(upload, "content_type"):
            services.publication_cover_set(publication=obj, upload=upload)
        super().save_model(request, obj, form, change)
