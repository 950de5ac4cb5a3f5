"""A request to generate the annual report of a year as a PDF, and its progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check
from wego_portal.files import private_storage

from .enums import RunState


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
