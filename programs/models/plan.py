"""Reviews of applications and the Activator Plan (stakeholders, milestones)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check

from ..enums import (
    MilestoneKind,
    MilestoneStatus,
    Recommendation,
    StakeholderRole,
)
from .applications import Application
from .catalogue import LONG_TEXT

# --- Review ------------------------------------------------------------------------------------

CRITERIA = [
    ("relevance", _("Relevance")),
    ("feasibility", _("Feasibility")),
    ("impact", _("Impact")),
    ("cofunding", _("Co-funding")),
    ("readiness", _("Readiness")),
]
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=SCORE_VALIDATORS
    )


class Review(models.Model):
    """A reviewer's assessment of one application: five criteria scored 1-5, with comments,
    and a recommendation. Assigned first (empty), completed when every criterion is scored
    and a recommendation given."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="program_reviews",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    relevance = _score_field(_("relevance"))
    relevance_comment = models.TextField(_("comment on relevance"), blank=True, max_length=2000)
    feasibility = _score_field(_("feasibility"))
    feasibility_comment = models.TextField(_("comment on feasibility"), blank=True, max_length=2000)
    impact = _score_field(_("impact"))
    impact_comment = models.TextField(_("comment on impact"), blank=True, max_length=2000)
    cofunding = _score_field(_("co-funding"))
    cofunding_comment = models.TextField(_("comment on co-funding"), blank=True, max_length=2000)
    readiness = _score_field(_("readiness"))
    readiness_comment = models.TextField(_("comment on readiness"), blank=True, max_length=2000)
    recommendation = models.CharField(
        _("recommendation"), max_length=30, choices=Recommendation.choices, blank=True
    )
    summary = models.TextField(_("overall comment"), blank=True, max_length=LONG_TEXT)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="programs_one_review_per_reviewer"
            ),
            choices_check("recommendation", Recommendation, allow_blank=True),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{key}__isnull": True})
                    | Q(**{f"{key}__gte": 1, f"{key}__lte": 5}),
                    name=f"programs_review_{key}_1_to_5",
                )
                for key, _label in CRITERIA
            ],
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.application.reference}"

    @property
    def scores(self) -> list[int | None]:
        return [getattr(self, key) for key, _label in CRITERIA]

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def average(self) -> Decimal | None:
        scores = [s for s in self.scores if s is not None]
        if len(scores) != len(CRITERIA):
            return None
        return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"))


# --- Activator Plan ----------------------------------------------------------------------------


class Stakeholder(models.Model):
    """An organization with a role in a selected project (Activator *Plan*)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stakeholders"
    )
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.PROTECT,
        related_name="program_roles",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=30, choices=StakeholderRole.choices)
    note = models.CharField(_("responsibilities"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organization", "role"],
                name="programs_one_role_per_stakeholder",
            ),
            choices_check("role", StakeholderRole),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class Milestone(models.Model):
    """A step of a selected project's plan with a due date (reminders go out before it)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=30, choices=MilestoneKind.choices, default=MilestoneKind.OTHER
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PLANNED,
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        constraints = [
            choices_check("kind", MilestoneKind),
            choices_check("status", MilestoneStatus),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.status in {MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS}

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())
