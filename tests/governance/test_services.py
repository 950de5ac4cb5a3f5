import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from governance import services
from governance.enums import (
    Choice,
    Majority,
    Outcome,
    ResolutionAction,
    SeatRole,
    TieRule,
    VoteStatus,
)
from governance.errors import (
    AlreadyVoted,
    GovernanceError,
    InvalidBallot,
    NotEligible,
    StaleStatus,
    TransitionNotAllowed,
    VoteClosed,
)
from governance.models import AuditEntry, Ballot, Vote
from members.enums import ApplicationStatus
from notifications.models import Notification
from tests.factories.accounts import UserFactory
from tests.factories.governance import (
    CandidateFactory,
    DelegateFactory,
    MeetingDocumentFactory,
    ResolutionFactory,
    SeatFactory,
    VoteFactory,
)
from tests.factories.members import (
    MembershipApplicationFactory,
    OfficeFactory,
    OrganizationFactory,
    OrganizationUserFactory,
)

from .conftest import full_members, postgres_only

pytestmark = pytest.mark.django_db


def _open(vote, by):
    return services.vote_open(vote=vote, opened_by=by, expected_status=vote.status)


def _cast(vote, org, choice="", candidates=(), now=None):
    return services.ballot_cast(
        vote=vote,
        organization=org,
        cast_by=org.delegates.get().user,
        choice=choice,
        candidate_ids=candidates,
        now=now,
    )


# --- Rules of counting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes_for", "against", "majority", "passes"),
    [
        (2, 1, Majority.TWO_THIRDS, True),  # exactly two thirds
        (65, 33, Majority.TWO_THIRDS, False),  # 65/98 = 66.3 %
        (66, 33, Majority.TWO_THIRDS, True),
        (0, 0, Majority.TWO_THIRDS, False),
        (5, 5, Majority.SIMPLE, False),  # a tie is not a majority
        (6, 5, Majority.SIMPLE, True),
    ],
)
def test_motion_passes_exact_fractions(votes_for, against, majority, passes):
    assert (
        services.motion_passes(majority=majority, votes_for=votes_for, votes_against=against)
        is passes
    )


@pytest.mark.parametrize(
    ("cast", "eligible", "percent", "met"),
    [(75, 150, 50, True), (74, 150, 50, False), (100, 150, 66, True), (99, 150, 67, False)],
)
def test_quorum_exact(cast, eligible, percent, met):
    assert services.quorum_met(ballots_cast=cast, eligible=eligible, quorum_percent=percent) is met


def test_abstentions_count_for_quorum_not_majority(assembly, secretariat):
    members = full_members(4)
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly))
    _open(vote, secretariat)
    for org, choice in zip(members, ["yes", "abstain", "abstain", "abstain"], strict=True):
        _cast(vote, org, choice)
    decision = services.vote_close(vote=vote, closed_by=secretariat, expected_status="open")
    assert (decision.outcome, decision.votes_for, decision.abstentions) == (Outcome.ADOPTED, 1, 3)


def _election(body, secretariat, *, tie_rule, seats=2):
    members = full_members(6, prefix="Voter")
    resolution = ResolutionFactory(
        body=body, majority=Majority.ELECTION, seats_to_fill=seats, tie_rule=tie_rule
    )
    old = CandidateFactory(
        resolution=resolution,
        organization=OrganizationFactory(name="Old member", joined_on=datetime.date(2010, 9, 1)),
    )
    new = CandidateFactory(
        resolution=resolution,
        organization=OrganizationFactory(name="New member", joined_on=datetime.date(2020, 5, 9)),
    )
    top = CandidateFactory(resolution=resolution, organization=OrganizationFactory(name="Top"))
    vote = VoteFactory(resolution=resolution)
    _open(vote, secretariat)
    # Top 4 votes; Old and New 2 each: one seat for two tied candidates.
    ballots = [[top, old], [top, new], [top, old], [top, new], [], []]
    for org, chosen in zip(members, ballots, strict=True):
        if chosen:
            _cast(vote, org, candidates=[c.pk for c in chosen])
    after_deadline = vote.closes_at + datetime.timedelta(minutes=1)
    decision = services.vote_close(
        vote=vote, closed_by=secretariat, expected_status="open", now=after_deadline
    )
    return decision, top, old, new


