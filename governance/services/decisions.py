"""Counting, decisions, their notifications and the schedule."""

import dataclasses
import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from members import services as members_services
from members.models import Organization
from notifications.services import BulkRecipient, notification_create_bulk
from wego_portal.links import absolute_url

from ..enums import (
    Choice,
    Majority,
    Outcome,
    ResolutionAction,
    TieRule,
)
from ..errors import (
    GovernanceError,
)
from ..models import (
    Ballot,
    Decision,
    Delegate,
    Resolution,
    Vote,
)
from .meetings import V, _require, audit

# --- Counting ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Tally:
    """The count of a vote, from its stored ballots and the frozen roll alone."""

    eligible: int
    ballots_cast: int
    votes_for: int
    votes_against: int
    abstentions: int
    quorum_percent: int
    quorum_met: bool
    majority: str
    outcome: str
    per_candidate: dict[int, int]
    elected: tuple[int, ...]
    seats_left_open: int

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["per_candidate"] = {str(k): v for k, v in self.per_candidate.items()}
        data["elected"] = list(self.elected)
        return data


def quorum_met(*, ballots_cast: int, eligible: int, quorum_percent: int) -> bool:
    """Quorum: at least ``quorum_percent`` % of the eligible members voted (exact integers)."""
    return eligible > 0 and ballots_cast * 100 >= quorum_percent * eligible


def motion_passes(*, majority: str, votes_for: int, votes_against: int) -> bool:
    """Abstentions count towards the quorum, not the majority.

    Simple majority: more for than against. Two-thirds: at least two thirds of the votes for or
    against (``3 × for ≥ 2 × (for + against)``), and at least one vote for.
    """
    if majority == Majority.TWO_THIRDS:
        return votes_for > 0 and 3 * votes_for >= 2 * (votes_for + votes_against)
    return votes_for > votes_against


def _elect(resolution: Resolution, counts: Counter) -> tuple[tuple[int, ...], int]:
    """The winners of an election and the number of seats left open by a tie (stated rule)."""
    candidates = list(resolution.candidates.select_related("organization"))
    seats = resolution.seats_to_fill
    ranked = sorted(candidates, key=lambda c: -counts.get(c.pk, 0))
    ranked = [c for c in ranked if counts.get(c.pk, 0) > 0]
    if len(ranked) <= seats:
        return tuple(c.pk for c in ranked), seats - len(ranked)
    boundary = counts[ranked[seats - 1].pk]
    above = [c for c in ranked if counts[c.pk] > boundary]
    tied = [c for c in ranked if counts[c.pk] == boundary]
    free = seats - len(above)
    if len(tied) <= free:
        return tuple(c.pk for c in above + tied), seats - len(above) - len(tied)
    if resolution.tie_rule == TieRule.LONGEST_MEMBERSHIP:
        far_future = datetime.date.max
        tied.sort(key=lambda c: (c.organization.joined_on or far_future, c.organization.sort_name))
        return tuple(c.pk for c in above + tied[:free]), 0
    return tuple(c.pk for c in above), free


def tally_compute(*, vote: Vote) -> Tally:
    """Count ``vote`` from its stored ballots (anyone with the ballots can redo it)."""
    resolution = vote.resolution
    ballots = list(Ballot.objects.filter(vote=vote).values_list("choice", "candidates"))
    eligible = vote.eligible_count or 0
    quorum_percent = vote.quorum_percent if vote.quorum_percent is not None else 0
    choices = Counter(choice for choice, _c in ballots)
    counts: Counter = Counter()
    for _choice, chosen in ballots:
        counts.update(chosen or [])
    met = quorum_met(ballots_cast=len(ballots), eligible=eligible, quorum_percent=quorum_percent)
    elected: tuple[int, ...] = ()
    left_open = 0
    if resolution.majority == Majority.ELECTION:
        if met:
            elected, left_open = _elect(resolution, counts)
        outcome = (
            Outcome.ELECTED
            if met and elected
            else (Outcome.NO_QUORUM if not met else Outcome.REJECTED)
        )
    elif not met:
        outcome = Outcome.NO_QUORUM
    else:
        passes = motion_passes(
            majority=resolution.majority,
            votes_for=choices[Choice.YES],
            votes_against=choices[Choice.NO],
        )
        outcome = Outcome.ADOPTED if passes else Outcome.REJECTED
    return Tally(
        eligible=eligible,
        ballots_cast=len(ballots),
        votes_for=choices[Choice.YES],
        votes_against=choices[Choice.NO],
        abstentions=choices[Choice.ABSTAIN],
        quorum_percent=quorum_percent,
        quorum_met=met,
        majority=resolution.majority,
        outcome=outcome,
        per_candidate=dict(sorted(counts.items())),
        elected=elected,
        seats_left_open=left_open,
    )


