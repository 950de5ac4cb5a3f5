"""News: articles written by the Secretariat and the regional offices.

An article moves through the shared moderation workflow (``wego_portal.moderation``): draft,
submitted for review, published (or returned with a note). Publishing can wait for a chosen
moment (``publish_at``); Celery beat publishes it then. It is public when published and its
publication moment has come.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.enums import Region
from wego_portal.db import choices_check
from wego_portal.links import slug_url
from wego_portal.moderation.models import Moderated

from .html import SanitizedHTMLField


class DatePrecision(models.TextChoices):
    """How much of the publication date is known (articles of the WeGO data set often carry
    only the month or the year the 2020 annual report gives)."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Article(Moderated):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(
        _("summary"), max_length=500, help_text=_("One or two sentences for lists and sharing.")
    )
    body = SanitizedHTMLField(
        _("text"),
        help_text=_(
            "Headings, lists, quotes, emphasis and links are kept; anything else (scripts, "
            "styles, images) is removed when the article is saved."
        ),
    )
    lead_image = models.ImageField(_("lead image"), upload_to="news/", blank=True)
    lead_image_alt = models.CharField(
        _("lead image description"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the picture shows, for people who cannot see it. Required with an image."
        ),
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="articles"
    )
    office = models.ForeignKey(
        "members.Office",
        verbose_name=_("written by the office"),
        on_delete=models.PROTECT,
        related_name="articles",
        help_text=_("Regional-office staff write for their own office."),
    )
    region = models.CharField(
        _("WeGO region"),
        max_length=20,
        choices=Region.choices,
        blank=True,
        help_text=_("The region the article is about; empty for WeGO as a whole."),
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        editable=False,
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("Empty: publish as soon as it is approved. A later moment: published then."),
    )
    # What the article is about: each of these pages lists its news.
    organizations = models.ManyToManyField(
        "members.Organization", verbose_name=_("members"), blank=True, related_name="articles"
    )
    events = models.ManyToManyField(
        "events.Event", verbose_name=_("events"), blank=True, related_name="articles"
    )
    programs = models.ManyToManyField(
        "programs.Program", verbose_name=_("programs"), blank=True, related_name="articles"
    )
    award_editions = models.ManyToManyField(
        "awards.Edition", verbose_name=_("award editions"), blank=True, related_name="articles"
    )
    projects = models.ManyToManyField(
        "catalog.Project", verbose_name=_("catalog projects"), blank=True, related_name="articles"
    )
    import_key = models.CharField(  # noqa: DJ001 (NULL for articles made in the back office)
        max_length=100, unique=True, null=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    REQUIRED_FOR_SUBMISSION = ("title", "summary", "body")

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        ordering = ["-published_at", "-id"]
        constraints = [
            *Moderated.Meta.constraints,
            choices_check("region", Region, allow_blank=True),
            choices_check("date_precision", DatePrecision),
            models.CheckConstraint(
                condition=Q(lead_image="") | ~Q(lead_image_alt=""),
                name="news_article_image_has_alt",
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="news_public")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("news:detail", self.slug)

    @property
    def date_format(self) -> str:
        """The format name that shows the publication date at its precision."""
        return {DatePrecision.MONTH: "YEAR_MONTH_FORMAT", DatePrecision.YEAR: "Y"}.get(
            self.date_precision, "DATE_FORMAT"
        )

    @property
    def date_iso(self) -> str:
        """The publication date in ISO 8601 at its precision ("2020-11", "2020")."""
        if self.date_precision == DatePrecision.MONTH:
            return self.published_at.strftime("%Y-%m")
        if self.date_precision == DatePrecision.YEAR:
            return self.published_at.strftime("%Y")
        return self.published_at.isoformat()

    def may_skip_submission(self) -> bool:
        """Staff write articles themselves: who may publish may do so from a draft."""
        return True

    def moderation_recipients_organization(self):
        return None
