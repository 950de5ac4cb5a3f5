"""Applications: the answers of each kind, messages, files and the recorded transitions."""

from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check
from wego_portal.files import private_storage, validate_pdf

from ..enums import (
    ApplicationKind,
    ApplicationStatus,
    BudgetRange,
    Currency,
    MessageKind,
    MessageVisibility,
)
from .catalogue import LONG_TEXT, Call, CallDocument, SmartCityArea

# --- Applications ------------------------------------------------------------------------------

REFERENCE_PREFIX = {
    ApplicationKind.SOLUTION_FINDER: "SF",
    ApplicationKind.PROJECT_IMPLEMENTER: "PI",
}


class Application(models.Model):
    """One organization's application to one call (at most one per organization and call)."""

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.PROTECT,
        related_name="program_applications",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ApplicationKind.choices)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    areas = models.ManyToManyField(
        SmartCityArea,
        verbose_name=_("Smart City Driver areas"),
        blank=True,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    # Per form section: {"challenges": {"rev": 3, "by": <user id>, "at": "<iso>"}}. The
    # revision lets two colleagues edit one application without silently overwriting each
    # other (see services.application_section_save).
    section_edits = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organization"], name="programs_one_application_per_call"
            ),
            choices_check("kind", ApplicationKind),
            choices_check("status", ApplicationStatus),
        ]
        indexes = [
            models.Index(fields=["status", "call"], name="programs_app_status_call"),
            models.Index(fields=["organization", "-created_at"], name="programs_app_org"),
            # The back office's list in its default order, a page at a time.
            models.Index(fields=["-created_at", "-id"], name="programs_app_created"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.organization} ({self.call})"

    def get_absolute_url(self) -> str:
        return reverse("programs:application", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        """A short reference people can quote: "PI-00012"."""
        if self.pk is None:
            return ""
        return f"{REFERENCE_PREFIX.get(self.kind, 'AP')}-{self.pk:05d}"

    @property
    def is_solution_finder(self) -> bool:
        return self.kind == ApplicationKind.SOLUTION_FINDER

    @property
    def is_project_implementer(self) -> bool:
        return self.kind == ApplicationKind.PROJECT_IMPLEMENTER

    @property
    def details(self):
        """The answers of this application's kind (one query unless select_related)."""
        if self.is_solution_finder:
            return self.solution_finder
        return self.project

    @property
    def title(self) -> str:
        if self.is_project_implementer:
            try:
                return self.project.title or str(self.call)
            except ProjectImplementerDetails.DoesNotExist:
                return str(self.call)
        return str(self.call)

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT


class SolutionFinderDetails(models.Model):
    """The Solution Finder form: challenges, the solution package the city has in mind,
    budget range, timeline, the partners it would like to meet, and a contact person."""

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="solution_finder",
    )
    urban_challenges = models.TextField(_("urban challenges"), blank=True, max_length=LONG_TEXT)
    budget_range = models.CharField(
        _("budget range"), max_length=20, choices=BudgetRange.choices, blank=True
    )
    timeline = models.TextField(_("timeline"), blank=True, max_length=2000)
    preferred_partner_types = models.JSONField(
        _("preferred partner types"), default=list, blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_title = models.CharField(_("job title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("Solution Finder answers")
        verbose_name_plural = _("Solution Finder answers")
        constraints = [choices_check("budget_range", BudgetRange, allow_blank=True)]

    def __str__(self) -> str:
        return str(self.application)


class SolutionComponent(models.Model):
    """One component of a Solution Finder city's solution package: an area and what it needs."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="components"
    )
    area = models.ForeignKey(
        SmartCityArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    need = models.TextField(_("what is needed"), blank=True, max_length=2000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("solution package component")
        verbose_name_plural = _("solution package components")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.area or '—'}: {self.need[:60]}"


class ProjectImplementerDetails(models.Model):
    """The Project Implementer proposal, with the city's co-funding commitment."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="project"
    )
    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=2000)
    objectives = models.TextField(_("objectives"), blank=True, max_length=LONG_TEXT)
    expected_impact = models.TextField(_("expected impact"), blank=True, max_length=LONG_TEXT)
    total_budget = models.DecimalField(
        _("total budget"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cofunding_amount = models.DecimalField(
        _("co-funding committed by the city"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    implementation_plan = models.TextField(
        _("implementation plan"), blank=True, max_length=LONG_TEXT
    )
    mayor_letter = models.FileField(
        _("supporting letter of the mayor or authority (PDF)"),
        storage=private_storage,
        upload_to="program-letters/%Y/",
        validators=[validate_pdf],
        blank=True,
    )
    mayor_letter_name = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("Project Implementer proposal")
        verbose_name_plural = _("Project Implementer proposals")
        constraints = [
            choices_check("currency", Currency, allow_blank=True),
            models.CheckConstraint(
                condition=Q(cofunding_amount__isnull=True)
                | Q(total_budget__isnull=True)
                | Q(cofunding_amount__lte=models.F("total_budget")),
                name="programs_cofunding_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.application)


class ApplicationMessage(models.Model):
    """A message on an application: shared with the city, or internal to WeGO staff.

    Internal messages are never shown on the member portal nor put in an e-mail to the city:
    the portal reads ``selectors.shared_messages`` only.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    visibility = models.CharField(_("visibility"), max_length=10, choices=MessageVisibility.choices)
    kind = models.CharField(
        _("kind"), max_length=30, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    body = models.TextField(_("message"), max_length=LONG_TEXT)
    from_city = models.BooleanField(_("from the city"), default=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        constraints = [
            choices_check("visibility", MessageVisibility),
            choices_check("kind", MessageKind),
            # What the city writes is shared by definition.
            models.CheckConstraint(
                condition=Q(from_city=False) | Q(visibility=MessageVisibility.SHARED),
                name="programs_city_messages_are_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_visibility_display()})"

    @property
    def is_internal(self) -> bool:
        return self.visibility == MessageVisibility.INTERNAL


class ApplicationAttachment(models.Model):
    """A private file of an application: a required document or part of an answer."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to="program-attachments/%Y/",
        validators=[validate_pdf],
    )
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    document = models.ForeignKey(
        CallDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("document"),
    )
    message = models.ForeignKey(
        ApplicationMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "programs:attachment", kwargs={"pk": self.application_id, "attachment_pk": self.pk}
        )

    @property
    def download_name(self) -> str:
        return PurePath(self.original_name).name or f"attachment-{self.pk}.pdf"


class ApplicationTransition(models.Model):
    """One status change: who, when, from, to, and the note shown to the city."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("from"), max_length=30, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=30, choices=ApplicationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note to the city"), blank=True, max_length=LONG_TEXT)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["at", "id"]
        constraints = [
            choices_check("from_status", ApplicationStatus, allow_blank=True),
            choices_check("to_status", ApplicationStatus),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"
