"""WeGO's governing bodies, their seats, meetings, resolutions, online votes and decisions.

Secret ballots: the record of *who voted* (``Elector``) and the *ballot contents* (``Ballot``)
share no key, no timestamp and no sequence. A ballot's key is a random UUID, it has no creation
time, and when the vote closes the ballots are rewritten in a random order in one transaction
(``services.vote_close``), so neither their physical order nor their row versions follow the
order in which people voted. The receipt code is stored only on the ballot and shown only to
the person who cast it.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check
from wego_portal.files import private_storage, validate_pdf

from .enums import (
    BodyKind,
    Choice,
    Majority,
    MeetingFormat,
    MeetingStatus,
    Outcome,
    ResolutionAction,
    SeatRole,
    TieRule,
    Visibility,
    VoteStatus,
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


class Resolution(models.Model):
    """A motion or an election put to a body, at a meeting or by written procedure."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="resolutions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="resolutions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="resolutions"
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text of the resolution"))
    majority = models.CharField(
        _("majority required"), max_length=20, choices=Majority.choices, default=Majority.SIMPLE
    )
    seats_to_fill = models.PositiveSmallIntegerField(_("seats to fill (elections)"), default=1)
    tie_rule = models.CharField(
        _("tie rule (elections)"),
        max_length=30,
        choices=TieRule.choices,
        default=TieRule.LONGEST_MEMBERSHIP,
    )
    action = models.CharField(
        _("what the decision does"),
        max_length=30,
        choices=ResolutionAction.choices,
        default=ResolutionAction.NONE,
    )
    membership_applications = models.ManyToManyField(
        "members.MembershipApplication",
        blank=True,
        related_name="resolutions",
        verbose_name=_("membership requests to approve"),
    )
    office = models.ForeignKey(
        "members.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("office to approve"),
    )
    document = models.ForeignKey(
        MeetingDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("document to adopt"),
    )
    written_procedure = models.BooleanField(
        _("written procedure"),
        default=False,
        help_text=_("Decided by an online vote between meetings."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_check("majority", Majority),
            choices_check("tie_rule", TieRule),
            choices_check("action", ResolutionAction),
            models.CheckConstraint(
                condition=~Q(action="approve_office") | Q(office__isnull=False),
                name="governance_office_action_names_office",
            ),
            models.CheckConstraint(
                condition=~Q(action="adopt_document") | Q(document__isnull=False),
                name="governance_document_action_names_document",
            ),
            models.CheckConstraint(
                condition=Q(seats_to_fill__gte=1), name="governance_resolution_seats_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if (
            self.agenda_item_id
            and self.meeting_id
            and self.agenda_item.meeting_id != self.meeting_id
        ):
            raise ValidationError({"agenda_item": _("This agenda item is on another meeting.")})


class Candidate(models.Model):
    """A candidate in an election: a member organization (its representative named)."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="candidates")
    organization = models.ForeignKey("members.Organization", on_delete=models.PROTECT)
    person_name = models.CharField(_("representative"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position on the ballot"), default=0)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["resolution", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "organization"], name="governance_candidate_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}{f' ({self.person_name})' if self.person_name else ''}"


class Vote(models.Model):
    """The online vote on a resolution: its window, secrecy and the rules copied at opening."""

    resolution = models.OneToOneField(Resolution, on_delete=models.PROTECT, related_name="vote")
    status = models.CharField(
        _("status"), max_length=20, choices=VoteStatus.choices, default=VoteStatus.DRAFT
    )
    secret = models.BooleanField(
        _("secret ballot"),
        default=True,
        help_text=_("Secret: only receipt codes are published. Open: who voted how is shown."),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    remind_before_hours = models.PositiveSmallIntegerField(
        _("reminder (hours before closing)"), default=24
    )
    # Copied from the body when the vote opens.
    eligible_count = models.PositiveIntegerField(_("eligible members"), null=True, blank=True)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (percentage)"), null=True, blank=True
    )
    max_proxies_per_holder = models.PositiveSmallIntegerField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-closes_at", "-id"]
        constraints = [
            choices_check("status", VoteStatus),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="governance_vote_window_order"
            ),
        ]

    def __str__(self) -> str:
        return str(self.resolution)

    def get_absolute_url(self) -> str:
        return reverse("governance:vote", kwargs={"pk": self.pk})

    def is_open_at(self, now) -> bool:
        return self.status == VoteStatus.OPEN and self.opens_at <= now < self.closes_at


class Elector(models.Model):
    """One member organization on a vote's roll, frozen when the vote opens: *who* voted.

    Never linked to a ballot: no ballot key, no receipt, no time of voting.
    """

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="electors")
    organization = models.ForeignKey("members.Organization", on_delete=models.PROTECT)
    has_voted = models.BooleanField(default=False)
    voted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proxy_holder = models.ForeignKey(
        "members.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member that voted for this one by proxy."),
    )

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electors")
        ordering = ["vote", "organization__sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "organization"], name="governance_elector_once")
        ]

    def __str__(self) -> str:
        return str(self.organization)


class Proxy(models.Model):
    """A member's proxy for one vote, given to another member on the roll."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(
        "members.Organization", on_delete=models.PROTECT, related_name="proxies_given"
    )
    holder = models.ForeignKey(
        "members.Organization", on_delete=models.PROTECT, related_name="proxies_held"
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        ordering = ["vote", "given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "giver"], name="governance_one_proxy_per_giver"
            ),
            models.CheckConstraint(
                condition=~Q(giver=F("holder")), name="governance_proxy_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.holder}"


def new_ballot_key() -> uuid.UUID:
    return uuid.uuid4()


class Ballot(models.Model):
    """*What* was voted: a random key, the receipt code, the choice; no voter, no time.

    For an open vote (``secret`` False) the voting organization is recorded, so the result
    can show who voted how; a secret ballot must have none (a database constraint).
    """

    id = models.UUIDField(primary_key=True, default=new_ballot_key, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    receipt = models.CharField(_("receipt code"), max_length=20, unique=True)
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices, blank=True)
    candidates = models.JSONField(_("candidates chosen"), default=list, blank=True)
    secret = models.BooleanField()
    organization = models.ForeignKey(
        "members.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            choices_check("choice", Choice, allow_blank=True),
            models.CheckConstraint(
                condition=Q(secret=True, organization__isnull=True)
                | Q(secret=False, organization__isnull=False),
                name="governance_secret_ballot_has_no_voter",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt


class Decision(models.Model):
    """The outcome of a resolution, with the vote figures, and what it did."""

    resolution = models.OneToOneField(Resolution, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    decided_on = models.DateField(_("decided on"))
    date_text = models.CharField(
        _("date as known"),
        max_length=80,
        blank=True,
        help_text=_("Shown instead of the day when only the month is known: “November 2020”."),
    )
    admitted_members = models.ManyToManyField(
        "members.Organization",
        blank=True,
        related_name="admission_decisions",
        verbose_name=_("members admitted"),
    )
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(_("ballots cast"), null=True, blank=True)
    eligible = models.PositiveIntegerField(_("eligible members"), null=True, blank=True)
    quorum_met = models.BooleanField(_("quorum met"), null=True, blank=True)
    elected = models.ManyToManyField(Candidate, blank=True, related_name="elected_by")
    results = models.JSONField(_("votes per candidate"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    action_done_at = models.DateTimeField(_("carried out"), null=True, blank=True)
    action_note = models.TextField(_("what was done"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-id"]
        constraints = [choices_check("outcome", Outcome)]

    def __str__(self) -> str:
        return f"{self.resolution} — {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return reverse("governance:decision", kwargs={"pk": self.pk})

    @property
    def is_positive(self) -> bool:
        return self.outcome in {Outcome.ADOPTED, Outcome.ELECTED, Outcome.RECORDED}


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
