import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.enums import VoteStatus
from governance.models import Attendance, AuditEntry, Decision, Vote
from governance.tasks import run_vote_schedule_task
from members.enums import ApplicationStatus
from tests.factories.accounts import UserFactory
from tests.factories.governance import (
    DelegateFactory,
    MeetingFactory,
    ResolutionFactory,
    SeatFactory,
    VoteFactory,
)
from tests.factories.members import MembershipApplicationFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def seated(excom):
    holders = [SeatFactory(body=excom).organization for _ in range(2)]
    for org in holders:
        DelegateFactory(organization=org)
    return holders


def test_move_page_confirms_and_carries_the_status_seen(excom, seated, secretariat):
    vote = VoteFactory(resolution=ResolutionFactory(body=excom))
    url = reverse("admin:governance_vote_move", args=[vote.pk, "open"])
    client = client_for(secretariat)
    page = client.get(url)
    assert page.status_code == 200 and 'name="expected_status" value="draft"' in page.text
    response = client.post(url, {"expected_status": "draft"})
    assert response.status_code == 302
    vote.refresh_from_db()
    assert (vote.status, vote.eligible_count) == (VoteStatus.OPEN, 2)

    # A second officer's page still says "draft": the stale decision is refused.
    stale = client.post(
        reverse("admin:governance_vote_move", args=[vote.pk, "cancelled"]),
        {"expected_status": "draft"},
        follow=True,
    )
    assert "changed meanwhile" in stale.text
    assert Vote.objects.get(pk=vote.pk).status == VoteStatus.OPEN


def test_other_staff_are_refused_and_learn_nothing(excom, secretariat):
    staff = UserFactory(is_staff=True)
    vote = VoteFactory(resolution=ResolutionFactory(body=excom))
    client = client_for(staff)
    existing = client.get(reverse("admin:governance_vote_move", args=[vote.pk, "open"]))
    missing = client.get(reverse("admin:governance_vote_move", args=[999999, "open"]))
    assert existing.status_code == missing.status_code == 404
    assert client.get(reverse("admin:governance_vote_change", args=[vote.pk])).status_code == 403
    written = client.get(reverse("admin:governance_resolution_written_procedure"))
    assert written.status_code == 403
    assert (
        client.post(
            reverse("admin:governance_vote_move", args=[vote.pk, "open"]),
            {"expected_status": "draft"},
        ).status_code
        == 404
    )
    assert Vote.objects.get(pk=vote.pk).status == VoteStatus.DRAFT


def test_written_procedure_from_the_back_office(excom, seated, secretariat):
    application = MembershipApplicationFactory(organization_name="Cebu City")
    url = reverse("admin:governance_resolution_written_procedure")
    client = client_for(secretariat)
    data = {
        "body": excom.pk,
        "title": "Approval of Cebu City",
        "text": "The Executive Committee approves Cebu City.",
        "membership_applications": [application.pk],
        "majority": "simple",
        "secret": "on",
        "closes_at": "2000-01-01T10:00",
    }
    past = client.post(url, data)
    assert past.status_code == 200 and "Choose a time in the future" in past.text
    data["closes_at"] = (timezone.localtime() + datetime.timedelta(days=3)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = client.post(url, data)
    vote = Vote.objects.get(resolution__title="Approval of Cebu City")
    assert response.status_code == 302 and vote.status == VoteStatus.OPEN
    assert list(vote.resolution.membership_applications.all()) == [application]

    for org in seated:
        services.ballot_cast(
            vote=vote, organization=org, cast_by=org.delegates.get().user, choice="yes"
        )
    client.post(
        reverse("admin:governance_vote_move", args=[vote.pk, "closed"]),
        {"expected_status": "open"},
    )
    page = client.get(reverse("admin:governance_vote_change", args=[vote.pk]))
    assert "2 ballots: 2 for, 0 against, 0 abstentions — matches the decision" in page.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_record_a_meeting_decision(excom, secretariat):
    resolution = ResolutionFactory(body=excom, written_procedure=False)
    client = client_for(secretariat)
    url = reverse("admin:governance_resolution_record", args=[resolution.pk])
    assert client.post(url, {"outcome": "adopted"}).status_code == 200  # date missing
    response = client.post(
        url,
        {"outcome": "adopted", "decided_on": "2021-09-01", "votes_for": "12", "votes_against": "1"},
    )
    decision = Decision.objects.get(resolution=resolution)
    assert response.status_code == 302
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (12, 1, None)


def test_attendance_is_recorded_through_the_service(excom, seated, secretariat):
    meeting = MeetingFactory(body=excom)
    client = client_for(secretariat)
    url = reverse("admin:governance_meeting_change", args=[meeting.pk])
    page = client.get(url)
    assert "0 of 2 voting members present: no quorum" in page.text
    form = {
        "body": excom.pk,
        "title": meeting.title,
        "slug": meeting.slug,
        "format": meeting.format,
        "year": meeting.year,
        "is_public": "on",
        "agenda_items-TOTAL_FORMS": "0",
        "agenda_items-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "attendance-TOTAL_FORMS": "1",
        "attendance-INITIAL_FORMS": "0",
        "attendance-0-organization": seated[0].pk,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.text[:2000]
    assert list(Attendance.objects.values_list("organization_id", flat=True)) == [seated[0].pk]
    assert AuditEntry.objects.filter(action="meeting.attendance", meeting=meeting).count() == 1
    assert "1 of 2 voting members present: quorum met" in client.get(url).text


def test_beat_task_closes_due_votes(excom, seated, secretariat):
    vote = VoteFactory(resolution=ResolutionFactory(body=excom))
    services.vote_open(vote=vote, opened_by=secretariat, expected_status="draft")
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
    run_vote_schedule_task.delay()
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED
    assert vote.resolution.decision.outcome == "no_quorum"


def test_a_vote_closed_by_the_clock_leaves_membership_approval_to_an_officer(
    excom, seated, secretariat
):
    from notifications.digest import digest_items_for

    application = MembershipApplicationFactory(organization_name="Cebu City")
    resolution = ResolutionFactory(body=excom, action="approve_membership")
    resolution.membership_applications.add(application)
    vote = VoteFactory(resolution=resolution)
    services.vote_open(vote=vote, opened_by=secretariat, expected_status="draft")
    for org in seated:
        services.ballot_cast(
            vote=vote, organization=org, cast_by=org.delegates.get().user, choice="yes"
        )
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
    run_vote_schedule_task.delay()
    decision = Decision.objects.get(resolution=resolution)
    application.refresh_from_db()
    assert (decision.outcome, application.status) == ("adopted", ApplicationStatus.PENDING)
    assert ("Decisions to carry out", 1) in [
        (str(item.label), item.count) for item in digest_items_for(secretariat)
    ]

    client = client_for(secretariat)
    url = reverse("admin:governance_decision_carry_out", args=[decision.pk])
    assert client.get(url).status_code == 200
    client.post(url)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert (application.decision, application.decided_by) == (decision, secretariat)
    decision.refresh_from_db()
    assert decision.action_done_at is not None
    assert list(decision.admitted_members.all()) == [application.organization]
