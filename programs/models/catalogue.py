"""WeGO's programs, their calls for applications, and the applications member cities send.

Smart City Driver (with the Solution Finder) and Project Implementer take applications through
calls; Smart Health Responder is an information program with public pages only. An
application's answers live in a detail table of its kind (``SolutionFinderDetails`` or
``ProjectImplementerDetails``); its status changes only through ``programs.services`` and each
change is recorded as an ``ApplicationTransition``.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.enums import MemberType
from wego_portal.db import choices_check

from ..enums import (
    ApplicationKind,
)

LONG_TEXT = 5000

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class SmartCityArea(models.Model):
    """One of the 16 areas of WeGO's Smart City Driver framework (shipped as data)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("Smart City Driver area")
        verbose_name_plural = _("Smart City Driver areas")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


# --- Programs and calls ------------------------------------------------------------------------


class Program(models.Model):
    """A WeGO program with its public page (text edited in the back office)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for the program list.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Paragraphs separated by an empty line.")
    )
    areas = models.ManyToManyField(
        SmartCityArea,
        verbose_name=_("areas covered"),
        blank=True,
        related_name="programs",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", kwargs={"slug": self.slug})


class ProgramSection(models.Model):
    """A titled block of a program's public page ("Activator Discover", "Data Portal"…)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="sections", verbose_name=_("program")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Paragraphs separated by an empty line."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("page section")
        verbose_name_plural = _("page sections")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Call(models.Model):
    """An application round of a program, e.g. "Project Implementer 2021".

    Open from ``opens_at`` (or as soon as published, when empty) until ``closes_at`` (or
    always, when empty: the Solution Finder runs as an always-open call).
    """

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="calls", verbose_name=_("program")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(
        _("application form"),
        max_length=30,
        choices=ApplicationKind.choices,
        help_text=_("Which form applicants fill in, and which workflow their applications follow."),
    )
    opens_at = models.DateTimeField(
        _("opens"), null=True, blank=True, help_text=_("Empty: open as soon as published.")
    )
    closes_at = models.DateTimeField(
        _("closes"), null=True, blank=True, help_text=_("Empty: always open.")
    )
    dates_note = models.CharField(
        _("note on the dates"),
        max_length=300,
        blank=True,
        help_text=_("Shown instead of exact dates when they are not recorded."),
    )
    description = models.TextField(_("public description"), blank=True)
    eligible_member_types = models.JSONField(
        _("who may apply"),
        default=list,
        blank=True,
        help_text=_("Member types allowed to apply."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("review panel"),
        blank=True,
        related_name="program_review_panels",
        help_text=_("Staff assigned as reviewers to every application submitted to this call."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        ordering = ["-opens_at", "title"]
        constraints = [
            choices_check("kind", ApplicationKind),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="programs_call_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:call", kwargs={"slug": self.program.slug, "call_slug": self.slug})

    @property
    def always_open(self) -> bool:
        return self.closes_at is None

    def has_opened(self, now=None) -> bool:
        return self.opens_at is None or self.opens_at <= (now or timezone.now())

    def has_closed(self, now=None) -> bool:
        return self.closes_at is not None and self.closes_at <= (now or timezone.now())

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.has_opened(now) and not self.has_closed(now)

    def accepts(self, member_type: str) -> bool:
        return member_type in (self.eligible_member_types or [])

    @property
    def eligible_labels(self) -> list["StrOrPromise"]:
        return [
            MemberType(value).label
            for value in self.eligible_member_types or []
            if value in MemberType.values
        ]


class CallDocument(models.Model):
    """A document applicants to a call must (or may) attach."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="documents", verbose_name=_("call")
    )
    name = models.CharField(_("document"), max_length=200)
    hint = models.CharField(_("hint"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("document to attach")
        verbose_name_plural = _("documents to attach")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
