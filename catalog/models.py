"""Activator Exchange: the Smart Sustainable City Projects Catalog.

A global directory of smart city projects to share and benchmark best practices. A project
comes from a member's proposal (moderated), from the secretariat, or, with one action, from an
awarded WeGO Awards entry or a completed Project Implementer project; ``award_entry`` and
``application`` are one-to-one, so each source is in the catalog at most once. ``status``
changes only through ``catalog.services``.
"""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from members.enums import Region
from members.models import fold
from members.regions import region_for_country
from programs.enums import BudgetRange
from wego_portal.db import choices_check
from wego_portal.moderation.models import Moderated

from .enums import ProjectSource

LONG_TEXT = 4000


class Project(Moderated):
    """One smart city project of the catalog.

    ``figures`` holds the results in numbers, ``[{"value": "310,000", "label": "app users"}]``;
    ``links`` holds ``[{"title": …, "url": …}]``. The city is a member (``organization``) or
    a free-text ``city_name`` (projects of non-members are welcome too).
    """

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalog_projects",
        verbose_name=_("city (member)"),
    )
    city_name = models.CharField(
        _("city"),
        max_length=120,
        blank=True,
        help_text=_("The city as it should be shown; for a member, its name is used when empty."),
    )
    country = CountryField(_("country"), blank=True)
    region = models.CharField(
        _("WeGO region"),
        max_length=20,
        choices=Region.choices,
        blank=True,
        help_text=_("Filled from the country when left empty."),
    )
    areas = models.ManyToManyField(
        "programs.SmartCityArea",
        verbose_name=_("Smart City Driver areas"),
        blank=True,
        related_name="catalog_projects",
    )
    start_year = models.PositiveSmallIntegerField(_("started in"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(
        _("ended in"), null=True, blank=True, help_text=_("Leave empty while it is running.")
    )
    summary = models.TextField(_("summary"), blank=True, max_length=1500)
    problem = models.TextField(_("the problem"), blank=True, max_length=LONG_TEXT)
    solution = models.TextField(_("the solution"), blank=True, max_length=LONG_TEXT)
    results = models.TextField(_("results"), blank=True, max_length=LONG_TEXT)
    figures = models.JSONField(_("results in figures"), default=list, blank=True)
    partners = models.ManyToManyField(
        "members.Organization",
        verbose_name=_("partners from the WeGO network"),
        blank=True,
        related_name="catalog_partner_projects",
    )
    partners_text = models.TextField(
        _("other partners"),
        blank=True,
        max_length=1000,
        help_text=_("Companies, universities or agencies outside the WeGO network."),
    )
    budget_range = models.CharField(
        _("budget"), max_length=20, choices=BudgetRange.choices, blank=True
    )
    links = models.JSONField(_("links"), default=list, blank=True)
    source = models.CharField(
        _("source"), max_length=30, choices=ProjectSource.choices, default=ProjectSource.MEMBER
    )
    award_entry = models.OneToOneField(
        "awards.Entry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="catalog_project",
        verbose_name=_("WeGO Awards entry"),
    )
    application = models.OneToOneField(
        "programs.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="catalog_project",
        verbose_name=_("Project Implementer application"),
    )
    # Derived on save: folded title, city, country and texts, for the search without PostgreSQL.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    #: What a proposal must have before the secretariat sees it (and at least one area).
    REQUIRED_FOR_SUBMISSION = ("title", "country", "start_year", "summary", "problem", "solution")

    class Meta:
        verbose_name = _("catalog project")
        verbose_name_plural = _("catalog projects")
        ordering = ["-published_at", "title", "id"]
        constraints = [
            *Moderated.Meta.constraints,
            choices_check("source", ProjectSource),
            choices_check("region", Region, allow_blank=True),
            choices_check("budget_range", BudgetRange, allow_blank=True),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="catalog_project_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="catalog_project_public"),
            models.Index(fields=["status", "region"], name="catalog_project_region"),
            models.Index(fields=["organization", "status"], name="catalog_project_org"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.region and self.country:
            self.region = region_for_country(self.country.code)
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "region", "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end must not be before the start.")})
        if not self.organization_id and not self.city_name:
            raise ValidationError({"city_name": _("Name the city (or choose a member).")})

    def build_search_text(self) -> str:
        country = self.country.name if self.country else ""
        parts = [
            self.title,
            self.city_name,
            str(country),
            self.summary,
            self.problem,
            self.solution,
            self.results,
        ]
        return fold(" ".join(part for part in parts if part))

    @property
    def city(self) -> str:
        """The city as shown: the free text, else the member's name."""
        if self.city_name:
            return self.city_name
        return self.organization.name if self.organization_id else ""

    @property
    def period(self) -> str:
        if not self.start_year:
            return ""
        if self.end_year == self.start_year:
            return str(self.start_year)
        if self.end_year:
            return f"{self.start_year}–{self.end_year}"
        return str(_("since %(year)s") % {"year": self.start_year})

    def missing_for_submission(self) -> list[str]:
        missing = super().missing_for_submission()
        if self.pk is None or not self.areas.all():  # the prefetched areas when there are
            missing.append(str(self._meta.get_field("areas").verbose_name))
        return missing

    def may_skip_submission(self) -> bool:
        """Only a member's own project waits for the member to send it."""
        return self.source != ProjectSource.MEMBER


def project_image_path(instance, filename: str) -> str:
    """Images sit in public media (they are shown once published) under an unguessable
    folder, so a proposal's pictures cannot be found before the project is published."""
    return f"catalog/{uuid.uuid4().hex}/{PurePath(filename).name}"


class ProjectImage(models.Model):
    """A picture of a project, re-encoded on upload (only pixels are kept), with a thumbnail."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="images", verbose_name=_("project")
    )
    image = models.ImageField(_("image"), upload_to=project_image_path)
    thumbnail = models.ImageField(upload_to=project_image_path, editable=False)
    caption = models.CharField(
        _("caption"), max_length=200, blank=True, help_text=_("What the image shows.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("project image")
        verbose_name_plural = _("project images")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or f"Image {self.pk}"
