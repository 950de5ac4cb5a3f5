"""Every write of the governance app: seats, delegates, meetings, votes, ballots, decisions.

Views, admin actions, the API, Celery beat and the data loader call these functions. Each runs
in one transaction, checks the acting user against a named permission of ``governance.rules``
(``None`` is the system: the schedule run by Celery beat, the data loader), takes the status the
actor saw (``expected_status``) where a decision could be stale, consults the transition table
in ``governance.workflow`` and appends an ``AuditEntry``.

Secret ballots: ``ballot_cast`` marks the organization as having voted on the roll and stores
the ballot with a random key and receipt code and nothing else; ``vote_close`` rewrites the
ballots in a random order in one transaction before counting, and nothing written anywhere
(audit, notifications, logs) names a ballot's key or receipt next to a voter.
"""

import dataclasses
import datetime
import logging
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from members import services as members_services
from members.enums import MembershipClass, OrganizationStatus, Relationship
from members.models import Organization
from notifications.services import BulkRecipient, notification_create_bulk
from wego_portal.links import absolute_url
from wego_portal.stale_decisions import check_expected_status

from . import workflow
from .enums import (
    Choice,
    Majority,
    MeetingStatus,
    Outcome,
    ResolutionAction,
    TieRule,
    VoteStatus,
)
from .errors import (
    AlreadyVoted,
    GovernanceError,
    InvalidBallot,
    NotEligible,
    StaleStatus,
    VoteClosed,
)
from .models import (
    Attendance,
    AuditEntry,
    Ballot,
    Body,
    Decision,
    Delegate,
    Elector,
    Meeting,
    Proxy,
    Resolution,
    Seat,
    Vote,
)

logger = logging.getLogger(__name__)

V = VoteStatus
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


def _require(user, permission: str, obj=None) -> None:
    """``user`` None is the system (Celery beat, the data loader); anyone else needs the
    permission."""
    if user is not None and not user.has_perm(permission, obj):
        raise PermissionDenied


def _expect(current: str, expected_status: str | None, label) -> None:
    """The stale-decision guard (``wego_portal.stale_decisions``): refuse when the record moved
    since the actor looked at it; ``None`` (Celery beat, a script) is not checked."""
    try:
        check_expected_status(current=current, expected=expected_status, error=StaleStatus)
    except StaleStatus as exc:
        raise StaleStatus(
            _("This %(what)s changed meanwhile (it is now “%(status)s”): reload and try again.")
            % {"what": label, "status": current},
            expected=exc.expected,
            current=exc.current,
        ) from None


def audit(
    action: str,
    *,
    actor: User | None,
    meeting: Meeting | None = None,
    vote: Vote | None = None,
    decision: Decision | None = None,
    organization: Organization | None = None,
    from_status: str = "",
    to_status: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        action=action,
        meeting=meeting,
        vote=vote,
        decision=decision,
        organization=organization,
        from_status=from_status,
        to_status=to_status,
        detail=detail or {},
    )


# --- Seats and delegates -----------------------------------------------------------------------


@transaction.atomic
def seat_grant(
    *,
    body: Body,
    organization: Organization,
    role: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None = None,
    note: str = "",
    granted_by: User | None,
) -> Seat:
    """Give ``organization`` a seat on ``body`` for a term. Side effects: audit row."""
    _require(granted_by, "governance.manage")
    seat = Seat.objects.create(
        body=body,
        organization=organization,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
    )
    audit(
        "seat.granted",
        actor=granted_by,
        organization=organization,
        detail={"body": body.kind, "role": role, "starts_on": str(starts_on or "")},
    )
    return seat


@transaction.atomic
def delegate_name(*, organization: Organization, user: User, named_by: User) -> Delegate:
    """Name one of the organization's people as a voting delegate. Side effects: audit row."""
    _require(named_by, "governance.name_delegates", organization)
    if not organization.people.filter(user=user).exists():
        raise GovernanceError(_("A delegate must be one of the organization's people."))
    existing = Delegate.objects.filter(organization=organization, user=user, ended_at=None).first()
    if existing is not None:
        return existing
    delegate = Delegate.objects.create(organization=organization, user=user, named_by=named_by)
    audit(
        "delegate.named",
        actor=named_by,
        organization=organization,
        detail={"delegate": user.email},
    )
    return delegate


