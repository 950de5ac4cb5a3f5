"""Resolutions, candidates, votes, the frozen roll of electors, proxies, secret ballots and decisions."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check

from ..enums import (
    Choice,
    Majority,
    Outcome,
    ResolutionAction,
    TieRule,
    VoteStatus,
)
from .bodies import AgendaItem, Body, Meeting, MeetingDocument


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
