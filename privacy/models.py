"""Requests people make about their own data, consent records, and what retention removed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.enums import RunState
from wego_portal.db import choices_check
from wego_portal.files import private_storage

from .enums import ConsentPurpose, ErasureState


class DataExport(models.Model):
    """A zip of everything the portal holds about one person, built by a Celery task.

    The subject is a user (``user``) or, for a visitor without an account, an e-mail address
    (``email``, produced by the Secretariat). The archive expires at ``expires_at``; the
    retention job deletes it then.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_exports",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("visitor e-mail address"), blank=True)
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
    archive = models.FileField(
        _("archive"), storage=private_storage, upload_to="data-exports/", blank=True
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_check("state", RunState),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="privacy_export_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return _("Data export #%(id)s (%(state)s)") % {
            "id": self.pk,
            "state": self.get_state_display(),
        }

    @property
    def is_finished(self) -> bool:
        return self.state in (RunState.DONE, RunState.FAILED)


class ErasureRequest(models.Model):
    """A person's request to delete their account: confirmed, then carried out after a grace
    period by ``privacy.tasks.erase_due_accounts_task``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erasure_requests",
        verbose_name=_("person"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ErasureState.choices, default=ErasureState.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    due_at = models.DateTimeField(_("erased after"), null=True, blank=True)
    done_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("account deletion request")
        verbose_name_plural = _("account deletion requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            choices_check("state", ErasureState),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | Q(due_at__isnull=False),
                name="privacy_confirmed_erasure_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return _("Deletion request #%(id)s (%(state)s)") % {
            "id": self.pk,
            "state": self.get_state_display(),
        }


class ConsentRecord(models.Model):
    """What a person agreed to (the text's version), when, and when they withdrew.

    ``subject`` names the record the consent belongs to (``events.EventRegistration:12``) or
    a user; it holds no e-mail address, so erasing the person leaves no trace here.
    """

    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    subject = models.CharField(_("given for"), max_length=100, db_index=True)
    given_at = models.DateTimeField(_("given"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at", "-id"]
        constraints = [choices_check("purpose", ConsentPurpose)]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.text_version} ({self.subject})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class RetentionRun(models.Model):
    """One run of the retention job: how many rows of each kind it removed."""

    ran_at = models.DateTimeField(_("ran at"))
    removed = models.JSONField(_("removed"), default=dict)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return _("Retention run of %(when)s") % {"when": self.ran_at.isoformat(timespec="minutes")}

    @property
    def total(self) -> int:
        return sum(self.removed.values())