@transaction.atomic
def delegate_end(*, delegate: Delegate, ended_by: User) -> Delegate:
    """Withdraw a delegation (kept in the history). Side effects: audit row."""
    _require(ended_by, "governance.name_delegates", delegate.organization)
    if delegate.ended_at is None:
        delegate.ended_at = timezone.now()
        delegate.save(update_fields=["ended_at"])
        audit(
            "delegate.ended",
            actor=ended_by,
            organization=delegate.organization,
            detail={"delegate": delegate.user.email},
        )
    return delegate


# --- Meetings ----------------------------------------------------------------------------------


@transaction.atomic
def meeting_move(
    *, meeting: Meeting, to_status: str, moved_by: User | None, expected_status: str | None
) -> Meeting:
    """Open the session, mark the meeting held, or cancel it. Side effects: audit row."""
    _require(moved_by, "governance.manage", meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _expect(locked.status, expected_status, _("meeting"))
    workflow.check_meeting_move(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    audit(
        "meeting.moved",
        actor=moved_by,
        meeting=locked,
        from_status=from_status,
        to_status=to_status,
    )
    meeting.status = to_status
    return locked


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, organization: Organization, present: bool, recorded_by: User | None
) -> None:
    """Record a member as present (or no longer present) at a meeting in session."""
    _require(recorded_by, "governance.manage", meeting)
    if meeting.status not in {MeetingStatus.IN_SESSION, MeetingStatus.PLANNED}:
        raise GovernanceError(_("Attendance is recorded only before and during the session."))
    if present:
        Attendance.objects.get_or_create(meeting=meeting, organization=organization)
    else:
        Attendance.objects.filter(meeting=meeting, organization=organization).delete()
    audit(
        "meeting.attendance",
        actor=recorded_by,
        meeting=meeting,
        organization=organization,
        detail={"present": present},
    )


@transaction.atomic
def meeting_minutes_approve(
    *, meeting: Meeting, approved_at: Meeting, approved_by: User | None
) -> Meeting:
    """Record that ``approved_at`` (a later meeting of the same body) approved the minutes."""
    _require(approved_by, "governance.manage", meeting)
    if approved_at.body_id != meeting.body_id or approved_at.pk == meeting.pk:
        raise GovernanceError(_("Minutes are approved at a later meeting of the same body."))
    if not meeting.minutes:
        raise GovernanceError(_("There are no minutes to approve yet."))
    meeting.minutes_approved_at = approved_at
    meeting.save(update_fields=["minutes_approved_at", "updated_at"])
    audit("meeting.minutes_approved", actor=approved_by, meeting=meeting)
    return meeting


# --- Eligibility -------------------------------------------------------------------------------


def eligible_organizations(body: Body, *, on: datetime.date | None = None):
    """Who votes in ``body`` today: the Executive Committee's current seat holders; for the
    General Assembly, members in good standing of the voting membership classes."""
    on = on or timezone.localdate()
    if body.seats_by_seat_holders:
        seats = Seat.objects.filter(body=body).filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=on),
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
        )
        return Organization.objects.filter(
            pk__in=seats.values("organization_id"), status=OrganizationStatus.ACTIVE
        )
    classes = body.voting_classes or [MembershipClass.FULL]
    return Organization.objects.filter(
        relationship=Relationship.MEMBER,
        status=OrganizationStatus.ACTIVE,
        membership_class__in=classes,
    )


# --- Votes: the window -------------------------------------------------------------------------


def _lock_vote(vote: Vote) -> Vote:
    return (
        Vote.objects.select_for_update(of=("self",))
        .select_related("resolution__body")
        .get(pk=vote.pk)
    )


