"""Votes: their window, ballots and proxies."""

import datetime
import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from members.models import Organization

from .. import workflow
from ..enums import (
    Choice,
    Majority,
    Outcome,
    ResolutionAction,
)
from ..errors import (
    AlreadyVoted,
    GovernanceError,
    InvalidBallot,
    NotEligible,
    VoteClosed,
)
from ..models import (
    Ballot,
    Body,
    Decision,
    Elector,
    Proxy,
    Resolution,
    Vote,
)
from .decisions import _decision_from_tally, _notify_delegates, decision_carry_out, tally_compute
from .meetings import RECEIPT_ALPHABET, V, _expect, _require, audit, eligible_organizations

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
    from ..rules import delegated_organization_ids

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
