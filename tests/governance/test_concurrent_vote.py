"""150 eligible members voting at once on PostgreSQL, from real threads and connections."""

import contextlib
import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from governance import services
from governance.enums import Choice, Majority, Outcome, VoteStatus
from governance.errors import AlreadyVoted, NotEligible, VoteClosed
from governance.models import Ballot, Elector, Vote
from members.enums import MembershipClass
from members.models import Organization
from tests.factories.accounts import UserFactory
from tests.factories.governance import DelegateFactory, ResolutionFactory, VoteFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory

from .conftest import full_members, postgres_only

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

ELIGIBLE = 150
PROXIES = 10  # members 0-9 give their proxy to members 10-19 (one each: the default rule)
SECOND_DELEGATES = 20  # members 20-39 have two delegates who both try to vote at once


def _run_in_thread(fn):
    """Run ``fn`` on this thread's own database connection and report the outcome."""

    def wrapper(*args):
        try:
            return ("ok", fn(*args))
        except (AlreadyVoted, NotEligible, VoteClosed) as exc:
            return (type(exc).__name__, str(exc))
        finally:
            connection.close()

    return wrapper


@pytest.fixture
def roll(assembly, secretariat):
    members = full_members(ELIGIBLE)
    # Not eligible: an Associate member and a suspended Full member.
    OrganizationFactory(name="Associate", membership_class=MembershipClass.ASSOCIATE)
    OrganizationFactory(name="Suspended", membership_class=MembershipClass.FULL, status="suspended")
    second = {}
    for org in members[20 : 20 + SECOND_DELEGATES]:
        second[org.pk] = DelegateFactory(organization=org).user
    resolution = ResolutionFactory(
        body=assembly, majority=Majority.TWO_THIRDS, title="Adopt the 2030 Masterplan"
    )
    vote = VoteFactory(resolution=resolution, secret=True)
    services.vote_open(vote=vote, opened_by=secretariat, expected_status=VoteStatus.DRAFT)
    for giver, holder in zip(members[:PROXIES], members[PROXIES : 2 * PROXIES], strict=True):
        services.proxy_give(
            vote=vote, giver=giver, holder=holder, given_by=giver.delegates.get().user
        )
    return vote, members, second


def _choice_for(index: int) -> str:
    # 96 for, 48 against, 6 abstentions: for is exactly two thirds of for + against.
    if index < 96:
        return Choice.YES
    if index < 144:
        return Choice.NO
    return Choice.ABSTAIN


def test_150_members_vote_concurrently_one_counted_ballot_each(roll, secretariat):
    vote, members, second = roll
    assert vote.eligible_count == ELIGIBLE
    holder_of = {m.pk: members[i + PROXIES] for i, m in enumerate(members[:PROXIES])}

    jobs = []  # (user id, organization id, choice)
    for index, org in enumerate(members):
        voter_org = holder_of.get(org.pk, org)
        user = voter_org.delegates.filter(ended_at=None).order_by("pk").first().user
        jobs.append((user.pk, org.pk, _choice_for(index)))
        if org.pk in second:  # the colleague tries too, at the same moment (same choice, so
            jobs.append((second[org.pk].pk, org.pk, _choice_for(index)))  # the count is known)
    for giver in members[:PROXIES]:  # the giver's own delegate may no longer vote
        jobs.append((giver.delegates.get().user_id, giver.pk, Choice.NO))

    start = threading.Barrier(20)

    @_run_in_thread
    def cast(user_id, organization_id, choice):
        user = User.objects.get(pk=user_id)
        organization = Organization.objects.get(pk=organization_id)
        fresh = Vote.objects.get(pk=vote.pk)
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=0.5)  # the first 20 start together; later ones as threads free
        return services.ballot_cast(
            vote=fresh, organization=organization, cast_by=user, choice=choice
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda job: cast(*job), jobs))

    outcomes = [status for status, _detail in results]
    assert outcomes.count("ok") == ELIGIBLE
    assert outcomes.count("AlreadyVoted") == SECOND_DELEGATES
    assert outcomes.count("NotEligible") == PROXIES
    receipts = [detail for status, detail in results if status == "ok"]
    assert len(set(receipts)) == ELIGIBLE

    assert Ballot.objects.filter(vote=vote).count() == ELIGIBLE
    assert Elector.objects.filter(vote=vote, has_voted=True).count() == ELIGIBLE
    by_proxy = Elector.objects.filter(vote=vote).exclude(proxy_holder=None)
    assert sorted((e.organization_id, e.proxy_holder_id) for e in by_proxy) == sorted(
        (giver_pk, holder.pk) for giver_pk, holder in holder_of.items()
    )

    decision = services.vote_close(
        vote=vote, closed_by=secretariat, expected_status=VoteStatus.OPEN
    )
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (96, 48, 6)
    assert (decision.ballots_cast, decision.eligible, decision.quorum_met) == (150, 150, True)
    assert decision.outcome == Outcome.ADOPTED  # 3 × 96 = 2 × (96 + 48): exactly two thirds
    assert set(Ballot.objects.filter(vote=vote).values_list("receipt", flat=True)) == set(receipts)

    # After closing, a ballot is refused, for a member that voted and for a new attempt.
    late = members[0]
    with pytest.raises(VoteClosed):
        services.ballot_cast(
            vote=vote,
            organization=late,
            cast_by=holder_of[late.pk].delegates.get().user,
            choice=Choice.YES,
        )
    assert Ballot.objects.filter(vote=vote).count() == ELIGIBLE


