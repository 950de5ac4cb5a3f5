from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from modeltranslation.admin import TranslationAdmin

from wego_portal.admin import PortalModelAdmin
from wego_portal.files import validate_image
from wego_portal.moderation.admin import ModerationAdminMixin, StatusQueueFilter

from . import services
from .html import SanitizedHTMLField
from .models import Article, Category
from .widgets import ArticleBodyWidget


class ArticleForm(forms.ModelForm):
    lead_image = forms.ImageField(
        label=_("lead image"),
        required=False,
        validators=[validate_image],
        help_text=_("PNG, JPEG, WebP or GIF; stored re-encoded, at most 1600 pixels wide."),
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "lead_image",
            "lead_image_alt",
            "categories",
            "office",
            "region",
            "publish_at",
            "organizations",
            "events",
            "programs",
            "award_editions",
            "projects",
        ]

    def clean(self):
        data = super().clean()
        has_image = data.get("lead_image") or (
            self.instance.lead_image and data.get("lead_image") is not False
        )
        if has_image and not (data.get("lead_image_alt") or "").strip():
            self.add_error("lead_image_alt", _("Describe the image for people who cannot see it."))
        return data


@admin.register(Article)
class ArticleAdmin(ModerationAdminMixin, TranslationAdmin, PortalModelAdmin):
    form = ArticleForm
    formfield_overrides = {SanitizedHTMLField: {"widget": ArticleBodyWidget}}
    moderation = services.NEWS_MODERATION
    office_scope = "office"
    published_message = ngettext_lazy(
        "%(n)d article published (or scheduled).", "%(n)d articles published (or scheduled).", "n"
    )
    returned_message = ngettext_lazy(
        "%(n)d article returned with your note.", "%(n)d articles returned with your note.", "n"
    )
    list_display = ["title", "office", "region", "status_column", "publish_at", "published_at"]
    list_filter = [StatusQueueFilter, "office", "region", "categories"]
    list_select_related = ["office"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organizations", "events", "projects"]
    filter_horizontal = ["categories", "programs", "award_editions"]
    actions = ["send_for_review", "publish", "return_to_city"]
    readonly_fields = [*ModerationAdminMixin.moderation_readonly_fields]
    fieldsets = [
        (None, {"fields": ["status", "public_link", "moderation_note"]}),
        (
            _("The article"),
            {
                "fields": [
                    "title",
                    "slug",
                    "summary",
                    "body",
                    "lead_image",
                    "lead_image_alt",
                    "categories",
                    "office",
                    "region",
                    "publish_at",
                ]
            },
        ),
        (
            _("What it is about"),
            {"fields": ["organizations", "events", "programs", "award_editions", "projects"]},
        ),
        (_("Record"), {"fields": ModerationAdminMixin.moderation_record_fields}),
    ]

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("lead_image")
        if upload and hasattr(upload, "content_type"):
            services.lead_image_set(article=obj, upload=upload, alt=obj.lead_image_alt)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Send the selected ones for review"), permissions=["change"])
    def send_for_review(self, request, queryset):
        self._moderate_each(
            request,
            queryset,
            lambda obj: services.article_submit(article=obj, submitted_by=request.user),
            ngettext_lazy("%(n)d article sent for review.", "%(n)d articles sent for review.", "n"),
        )

    @admin.action(description=_("Publish the selected ones"), permissions=["moderate"])
    def publish(self, request, queryset):
        self._moderate_each(
            request,
            queryset,
            lambda obj: services.article_publish(article=obj, published_by=request.user),
            self.published_message,
        )


@admin.register(Category)
class CategoryAdmin(TranslationAdmin, PortalModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