def _decision_from_tally(vote: Vote, tally: Tally, *, decided_on: datetime.date) -> Decision:
    resolution = vote.resolution
    summary = ""
    if tally.seats_left_open:
        summary = _("%(n)d seat(s) left open by a tie: a new round of voting is needed.") % {
            "n": tally.seats_left_open
        }
    decision = Decision.objects.create(
        resolution=resolution,
        outcome=tally.outcome,
        decided_on=decided_on,
        votes_for=tally.votes_for,
        votes_against=tally.votes_against,
        abstentions=tally.abstentions,
        ballots_cast=tally.ballots_cast,
        eligible=tally.eligible,
        quorum_met=tally.quorum_met,
        results={str(k): v for k, v in tally.per_candidate.items()},
        summary=summary,
        published=True,
    )
    if tally.elected:
        decision.elected.set(tally.elected)
    return decision


# --- Decisions ---------------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    resolution: Resolution,
    outcome: str,
    decided_on: datetime.date,
    recorded_by: User | None,
    summary: str = "",
    figures: dict | None = None,
    published: bool = True,
    carry_out: bool = True,
) -> Decision:
    """Record a decision taken in a meeting (a show of hands, a recorded vote, or a decision
    recorded from the minutes), then carry it out if it is positive.

    Side effects: the decision; audit row; the resolution's action (see ``decision_carry_out``).
    """
    _require(recorded_by, "governance.manage", resolution)
    if hasattr(resolution, "vote") and resolution.vote.status != V.CANCELLED:
        raise GovernanceError(_("This resolution is decided by its online vote."))
    decision = Decision.objects.create(
        resolution=resolution,
        outcome=outcome,
        decided_on=decided_on,
        summary=summary,
        published=published,
        **(figures or {}),
    )
    audit(
        "decision.recorded",
        actor=recorded_by,
        meeting=resolution.meeting,
        decision=decision,
        to_status=outcome,
    )
    if carry_out and decision.is_positive:
        decision = decision_carry_out(decision=decision, carried_out_by=recorded_by)
    return decision


@transaction.atomic
def decision_carry_out(*, decision: Decision, carried_out_by: User | None) -> Decision:
    """Do what the decision decided, through the other apps' services, once.

    Membership requests: each pending request is approved by ``members`` citing the decision
    (the organization is created and its contact invited), in the name of ``carried_out_by``
    (an officer: ``members.decide_membership_application``); a request that cannot be approved
    (already decided, already a member) is reported in ``action_note``, the others go ahead.
    An office: recorded as approved by the decision. A document: adopted by the decision.
    Side effects: those of the services called; audit row.
    """
    _require(carried_out_by, "governance.manage", decision)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.action_done_at is not None:
        return decision
    resolution = decision.resolution
    if not decision.is_positive:
        raise GovernanceError(_("Only an adopted decision is carried out."))
    notes: list[str] = []
    if resolution.action == ResolutionAction.APPROVE_MEMBERSHIP:
        if carried_out_by is None:
            raise GovernanceError(_("A Secretariat officer carries out membership approvals."))
        for application in resolution.membership_applications.order_by("pk"):
            try:
                with transaction.atomic():
                    organization = members_services.membership_application_approve(
                        application=application,
                        approved_by=carried_out_by,
                        decision=decision,
                    )
            except members_services.MembershipError as exc:
                notes.append(f"{application.organization_name}: {exc}")
            else:
                decision.admitted_members.add(organization)
                notes.append(_("%(org)s approved as a member.") % {"org": organization.name})
    elif resolution.action == ResolutionAction.APPROVE_OFFICE:
        office = members_services.office_approve(
            office=resolution.office, decision=decision, approved_by=carried_out_by
        )
        notes.append(_("%(office)s approved.") % {"office": office.name})
    elif resolution.action == ResolutionAction.ADOPT_DOCUMENT:
        resolution.document.adopted_by = decision
        resolution.document.save(update_fields=["adopted_by"])
        notes.append(_("“%(doc)s” adopted.") % {"doc": resolution.document.title})
    decision.action_done_at = timezone.now()
    decision.action_note = "\n".join(notes)
    decision.save(update_fields=["action_done_at", "action_note"])
    audit(
        "decision.carried_out",
        actor=carried_out_by,
        decision=decision,
        detail={"action": resolution.action, "notes": notes},
    )
    return decision


# --- Notifications -----------------------------------------------------------------------------


def _delegate_users(organizations: Iterable[Organization]) -> list[tuple[User, Organization]]:
    ids = [o.pk for o in organizations]
    delegates = Delegate.objects.filter(
        organization_id__in=ids, ended_at=None, user__is_active=True
    ).select_related("user", "organization")
    return [(d.user, d.organization) for d in delegates.order_by("organization_id", "user_id")]


def _notify_delegates(
    vote: Vote,
    *,
    organizations: Iterable[Organization],
    kind: str,
    key: str,
    extra: dict | None = None,
) -> None:
    path = reverse("governance:vote", kwargs={"pk": vote.pk})
    recipients = [
        BulkRecipient(
            user=user,
            context={"organization": organization},
            key=f"org-{organization.pk}-user-{user.pk}",
        )
        for user, organization in _delegate_users(organizations)
    ]
    if not recipients:
        return
    notification_create_bulk(
        kind=kind,
        recipients=recipients,
        about=vote,
        context={
            "vote": vote,
            "resolution": vote.resolution,
            "action_url": absolute_url(path),
            **(extra or {}),
        },
        idempotency_key=f"governance-vote-{vote.pk}-{key}",
        url=path,
    )