def _move_vote(
    vote: Vote, *, to_status: str, by: User | None, expected_status: str | None, **detail
) -> tuple[Vote, str]:
    locked = _lock_vote(vote)
    _expect(locked.status, expected_status, _("vote"))
    workflow.check_vote_move(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    audit(
        f"vote.{to_status}",
        actor=by,
        vote=locked,
        meeting=locked.resolution.meeting,
        from_status=from_status,
        to_status=to_status,
        detail={k: v for k, v in detail.items() if v is not None},
    )
    return locked, from_status


def _sync(target: Vote, source: Vote) -> None:
    for name in ("status", "eligible_count", "quorum_percent", "max_proxies_per_holder"):
        setattr(target, name, getattr(source, name))


@transaction.atomic
def vote_schedule(*, vote: Vote, scheduled_by: User | None, expected_status: str | None) -> Vote:
    """Schedule a prepared vote: Celery beat opens it at ``opens_at`` and closes it at
    ``closes_at``. Side effects: audit row."""
    _require(scheduled_by, "governance.manage", vote)
    locked, _from = _move_vote(
        vote, to_status=V.SCHEDULED, by=scheduled_by, expected_status=expected_status
    )
    if locked.closes_at <= timezone.now():
        raise GovernanceError(_("The closing time has passed: set a new window first."))
    locked.save(update_fields=["status"])
    _sync(vote, locked)
    return locked


@transaction.atomic
def vote_open(*, vote: Vote, opened_by: User | None, expected_status: str | None, now=None) -> Vote:
    """Open the vote: freeze the roll of eligible members and the rules in force (quorum,
    proxies), and tell every delegate on the roll.

    Refused when the closing time has passed or nobody is eligible. Side effects: one elector
    row per eligible member; audit row; a notice to each delegate.
    """
    _require(opened_by, "governance.manage", vote)
    now = now or timezone.now()
    locked, _from = _move_vote(
        vote, to_status=V.OPEN, by=opened_by, expected_status=expected_status
    )
    if locked.closes_at <= now:
        raise GovernanceError(_("The closing time has passed: set a new window first."))
    body = locked.resolution.body
    organizations = list(eligible_organizations(body).order_by("sort_name", "pk"))
    if not organizations:
        raise GovernanceError(_("Nobody is eligible to vote in %(body)s.") % {"body": body})
    if locked.opens_at > now:
        locked.opens_at = now  # opened early by the Secretariat
    Elector.objects.bulk_create(Elector(vote=locked, organization=o) for o in organizations)
    locked.eligible_count = len(organizations)
    locked.quorum_percent = body.quorum_percent
    locked.max_proxies_per_holder = body.max_proxies_per_holder
    locked.save(
        update_fields=[
            "status",
            "opens_at",
            "eligible_count",
            "quorum_percent",
            "max_proxies_per_holder",
        ]
    )
    _notify_delegates(
        locked,
        organizations=organizations,
        kind="governance.vote.opened",
        key="opened",
    )
    _sync(vote, locked)
    return locked


@transaction.atomic
def vote_cancel(*, vote: Vote, cancelled_by: User | None, expected_status: str | None) -> Vote:
    """Cancel a vote before it closes; ballots already cast are kept, never counted."""
    _require(cancelled_by, "governance.manage", vote)
    locked, _from = _move_vote(
        vote, to_status=V.CANCELLED, by=cancelled_by, expected_status=expected_status
    )
    locked.save(update_fields=["status"])
    _sync(vote, locked)
    return locked


def _shuffle_ballots(vote: Vote) -> None:
    """Rewrite the vote's ballots in a random order, in this transaction: afterwards their
    physical order and row versions say nothing about the order in which they were cast."""
    ballots = list(
        Ballot.objects.filter(vote=vote).values(
            "id", "receipt", "choice", "candidates", "secret", "organization_id"
        )
    )
    secrets.SystemRandom().shuffle(ballots)
    Ballot.objects.filter(vote=vote).delete()
    Ballot.objects.bulk_create(Ballot(vote=vote, **row) for row in ballots)


@transaction.atomic
def vote_close(
    *, vote: Vote, closed_by: User | None, expected_status: str | None, now=None
) -> Decision:
    """Close the vote, count it and record the decision; carry the decision out if adopted.

    The Secretariat may close early only when every member on the roll has voted; Celery beat
    closes at ``closes_at``. Side effects: ballots rewritten in random order; the decision (with
    the figures, published); the resolution's action through the other apps' services
    (membership approvals that cite the decision, an office approval, a document adopted);
    audit rows; a notice of the result to every delegate on the roll.
    """
    _require(closed_by, "governance.manage", vote)
    now = now or timezone.now()
    locked, _from = _move_vote(
        vote, to_status=V.CLOSED, by=closed_by, expected_status=expected_status
    )
    if now < locked.closes_at and locked.electors.filter(has_voted=False).exists():
        raise GovernanceError(
            _("The vote closes at its deadline; it can close early only when everyone has voted.")
        )
    if now < locked.closes_at:
        locked.closes_at = now
    locked.save(update_fields=["status", "closes_at"])
    _shuffle_ballots(locked)
    tally = tally_compute(vote=locked)
    decision = _decision_from_tally(locked, tally, decided_on=timezone.localdate(now))
    audit(
        "decision.recorded",
        actor=closed_by,
        vote=locked,
        decision=decision,
        to_status=decision.outcome,
        detail=tally.as_dict(),
    )
    if decision.outcome in {Outcome.ADOPTED, Outcome.ELECTED}:
        if closed_by is None and locked.resolution.action == ResolutionAction.APPROVE_MEMBERSHIP:
            # Admitting members is an officer's act (members.decide_membership_application):
            # a vote closed by the clock leaves it on the Secretariat's dashboard.
            audit("decision.awaiting_officer", actor=None, vote=locked, decision=decision)
        else:
            decision = decision_carry_out(decision=decision, carried_out_by=closed_by)
    _notify_delegates(
        locked,
        organizations=[e.organization for e in locked.electors.select_related("organization")],
        kind="governance.vote.closed",
        key="closed",
        extra={"decision": decision},
    )
    _sync(vote, locked)
    return decision


@transaction.atomic
def written_procedure_start(
    *,
    body: Body,
    title: str,
    text: str,
    closes_at: datetime.datetime,
    started_by: User | None,
    membership_applications: Sequence = (),
    secret: bool = True,
    majority: str = Majority.SIMPLE,
) -> Vote:
    """Put a resolution to ``body`` by written procedure: an online vote open from now until
    ``closes_at``. With membership requests, the resolution approves them when adopted.

    Side effects: the resolution and its vote; those of ``vote_open`` (roll, notices, audit).
    """
    _require(started_by, "governance.manage")
    pending = [a for a in membership_applications if a.status == "pending"]
    if len(pending) != len(membership_applications):
        raise GovernanceError(_("Only pending membership requests can be put to a vote."))
    resolution = Resolution.objects.create(
        body=body,
        title=title,
        text=text,
        majority=majority,
        written_procedure=True,
        action=ResolutionAction.APPROVE_MEMBERSHIP if pending else ResolutionAction.NONE,
    )
    resolution.membership_applications.set(pending)
    vote = Vote.objects.create(
        resolution=resolution, secret=secret, opens_at=timezone.now(), closes_at=closes_at
    )
    return vote_open(vote=vote, opened_by=started_by, expected_status=V.DRAFT)


# --- Ballots -----------------------------------------------------------------------------------


VOTE_FOR_SHARE = "SELECT * FROM governance_vote WHERE id = %s FOR SHARE"


def _vote_for_share(vote: Vote) -> Vote:
    """The vote row, locked against closing (but not against other ballots) until commit."""
    if connection.vendor == "postgresql":
        rows = list(Vote.objects.raw(VOTE_FOR_SHARE, [vote.pk]))
        if not rows:
            raise Vote.DoesNotExist
        return rows[0]
    return Vote.objects.get(pk=vote.pk)


def _new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _check_choice(resolution: Resolution, choice: str, candidate_ids: Sequence[int]) -> list[int]:
    if resolution.majority == Majority.ELECTION:
        if choice:
            raise InvalidBallot(_("In an election, choose candidates."))
        try:
            ids = sorted({int(c) for c in candidate_ids})
        except (TypeError, ValueError):
            raise InvalidBallot(_("Choose among the candidates on the ballot.")) from None
        if len(ids) != len(list(candidate_ids)):
            raise InvalidBallot(_("Choose each candidate at most once."))
        valid = set(resolution.candidates.values_list("pk", flat=True))
        if not set(ids) <= valid:
            raise InvalidBallot(_("Choose among the candidates on the ballot."))
        if len(ids) > resolution.seats_to_fill:
            raise InvalidBallot(
                _("Choose at most %(n)d candidates.") % {"n": resolution.seats_to_fill}
            )
        return ids
    if candidate_ids:
        raise InvalidBallot(_("This resolution has no candidates."))
    if choice not in Choice.values:
        raise InvalidBallot(_("Choose For, Against or Abstain."))
    return []


def voting_organizations_for(
    user: User, vote: Vote
) -> list[tuple[Organization, Organization | None]]:
    """The members ``user`` may vote for on ``vote``: (member, proxy holder or None)."""
    from .rules import delegated_organization_ids

    mine = delegated_organization_ids(user)
    if not mine:
        return []
    proxies = {p.giver_id: p for p in vote.proxies.select_related("giver", "holder")}
    out = []
    for elector in vote.electors.select_related("organization").order_by("organization__sort_name"):
        proxy = proxies.get(elector.organization_id)
        if proxy is None and elector.organization_id in mine:
            out.append((elector.organization, None))
        elif proxy is not None and proxy.holder_id in mine:
            out.append((elector.organization, proxy.holder))
    return out


@transaction.atomic
def ballot_cast(
    *,
    vote: Vote,
    organization: Organization,
    cast_by: User,
    choice: str = "",
    candidate_ids: Sequence[int] = (),
    now=None,
) -> str:
    """Cast ``organization``'s one ballot; returns the receipt code (shown once, stored nowhere
    but on the ballot).

    ``cast_by`` must be a delegate of ``organization`` or, when it gave its proxy, of the proxy
    holder (and then only the holder votes for it). Refused: outside the window
    (``VoteClosed``), not on the roll or not allowed to vote for it (``NotEligible``), a second
    ballot (``AlreadyVoted``), a choice that does not fit (``InvalidBallot``). Side effects: the
    roll marks the member as voted (by whom, through which proxy); one ballot row; an audit row
    that names the member, never the ballot.
    """
    now = now or timezone.now()
    current = _vote_for_share(vote)
    if not current.is_open_at(now):
        raise VoteClosed(_("This vote is not open: ballots are no longer accepted."))
    resolution = Resolution.objects.get(pk=current.resolution_id)
    candidates = _check_choice(resolution, choice, candidate_ids)
    proxy = Proxy.objects.filter(vote=current, giver=organization).first()
    holder = proxy.holder if proxy is not None else None
    acting_for = holder or organization
    if not cast_by.has_perm("governance.vote_for_organization", acting_for):
        raise NotEligible(
            _("You cannot vote for %(org)s on this resolution.") % {"org": organization}
            if proxy is None
            else _("%(org)s gave its proxy to %(holder)s: only %(holder)s votes for it.")
            % {"org": organization, "holder": holder}
        )
    marked = Elector.objects.filter(
        vote=current, organization=organization, has_voted=False
    ).update(has_voted=True, voted_by=cast_by, proxy_holder=holder)
    if not marked:
        if Elector.objects.filter(vote=current, organization=organization).exists():
            raise AlreadyVoted(_("%(org)s has already voted.") % {"org": organization})
        raise NotEligible(_("%(org)s is not on this vote's roll.") % {"org": organization})
    receipt = _insert_ballot(
        current, choice=choice, candidates=candidates, organization=organization
    )
    audit(
        "ballot.cast",
        actor=cast_by,
        vote=current,
        organization=organization,
        detail={"proxy_holder": holder.name} if holder else {},
    )
    return receipt


def _insert_ballot(vote: Vote, *, choice: str, candidates: list[int], organization) -> str:
    for _attempt in range(5):
        receipt = _new_receipt()
        try:
            with transaction.atomic():
                Ballot.objects.create(
                    vote=vote,
                    receipt=receipt,
                    choice=choice,
                    candidates=candidates,
                    secret=vote.secret,
                    organization=None if vote.secret else organization,
                )
        except IntegrityError:
            continue  # a receipt collision (60 bits): draw another
        return receipt
    raise GovernanceError("Could not draw a unique receipt code.")


# --- Proxies -----------------------------------------------------------------------------------


@transaction.atomic
def proxy_give(*, vote: Vote, giver: Organization, holder: Organization, given_by: User) -> Proxy:
    """``giver`` (which has not voted) lets ``holder`` vote for it on this vote.

    Both must be on the roll; the holder may hold at most the body's number of proxies (one
    unless the rules say otherwise); a member holding a proxy cannot pass its own vote on.
    Side effects: audit row; a notice to the holder's delegates.
    """
    if not given_by.has_perm("governance.vote_for_organization", giver):
        raise PermissionDenied
    locked = _lock_vote(vote)
    if not locked.is_open_at(timezone.now()):
        raise VoteClosed(_("Proxies are given while the vote is open (its roll is then fixed)."))
    electors = {
        e.organization_id: e
        for e in Elector.objects.filter(vote=locked, organization__in=[giver, holder])
    }
    if giver.pk not in electors or holder.pk not in electors:
        raise NotEligible(_("Both members must be on this vote's roll."))
    if giver.pk == holder.pk:
        raise GovernanceError(_("Give the proxy to another member."))
    if electors[giver.pk].has_voted:
        raise AlreadyVoted(_("%(org)s has already voted.") % {"org": giver})
    if Proxy.objects.filter(vote=locked, giver=giver).exists():
        raise GovernanceError(_("%(org)s has already given its proxy.") % {"org": giver})
    if Proxy.objects.filter(vote=locked, giver=holder).exists():
        raise GovernanceError(
            _("%(org)s has given its own proxy and cannot hold one.") % {"org": holder}
        )
    limit = locked.max_proxies_per_holder if locked.max_proxies_per_holder is not None else 1
    if Proxy.objects.filter(vote=locked, holder=holder).count() >= limit:
        raise GovernanceError(
            _("%(org)s already holds the most proxies the rules allow (%(n)d).")
            % {"org": holder, "n": limit}
        )
    proxy = Proxy.objects.create(vote=locked, giver=giver, holder=holder, given_by=given_by)
    audit(
        "proxy.given",
        actor=given_by,
        vote=locked,
        organization=giver,
        detail={"holder": holder.name},
    )
    _notify_delegates(
        locked,
        organizations=[holder],
        kind="governance.proxy.given",
        key=f"proxy-{giver.pk}",
        extra={"giver": giver},
    )
    return proxy


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


# --- The schedule (Celery beat) ----------------------------------------------------------------


@dataclasses.dataclass
class ScheduleReport:
    opened: list[int] = dataclasses.field(default_factory=list)
    closed: list[int] = dataclasses.field(default_factory=list)
    reminded: list[int] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)


