"""What hangs off an event: hosts, participants, sponsors, speakers, links, questions, registrations and calendar feed tokens."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check
from wego_portal.files import validate_image

from ..enums import (
    LinkKind,
    QuestionKind,
    RegistrationStatus,
)
from .events import Event


class EventHost(models.Model):
    """A member organization hosting an event (the announced host text stays on the event)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="host_links")
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.CASCADE,
        related_name="event_host_links",
        verbose_name=_("organization"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("host organization")
        verbose_name_plural = _("host organizations")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "organization"], name="events_host_once")
        ]

    def __str__(self) -> str:
        return f"{self.organization} hosts {self.event}"


class EventParticipant(models.Model):
    """A member organization that took part in an event (presented, spoke, co-organized):
    what its public profile lists as "events it took part in". ``role`` is the public
    description of its part, e.g. "Presentation"."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participant_links")
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.CASCADE,
        related_name="event_participant_links",
        verbose_name=_("organization"),
    )
    role = models.CharField(
        _("its part"), max_length=200, blank=True, help_text=_("E.g. “Presentation”.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("participating organization")
        verbose_name_plural = _("participating organizations")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization"], name="events_participant_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} took part in {self.event}"


class EventSponsor(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sponsors")
    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_events",
        verbose_name=_("member organization"),
    )
    website = models.URLField(_("website"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="events_sponsor_once")
        ]

    def __str__(self) -> str:
        return self.name


def speaker_photo_path(instance, filename: str) -> str:
    return f"events/speakers/{filename}"


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
        verbose_name=_("member organization"),
    )
    photo = models.ImageField(
        _("photo"), upload_to=speaker_photo_path, blank=True, validators=[validate_image]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.name.split()[:2]).upper() or "?"


class EventLink(models.Model):
    """A recording, slides or another material, for the archive."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("recording or material")
        verbose_name_plural = _("recordings and materials")
        ordering = ["position", "id"]
        constraints = [choices_check("kind", LinkKind)]

    def __str__(self) -> str:
        return self.title


class RegistrationQuestion(models.Model):
    """An extra question of the registration form (dietary needs, interpretation…)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=250)
    help_text = models.CharField(_("hint"), max_length=250, blank=True)
    kind = models.CharField(
        _("answer"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["position", "id"]
        constraints = [choices_check("kind", QuestionKind)]

    def __str__(self) -> str:
        return self.label

    @property
    def field_name(self) -> str:
        return f"question_{self.pk}"


class EventRegistration(models.Model):
    """One person's registration for one event (a person registers once: by e-mail address).

    Every change of ``status`` goes through ``events.services``; ``revision`` grows with each
    change and keeps the e-mails of each change distinct (idempotency keys).
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("portal user"),
    )
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("member organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    organization_name = models.CharField(_("organization"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    requested_at = models.DateTimeField(
        _("asked for a place"),
        null=True,
        blank=True,
        help_text=_("The waitlist moves up in this order (first come, first served)."),
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("place confirmed"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved up from the waitlist"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["requested_at", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "event", Lower("email"), name="events_one_registration_per_person"
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="events_one_registration_per_user",
            ),
            choices_check("status", RegistrationStatus),
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "waitlisted"])
                | Q(requested_at__isnull=False),
                name="events_registration_active_has_request_time",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "requested_at"], name="events_reg_queue"),
            models.Index(Lower("email"), name="events_reg_email"),
            # The back office's list in its default order, a page at a time.
            models.Index(fields=["requested_at", "created_at", "id"], name="events_reg_requested"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.event}"

    @property
    def is_active(self) -> bool:
        return self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class CalendarFeedToken(models.Model):
    """The secret in the address of a person's own calendar feed (their registrations)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feed_token"
    )
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