def test_election_tie_goes_to_the_longest_standing_member(assembly, secretariat):
    decision, top, old, new = _election(assembly, secretariat, tie_rule=TieRule.LONGEST_MEMBERSHIP)
    assert decision.outcome == Outcome.ELECTED
    assert set(decision.elected.all()) == {top, old}
    assert decision.results == {str(top.pk): 4, str(old.pk): 2, str(new.pk): 2}


def test_election_tie_leaves_the_seat_for_a_new_round(assembly, secretariat):
    decision, top, _old, _new = _election(assembly, secretariat, tie_rule=TieRule.NEW_ROUND)
    assert list(decision.elected.all()) == [top]
    assert "1 seat(s) left open by a tie" in decision.summary


def test_election_ballot_must_fit(assembly, secretariat):
    members = full_members(1)
    resolution = ResolutionFactory(body=assembly, majority=Majority.ELECTION, seats_to_fill=1)
    a, b = CandidateFactory(resolution=resolution), CandidateFactory(resolution=resolution)
    vote = VoteFactory(resolution=resolution)
    _open(vote, secretariat)
    for bad in ([a.pk, b.pk], [999999], ["x"]):
        with pytest.raises(InvalidBallot):
            _cast(vote, members[0], candidates=bad)
    with pytest.raises(InvalidBallot):
        _cast(vote, members[0], choice=Choice.YES)
    assert Ballot.objects.count() == 0


# --- The window, the guards and the audit -------------------------------------------------------


def test_only_the_secretariat_opens_and_closes(assembly, secretariat):
    full_members(2)
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly))
    member = DelegateFactory().user
    with pytest.raises(PermissionDenied):
        services.vote_open(vote=vote, opened_by=member, expected_status="draft")
    _open(vote, secretariat)
    with pytest.raises(PermissionDenied):
        services.vote_close(vote=vote, closed_by=member, expected_status="open")
    assert Vote.objects.get(pk=vote.pk).status == VoteStatus.OPEN


def test_stale_decision_is_refused(assembly, secretariat):
    full_members(2)
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly))
    _open(vote, secretariat)
    with pytest.raises(StaleStatus, match="changed meanwhile"):
        services.vote_cancel(vote=vote, cancelled_by=secretariat, expected_status="draft")
    assert Vote.objects.get(pk=vote.pk).status == VoteStatus.OPEN


def test_illegal_move_is_refused_with_the_options(assembly, secretariat):
    full_members(1)
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly))
    with pytest.raises(TransitionNotAllowed, match="It can only become"):
        services.vote_close(vote=vote, closed_by=secretariat, expected_status="draft")


def test_early_close_only_when_everyone_voted(assembly, secretariat):
    members = full_members(2)
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly))
    _open(vote, secretariat)
    _cast(vote, members[0], Choice.YES)
    with pytest.raises(GovernanceError, match="close early"):
        services.vote_close(vote=vote, closed_by=secretariat, expected_status="open")
    _cast(vote, members[1], Choice.YES)
    decision = services.vote_close(vote=vote, closed_by=secretariat, expected_status="open")
    assert decision.outcome == Outcome.ADOPTED


def test_vote_outside_the_window_and_twice(assembly, secretariat):
    members = full_members(2)
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly))
    with pytest.raises(VoteClosed):  # not open yet
        _cast(vote, members[0], Choice.YES)
    _open(vote, secretariat)
    _cast(vote, members[0], Choice.YES)
    with pytest.raises(AlreadyVoted):
        _cast(vote, members[0], Choice.NO)
    later = timezone.now() + datetime.timedelta(days=8)
    with pytest.raises(VoteClosed):
        services.ballot_cast(
            vote=vote,
            organization=members[1],
            cast_by=members[1].delegates.get().user,
            choice=Choice.YES,
            now=later,
        )
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_schedule_opens_reminds_and_closes_on_time(excom, secretariat):
    seat_holders = [SeatFactory(body=excom).organization for _ in range(3)]
    for org in seat_holders:
        DelegateFactory(organization=org)
    SeatFactory(body=excom, ends_on=datetime.date(2021, 6, 30))  # a past term: not eligible
    now = timezone.now()
    vote = VoteFactory(
        resolution=ResolutionFactory(body=excom),
        opens_at=now + datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=30),
    )
    services.vote_schedule(vote=vote, scheduled_by=secretariat, expected_status="draft")
    assert services.votes_run_schedule(now=now).opened == []
    report = services.votes_run_schedule(now=now + datetime.timedelta(hours=1))
    assert report.opened == [vote.pk]
    vote.refresh_from_db()
    assert (vote.status, vote.eligible_count) == (VoteStatus.OPEN, 3)
    assert Notification.objects.filter(kind="governance.vote.opened").count() == 3

    _cast(vote, seat_holders[0], Choice.YES, now=now + datetime.timedelta(hours=2))
    report = services.votes_run_schedule(now=now + datetime.timedelta(hours=7))
    assert report.reminded == [vote.pk]
    reminded = Notification.objects.filter(kind="governance.vote.reminder")
    assert sorted(n.recipient_id for n in reminded) == sorted(
        o.delegates.get().user_id for o in seat_holders[1:]
    )
    assert services.votes_run_schedule(now=now + datetime.timedelta(hours=8)).reminded == []

    report = services.votes_run_schedule(now=now + datetime.timedelta(hours=30))
    assert report.closed == [vote.pk]
    decision = Vote.objects.get(pk=vote.pk).resolution.decision
    assert (decision.ballots_cast, decision.eligible, decision.outcome) == (
        1,
        3,
        Outcome.NO_QUORUM,
    )
    actions = list(
        AuditEntry.objects.filter(vote=vote).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "vote.scheduled",
        "vote.open",
        "ballot.cast",
        "vote.reminded",
        "vote.closed",
        "decision.recorded",
    ]