def test_ballots_racing_the_deadline_are_either_counted_or_refused(assembly, secretariat):
    """Casting while the Secretariat's close runs: every ballot is counted or refused, none is
    lost or counted after the decision."""
    members = full_members(40, prefix="Racer")
    resolution = ResolutionFactory(body=assembly)
    vote = VoteFactory(resolution=resolution)
    services.vote_open(vote=vote, opened_by=secretariat, expected_status=VoteStatus.DRAFT)
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() + datetime.timedelta(seconds=2))

    @_run_in_thread
    def cast(organization_id):
        org = Organization.objects.get(pk=organization_id)
        return services.ballot_cast(
            vote=Vote.objects.get(pk=vote.pk),
            organization=org,
            cast_by=org.delegates.get().user,
            choice=Choice.YES,
        )

    @_run_in_thread
    def close():
        import time

        while timezone.now() < Vote.objects.get(pk=vote.pk).closes_at:
            time.sleep(0.05)
        return services.votes_run_schedule()

    def slow_cast(org):
        import time

        time.sleep((org.pk % 40) * 0.1)  # spread over 4 s: around the 2 s deadline
        return cast(org.pk)

    with ThreadPoolExecutor(max_workers=12) as pool:
        closing = pool.submit(close)
        results = list(pool.map(slow_cast, members))
        closing.result()

    counted = [r for r in results if r[0] == "ok"]
    refused = [r for r in results if r[0] == "VoteClosed"]
    assert len(counted) + len(refused) == 40
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED
    decision = vote.resolution.decision
    assert decision.ballots_cast == len(counted) == Ballot.objects.filter(vote=vote).count()
    assert Elector.objects.filter(vote=vote, has_voted=True).count() == len(counted)


def test_quorum_is_exact_with_concurrent_ballots(assembly, secretariat):
    """Quorum 50 % of 30: 15 ballots meet it; a second vote with 14 does not."""
    members = full_members(30, prefix="Quorum")
    outcomes = []
    for voters in (15, 14):
        vote = VoteFactory(resolution=ResolutionFactory(body=assembly))
        services.vote_open(vote=vote, opened_by=secretariat, expected_status=VoteStatus.DRAFT)

        @_run_in_thread
        def cast(organization_id, vote_id=vote.pk):
            org = Organization.objects.get(pk=organization_id)
            return services.ballot_cast(
                vote=Vote.objects.get(pk=vote_id),
                organization=org,
                cast_by=org.delegates.get().user,
                choice=Choice.YES,
            )

        with ThreadPoolExecutor(max_workers=10) as pool:
            assert all(r[0] == "ok" for r in pool.map(cast, [m.pk for m in members[:voters]]))
        Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
        services.votes_run_schedule()
        vote.refresh_from_db()
        outcomes.append((vote.resolution.decision.ballots_cast, vote.resolution.decision.outcome))
    assert outcomes == [(15, Outcome.ADOPTED), (14, Outcome.NO_QUORUM)]


def test_a_person_outside_the_roll_cannot_vote(roll):
    vote, members, _second = roll
    stranger_org = OrganizationFactory(membership_class=MembershipClass.ASSOCIATE)
    stranger = OrganizationUserFactory(organization=stranger_org, user=UserFactory()).user
    DelegateFactory(organization=stranger_org, user=stranger)
    with pytest.raises(NotEligible):
        services.ballot_cast(
            vote=vote, organization=stranger_org, cast_by=stranger, choice=Choice.YES
        )
    with pytest.raises(NotEligible):  # a delegate of a member on the roll, for another member
        services.ballot_cast(
            vote=vote, organization=members[50], cast_by=stranger, choice=Choice.YES
        )
    assert Ballot.objects.filter(vote=vote).count() == 0
