"""The governance audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bodies import Meeting
from .votes import Decision, Vote


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The governance audit log is append-only.")

    def delete(self):
        raise TypeError("The governance audit log is append-only.")

    def redact_actor_email(self, email: str) -> int:
        """Blank the e-mail address of an erased person (the one change the log allows; the
        actor id stays, pointing at the anonymized account)."""
        return models.QuerySet.update(self.filter(actor_email__iexact=email), actor_email="")


class AuditEntry(models.Model):
    """One action on governance records. Append-only (also enforced by a database trigger on
    PostgreSQL). Never names a ballot's key or receipt."""

    at = models.DateTimeField(default=timezone.now, editable=False)
    # Plain references (no database constraint, nothing cascades): the log outlives what it
    # describes and is never rewritten.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_email = models.CharField(_("by"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=60)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    vote = models.ForeignKey(
        Vote, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="audit"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The governance audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The governance audit log is append-only.")