# --- Proxies -----------------------------------------------------------------------------------


def test_proxy_rules(assembly, secretariat):
    a, b, c, d = full_members(4)
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly))
    _open(vote, secretariat)
    with pytest.raises(PermissionDenied):  # only the giver's delegate gives its proxy
        services.proxy_give(vote=vote, giver=a, holder=b, given_by=b.delegates.get().user)
    services.proxy_give(vote=vote, giver=a, holder=b, given_by=a.delegates.get().user)
    with pytest.raises(GovernanceError, match="most proxies"):  # one per holder by default
        services.proxy_give(vote=vote, giver=c, holder=b, given_by=c.delegates.get().user)
    with pytest.raises(GovernanceError, match="cannot hold"):
        services.proxy_give(vote=vote, giver=c, holder=a, given_by=c.delegates.get().user)
    with pytest.raises(NotEligible):  # the giver's own delegate no longer votes for it
        _cast(vote, a, Choice.YES)
    services.ballot_cast(vote=vote, organization=a, cast_by=b.delegates.get().user, choice="no")
    _cast(vote, d, Choice.YES)
    with pytest.raises(AlreadyVoted):
        services.proxy_give(vote=vote, giver=d, holder=c, given_by=d.delegates.get().user)
    assert Notification.objects.filter(
        kind="governance.proxy.given", recipient=b.delegates.get().user
    ).exists()


def test_body_rules_allow_more_proxies(assembly, secretariat):
    assembly.max_proxies_per_holder = 2
    assembly.save()
    a, b, c = full_members(3)
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly))
    _open(vote, secretariat)
    services.proxy_give(vote=vote, giver=a, holder=c, given_by=a.delegates.get().user)
    services.proxy_give(vote=vote, giver=b, holder=c, given_by=b.delegates.get().user)
    assert vote.proxies.count() == 2


# --- What decisions do ---------------------------------------------------------------------------


def test_decision_approves_membership_through_the_members_service(excom, secretariat):
    holders = [SeatFactory(body=excom).organization for _ in range(2)]
    for org in holders:
        DelegateFactory(organization=org)
    application = MembershipApplicationFactory(organization_name="Cebu City", country="PH")
    resolution = ResolutionFactory(body=excom, action=ResolutionAction.APPROVE_MEMBERSHIP)
    resolution.membership_applications.add(application)
    vote = VoteFactory(resolution=resolution)
    _open(vote, secretariat)
    for org in holders:
        _cast(vote, org, Choice.YES)
    decision = services.vote_close(vote=vote, closed_by=secretariat, expected_status="open")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decision == decision
    assert application.excom_approved_on == decision.decided_on
    assert application.organization.joined_on == decision.decided_on
    assert Notification.objects.filter(
        kind="membership.invitation", to_email=application.contact_email
    ).exists()
    assert "Cebu City approved as a member." in decision.action_note


