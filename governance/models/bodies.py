"""WeGO's governing bodies, their seats, meetings, resolutions, online votes and decisions.

Secret ballots: the record of *who voted* (``Elector``) and the *ballot contents* (``Ballot``)
share no key, no timestamp and no sequence. A ballot's key is a random UUID, it has no creation
time, and when the vote closes the ballots are rewritten in a random order in one transaction
(``services.vote_close``), so neither their physical order nor their row versions follow the
order in which people voted. The receipt code is stored only on the ballot and shown only to
the person who cast it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check
from wego_portal.files import private_storage, validate_pdf

from ..enums import (
    BodyKind,
    MeetingFormat,
    MeetingStatus,
    SeatRole,
    Visibility,
)


class Body(models.Model):
    """A governing body: the General Assembly, the Executive Committee, the Secretariat.

    The rules in force for its votes live here and are copied onto each vote when it opens,
    so a later change of the rules never alters a vote already under way.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=BodyKind.choices, unique=True)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    voting_classes = models.JSONField(
        _("membership classes that vote"),
        default=list,
        blank=True,
        help_text=_(
            "General Assembly: the membership classes whose members in good standing vote "
            "(default: Full members). The Executive Committee's voters are its seat holders."
        ),
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (percentage of eligible members voting)"), default=50
    )
    max_proxies_per_holder = models.PositiveSmallIntegerField(
        _("proxies one member may hold"), default=1
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("governing body")
        verbose_name_plural = _("governing bodies")
        ordering = ["position", "name"]
        constraints = [
            choices_check("kind", BodyKind),
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=0, quorum_percent__lte=100),
                name="governance_body_quorum_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def seats_by_seat_holders(self) -> bool:
        return self.kind == BodyKind.EXECUTIVE_COMMITTEE


class Seat(models.Model):
    """A member organization's seat on a body for a term (the history is kept)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="seats")
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=30, choices=SeatRole.choices)
    starts_on = models.DateField(_("term starts"), null=True, blank=True)
    ends_on = models.DateField(_("term ends"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["body__position", "role", "organization__sort_name"]
        constraints = [
            choices_check("role", SeatRole),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="governance_seat_term_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.body}: {self.organization}"

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (self.starts_on is None or self.starts_on <= on) and (
            self.ends_on is None or self.ends_on >= on
        )


class Delegate(models.Model):
    """A person named by a member organization to vote for it."""

    organization = models.ForeignKey(
        "members.Organization", on_delete=models.CASCADE, related_name="delegates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations"
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    named_at = models.DateTimeField(_("named"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("voting delegate")
        verbose_name_plural = _("voting delegates")
        ordering = ["organization__sort_name", "named_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(ended_at__isnull=True),
                name="governance_one_active_delegation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organization})"


class Meeting(models.Model):
    """A session of the Executive Committee or the General Assembly."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=MeetingFormat.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    year = models.PositiveSmallIntegerField(_("year"))
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    date_text = models.CharField(
        _("date as known"),
        max_length=80,
        blank=True,
        help_text=_("When the exact date is not known: “November 2020”, “Q3 2021”."),
    )
    host = models.ForeignKey(
        "members.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host member"),
    )
    host_name = models.CharField(_("host"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="governance_meetings",
        verbose_name=_("event (registration, observers, broadcast)"),
    )
    broadcast_url = models.URLField(_("broadcast link"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_approved_at = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_minutes_of",
        verbose_name=_("minutes approved at"),
    )
    is_public = models.BooleanField(_("public"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-year", "-starts_at", "-id"]
        constraints = [
            choices_check("format", MeetingFormat, allow_blank=True),
            choices_check("status", MeetingStatus),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", kwargs={"slug": self.slug})

    @property
    def when(self) -> str:
        if self.starts_at:
            from django.utils.formats import date_format

            return date_format(timezone.localtime(self.starts_at), "j F Y")
        return self.date_text or str(self.year)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    closed_session = models.BooleanField(_("closed session"), default=False)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="governance_agenda_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class MeetingDocument(models.Model):
    """A paper of the meeting pack, public or for members only, from its publish date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file (PDF)"),
        storage=private_storage,
        upload_to="governance/%Y/",
        validators=[validate_pdf],
        blank=True,
    )
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    publish_on = models.DateField(_("published from"), default=timezone.localdate)
    adopted_by = models.ForeignKey(
        "Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adopted_documents",
        verbose_name=_("adopted by the decision"),
    )

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "agenda_item__position", "title"]
        constraints = [choices_check("visibility", Visibility)]

    def __str__(self) -> str:
        return self.title

    def is_published(self, on=None) -> bool:
        return self.publish_on <= (on or timezone.localdate())


class Attendance(models.Model):
    """A member organization present at a meeting (tracked live for the quorum)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organization = models.ForeignKey("members.Organization", on_delete=models.CASCADE)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization"], name="governance_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} @ {self.meeting}"
