"""The notification outbox and the recipients' e-mail preferences.

Every notification is one ``Notification`` row: the in-portal notice a user reads in
``/notifications/`` and, when ``email`` is set, the e-mail the Celery workers deliver. The row's
``state`` makes delivery idempotent (a worker claims a queued row atomically before sending it)
and its unique ``idempotency_key`` makes creation idempotent.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import NotificationState
from .kinds import UnknownNotificationKind, get_kind


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        help_text=_("Empty for people without an account (visitors, inquiries)."),
    )
    to_email = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_("The address the e-mail goes to (the recipient's, copied when created)."),
    )
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("about (type)"), on_delete=models.CASCADE, null=True, blank=True
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language of the subject and texts: the recipient's when the notification was "
            "created, the one it was sent in once sent."
        ),
    )
    context = models.JSONField(
        _("template context"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "What the e-mail is rendered from when it is sent, in the recipient's language at "
            "that moment; removed once it is sent."
        ),
    )
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"))
    message = models.CharField(_("notice"), max_length=300)
    headers = models.JSONField(
        _("extra e-mail headers"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Headers added to this e-mail, e.g. the newsletter's List-Unsubscribe links."),
    )
    url = models.CharField(_("link"), max_length=500, blank=True)

    email = models.BooleanField(
        _("send e-mail"),
        default=True,
        help_text=_("Whether an e-mail is sent (after the recipient's preferences)."),
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=NotificationState.choices,
        default=NotificationState.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(
        _("next attempt"),
        default=timezone.now,
        help_text=_(
            "When a queued row is due: its next attempt after a deferral, or when the sweeper "
            "publishes its delivery again if the task was lost."
        ),
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claimed_by = models.CharField(
        _("claimed by"),
        max_length=255,
        blank=True,
        help_text=_("The worker and task that claimed it last."),
    )
    lease_expires_at = models.DateTimeField(
        _("claim expires"),
        null=True,
        blank=True,
        help_text=_("A row still being sent after this time belongs to a worker that died."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=NotificationState.values),
                name="notifications_notification_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(to_email=""),
                name="notifications_notification_has_recipient",
            ),
            models.CheckConstraint(
                # "skipped" exactly when there is no e-mail to deliver.
                condition=(Q(email=True) & ~Q(state=NotificationState.SKIPPED))
                | (Q(email=False) & Q(state=NotificationState.SKIPPED)),
                name="notifications_notification_skipped_iff_no_email",
            ),
        ]
        indexes = [
            # The inbox (newest first) and the header's unread count.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notif_recipient_unread_idx",
            ),
            # The sweeper: rows still on their way.
            models.Index(
                fields=["state", "next_attempt_at"],
                condition=Q(state__in=[NotificationState.QUEUED, NotificationState.SENDING]),
                name="notif_pending_idx",
            ),
            models.Index(fields=["content_type", "object_id"], name="notif_about_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.address or '?'}: {self.subject}"

    @property
    def address(self) -> str:
        """Where the e-mail goes."""
        if self.to_email:
            return self.to_email
        return self.recipient.email if self.recipient is not None else ""

    @property
    def kind_label(self) -> str:
        try:
            return str(get_kind(self.kind).label)
        except UnknownNotificationKind:
            return self.kind


class NotificationPreference(models.Model):
    """A user's choice to receive (or not) e-mail for one optional kind.

    No row means the default: e-mail on. Mandatory kinds ignore any row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=100)
    email_enabled = models.BooleanField(_("e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notifications_preference_unique_user_kind"
            ),
        ]

    def __str__(self) -> str:
        state = _("on") if self.email_enabled else _("off")
        return f"{self.user} · {self.kind}: {state}"
