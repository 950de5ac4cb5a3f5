"""The fields and constraints every moderated contribution has (``Moderated``)."""

from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check

from .enums import EDITABLE_STATUSES, ModerationStatus

NOTE_MAX_LENGTH = 5000


def _user(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class Moderated(models.Model):
    """Abstract: a contribution moderated by the secretariat.

    ``status`` changes only through ``wego_portal.moderation.services`` (the admin shows it
    read-only). A subclass that declares its own ``Meta.constraints`` keeps these with
    ``constraints = [*Moderated.Meta.constraints, ...]``. It names what a submission needs in
    ``REQUIRED_FOR_SUBMISSION`` (field names) and may add to ``missing_for_submission``.
    """

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ModerationStatus.choices,
        default=ModerationStatus.DRAFT,
    )
    moderation_note = models.TextField(
        _("note from the secretariat"), blank=True, max_length=NOTE_MAX_LENGTH
    )
    created_by = _user(_("created by"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = _user(_("submitted by"))
    decided_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    decided_by = _user(_("reviewed by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    #: The fields a submission must have (their verbose names are listed when missing).
    REQUIRED_FOR_SUBMISSION: tuple[str, ...] = ()
    #: Every moderated kind has a public page (declared for the type checker only).
    get_absolute_url: Callable[[], str]

    class Meta:
        abstract = True
        constraints = [
            choices_check("status", ModerationStatus),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
            ),
        ]

    @property
    def is_published(self) -> bool:
        return self.status == ModerationStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def missing_for_submission(self) -> list[str]:
        """The verbose names of the required fields still empty."""
        return [
            str(self._meta.get_field(name).verbose_name)  # type: ignore[union-attr]  # required fields are the model's own, never a reverse relation
            for name in self.REQUIRED_FOR_SUBMISSION
            if getattr(self, name) in ("", None)
        ]

    def may_skip_submission(self) -> bool:
        """May the secretariat publish this without a submission (e.g. its own records)?"""
        return getattr(self, "organization_id", None) is None

    def moderation_recipients_organization(self):
        """The organization whose people hear of the decision (``None``: nobody)."""
        return getattr(self, "organization", None)