def test_rejected_decision_does_nothing(excom, secretariat):
    holder = SeatFactory(body=excom).organization
    DelegateFactory(organization=holder)
    application = MembershipApplicationFactory()
    resolution = ResolutionFactory(body=excom, action=ResolutionAction.APPROVE_MEMBERSHIP)
    resolution.membership_applications.add(application)
    vote = VoteFactory(resolution=resolution)
    _open(vote, secretariat)
    _cast(vote, holder, Choice.NO)
    decision = services.vote_close(vote=vote, closed_by=secretariat, expected_status="open")
    application.refresh_from_db()
    assert (decision.outcome, application.status) == (Outcome.REJECTED, ApplicationStatus.PENDING)
    assert decision.action_done_at is None


def test_recorded_decision_approves_an_office_and_adopts_a_document(
    excom, secretariat, django_capture_on_commit_callbacks
):
    from members.selectors import directory_version

    office = OfficeFactory(slug="africa-test", opened_year=None)
    resolution = ResolutionFactory(
        body=excom, action=ResolutionAction.APPROVE_OFFICE, office=office, written_procedure=False
    )
    version = directory_version()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_record(
            resolution=resolution,
            outcome=Outcome.ADOPTED,
            decided_on=datetime.date(2020, 11, 1),
            recorded_by=secretariat,
        )
    office.refresh_from_db()
    assert (office.approval_decision, office.opened_year) == (decision, 2020)
    assert directory_version() > version  # the API's offices show the opening year

    document = MeetingDocumentFactory(title="2030 Masterplan")
    adopt = ResolutionFactory(body=excom, action=ResolutionAction.ADOPT_DOCUMENT, document=document)
    decision = services.decision_record(
        resolution=adopt,
        outcome=Outcome.ADOPTED,
        decided_on=datetime.date(2020, 11, 1),
        recorded_by=secretariat,
    )
    assert decision.action_note == "“2030 Masterplan” adopted."
    with pytest.raises(PermissionDenied):
        services.decision_record(
            resolution=ResolutionFactory(body=excom),
            outcome=Outcome.ADOPTED,
            decided_on=datetime.date(2020, 11, 1),
            recorded_by=UserFactory(),
        )


# --- Delegates, seats, audit ------------------------------------------------------------------


def test_delegates_are_named_by_the_organization_editors(secretariat):
    org = OrganizationFactory()
    editor = OrganizationUserFactory(organization=org, role="primary_contact").user
    colleague = OrganizationUserFactory(organization=org).user
    outsider = UserFactory()
    delegate = services.delegate_name(organization=org, user=colleague, named_by=editor)
    assert delegate.user == colleague
    with pytest.raises(GovernanceError):
        services.delegate_name(organization=org, user=outsider, named_by=editor)
    with pytest.raises(PermissionDenied):
        services.delegate_name(organization=org, user=editor, named_by=outsider)
    services.delegate_end(delegate=delegate, ended_by=editor)
    delegate.refresh_from_db()
    assert delegate.ended_at is not None


def test_seat_history_is_kept(excom, secretariat):
    org = OrganizationFactory()
    services.seat_grant(
        body=excom,
        organization=org,
        role=SeatRole.VICE_PRESIDENT,
        starts_on=datetime.date(2017, 1, 1),
        ends_on=datetime.date(2020, 12, 31),
        granted_by=secretariat,
    )
    services.seat_grant(
        body=excom,
        organization=org,
        role=SeatRole.PRESIDENT,
        starts_on=datetime.date(2021, 1, 1),
        granted_by=secretariat,
    )
    assert list(org.seats.order_by("starts_on").values_list("role", flat=True)) == [
        "vice_president",
        "president",
    ]
    assert [o.pk for o in services.eligible_organizations(excom)] == [org.pk]


def test_audit_log_is_append_only(secretariat):
    entry = services.audit("test.action", actor=secretariat)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(action="x")


@postgres_only
def test_audit_log_refuses_sql_updates_and_deletes(secretariat):
    from django.db import DatabaseError

    entry = services.audit("test.action", actor=secretariat)
    for sql in (
        "UPDATE governance_auditentry SET action = 'forged' WHERE id = %s",
        "DELETE FROM governance_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


@postgres_only
def test_audit_log_allows_only_blanking_an_erased_persons_address(secretariat):
    from django.db import DatabaseError

    entry = services.audit("test.action", actor=secretariat)
    for sql in (
        "UPDATE governance_auditentry SET actor_email = 'forged@example.org' WHERE id = %s",
        "UPDATE governance_auditentry SET actor_email = '', action = 'forged' WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.redact_actor_email(secretariat.email.upper()) == 1
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor_email, entry.action, entry.actor_id) == ("", "test.action", secretariat.pk)
