"""WeGO's library of documents: annual reports, research reports, guidelines, webinar slides.

Each publication is a PDF (checked by its content) with a cover, its languages, year, topic and
program; downloads are counted. The annual reports the portal generates (``reports``) join the
library by themselves once the Secretariat publishes a run (``selectors.library``).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check
from wego_portal.files import private_storage


class Kind(models.TextChoices):
    ANNUAL_REPORT = "annual_report", _("Annual report")
    RESEARCH = "research", _("Research report")
    GUIDELINES = "guidelines", _("Guidelines")
    SLIDES = "slides", _("Webinar slides")
    STRATEGY = "strategy", _("Strategy")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    ORGANIZATION = "organization", _("WeGO and its members")
    SMART_CITY = "smart_city", _("Smart city development")
    HEALTH = "health", _("Public health")
    E_GOVERNMENT = "e_government", _("e-Government")


class Publication(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    languages = models.JSONField(
        _("languages"), default=list, help_text=_("The languages the document is written in.")
    )
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
    )
    # Private storage: only the download view serves it (counted, with its headers).
    file = models.FileField(_("document (PDF)"), upload_to="publications/", storage=private_storage)
    cover = models.ImageField(_("cover"), upload_to="publications/covers/", blank=True)
    is_published = models.BooleanField(_("shown in the library"), default=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "title"]
        constraints = [choices_check("kind", Kind), choices_check("topic", Topic)]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publications:detail", kwargs={"slug": self.slug})

    def get_download_url(self) -> str:
        return reverse("publications:download", kwargs={"slug": self.slug})

    def language_names(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages]