def votes_run_schedule(*, now=None) -> ScheduleReport:
    """Open scheduled votes whose time has come, close open votes past their deadline, remind
    delegates of members that have not voted. Each vote in its own transaction; idempotent."""
    now = now or timezone.now()
    report = ScheduleReport()
    for vote in Vote.objects.filter(status=V.SCHEDULED, opens_at__lte=now, closes_at__gt=now):
        try:
            vote_open(vote=vote, opened_by=None, expected_status=V.SCHEDULED, now=now)
            report.opened.append(vote.pk)
        except GovernanceError as exc:
            report.failed.append(f"open {vote.pk}: {exc}")
    for vote in Vote.objects.filter(status=V.OPEN, closes_at__lte=now):
        try:
            vote_close(vote=vote, closed_by=None, expected_status=V.OPEN, now=now)
            report.closed.append(vote.pk)
        except GovernanceError as exc:
            report.failed.append(f"close {vote.pk}: {exc}")
    for vote in Vote.objects.filter(status=V.OPEN, reminded_at=None, closes_at__gt=now):
        if vote.closes_at - datetime.timedelta(hours=vote.remind_before_hours) <= now:
            vote_remind(vote=vote, now=now)
            report.reminded.append(vote.pk)
    return report


@transaction.atomic
def vote_remind(*, vote: Vote, now=None) -> int:
    """Remind the delegates of members that have not voted (once per vote). Returns the number
    of members reminded. Side effects: notices; audit row."""
    locked = _lock_vote(vote)
    if locked.reminded_at is not None or locked.status != V.OPEN:
        return 0
    waiting = [
        e.organization
        for e in locked.electors.filter(has_voted=False).select_related("organization")
    ]
    proxies = {p.giver_id: p.holder for p in locked.proxies.select_related("holder")}
    to_remind = {proxies.get(o.pk, o).pk: proxies.get(o.pk, o) for o in waiting}
    _notify_delegates(
        locked, organizations=to_remind.values(), kind="governance.vote.reminder", key="reminder"
    )
    locked.reminded_at = now or timezone.now()
    locked.save(update_fields=["reminded_at"])
    audit("vote.reminded", actor=None, vote=locked, detail={"members": len(waiting)})
    return len(waiting)
