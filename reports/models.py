"""A request to generate the annual report of a year as a PDF, and its progress; the figures
WeGO itself published (its annual report), kept beside what the portal's records compute."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check
from wego_portal.files import private_storage

from .enums import FigureQualifier, FigureUnit, RunState


class ReportRun(models.Model):
    """One generation of the annual report PDF of ``year`` (kept for download)."""

    year = models.PositiveSmallIntegerField(_("year"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RunState.choices, default=RunState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to="annual-reports/%Y/", blank=True
    )
    # One of settings.LANGUAGES (checked by the request form; not a DB choice list, so that a
    # new language needs no migration).
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    published_at = models.DateTimeField(
        _("published on the portal"),
        null=True,
        blank=True,
        help_text=_("Visitors can download a published run from “WeGO in numbers”."),
    )

    class Meta:
        verbose_name = _("annual report run")
        verbose_name_plural = _("annual report runs")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_annual_report", _("Can view the annual report")),
            ("publish_reportrun", _("Can publish an annual report run")),
        ]
        constraints = [
            choices_check("state", RunState),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reports_reportrun_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return _("Annual report %(year)s (%(state)s)") % {
            "year": self.year,
            "state": self.get_state_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("reports:run", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.state in (RunState.DONE, RunState.FAILED)

    def get_download_url(self) -> str:
        return reverse("reports:run_download", kwargs={"pk": self.pk})


class PublishedFigure(models.Model):
    """A figure WeGO published (e.g. "209 members as of December 2020"), with its source.

    The portal's records hold fewer organizations than WeGO's register (the annual report
    names only the corporations and institutions that joined recently), so the figures the
    organization published are data of their own, shown beside the counts the records give.
    ``key`` names what is counted (``members``, ``local_governments``, ``growth_since_2018``…)
    so pages can put a published figure next to the computed one; ``note`` explains a
    difference.
    """

    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("What is counted, e.g. members or local_governments (pages look it up)."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.IntegerField(_("value"))
    unit = models.CharField(
        _("unit"), max_length=10, choices=FigureUnit.choices, default=FigureUnit.COUNT
    )
    qualifier = models.CharField(
        _("as stated"),
        max_length=10,
        choices=FigureQualifier.choices,
        default=FigureQualifier.EXACT,
    )
    label = models.CharField(
        _("label"), max_length=200, help_text=_("What the figure counts, e.g. “members”.")
    )
    as_of = models.CharField(
        _("as of"), max_length=100, blank=True, help_text=_("E.g. “December 2020”.")
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the figure was published, e.g. the report and its section."),
    )
    source_url = models.URLField(_("source address"), blank=True)
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=2000,
        help_text=_("Why it differs from the portal's records, where it does."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_public = models.BooleanField(_("shown on the public pages"), default=True)

    class Meta:
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")
        ordering = ["-year", "position", "id"]
        constraints = [
            choices_check("unit", FigureUnit),
            choices_check("qualifier", FigureQualifier),
            models.UniqueConstraint(fields=["key", "year"], name="reports_figure_key_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.display_value} {self.label} ({self.year})"

    @property
    def display_value(self) -> str:
        """The value as published: "209", "+39%", "over 300", "about 100"."""
        number = f"{self.value:,}"
        if self.unit == FigureUnit.PERCENT:
            number = f"{self.value:+d}%"
        if self.qualifier == FigureQualifier.ABOUT:
            return _("about %(value)s") % {"value": number}
        if self.qualifier == FigureQualifier.MORE_THAN:
            return _("over %(value)s") % {"value": number}
        return number
