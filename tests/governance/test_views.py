import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.enums import Choice, Visibility, VoteStatus
from governance.models import Ballot, Decision, Delegate, Elector
from tests.factories.accounts import UserFactory
from tests.factories.governance import (
    DelegateFactory,
    MeetingDocumentFactory,
    MeetingFactory,
    ResolutionFactory,
    SeatFactory,
    VoteFactory,
)
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from tests.members.files import pdf_bytes

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def excom_vote(excom, secretariat):
    seoul = SeatFactory(body=excom, organization=OrganizationFactory(name="Seoul")).organization
    makati = SeatFactory(body=excom, organization=OrganizationFactory(name="Makati")).organization
    seoul_delegate = DelegateFactory(organization=seoul).user
    makati_delegate = DelegateFactory(organization=makati).user
    vote = VoteFactory(resolution=ResolutionFactory(body=excom, title="Approve Cebu City"))
    services.vote_open(vote=vote, opened_by=secretariat, expected_status=VoteStatus.DRAFT)
    return vote, seoul, makati, seoul_delegate, makati_delegate


def test_delegate_casts_a_ballot_and_sees_the_receipt_once(excom_vote):
    vote, seoul, _makati, seoul_delegate, _m = excom_vote
    client = client_for(seoul_delegate)
    page = client.get(reverse("governance:vote", args=[vote.pk]))
    assert page.status_code == 200
    assert "Ballot of Seoul" in page.text and "Ballot of Makati" not in page.text

    response = client.post(
        reverse("governance:vote", args=[vote.pk]),
        {"organization": seoul.pk, f"org{seoul.pk}-choice": Choice.YES},
    )
    assert response.status_code == 200
    receipt = re.search(r'id="receipt-code">([A-Z0-9-]+)<', response.text)[1]
    assert Ballot.objects.get(vote=vote).receipt == receipt
    assert receipt not in str(dict(client.session))
    again = client.get(reverse("governance:vote", args=[vote.pk]))
    assert "Voted" in again.text and receipt not in again.text


def test_ballot_form_errors_are_explained(excom_vote):
    vote, seoul, makati, seoul_delegate, _m = excom_vote
    client = client_for(seoul_delegate)
    url = reverse("governance:vote", args=[vote.pk])
    missing = client.post(url, {"organization": seoul.pk})
    assert missing.status_code == 400 and "There is a problem" in missing.text
    assert (
        client.post(url, {"organization": makati.pk, f"org{makati.pk}-choice": "yes"}).status_code
        == 404
    )
    assert client.post(url, {"organization": "x' or 1=1"}).status_code == 404
    assert Ballot.objects.count() == 0


def test_vote_page_is_not_found_for_strangers(excom_vote):
    vote = excom_vote[0]
    url = reverse("governance:vote", args=[vote.pk])
    stranger = OrganizationUserFactory(user=UserFactory()).user
    assert client_for(stranger).get(url).status_code == 404
    assert client_for().get(url).status_code == 302


def test_proxy_page_gives_a_proxy(excom_vote):
    vote, seoul, makati, seoul_delegate, makati_delegate = excom_vote
    client = client_for(seoul_delegate)
    url = reverse("governance:proxy", args=[vote.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"giver": seoul.pk, "holder": seoul.pk})
    assert bad.status_code == 400
    response = client.post(url, {"giver": seoul.pk, "holder": makati.pk})
    assert response.status_code == 302
    page = client_for(makati_delegate).get(reverse("governance:vote", args=[vote.pk]))
    assert "Ballot of Seoul" in page.text and "By proxy" in page.text


def test_decision_page_lists_receipts_and_verifies_one(excom_vote, secretariat):
    vote, seoul, makati, seoul_delegate, makati_delegate = excom_vote
    receipt = services.ballot_cast(
        vote=vote, organization=seoul, cast_by=seoul_delegate, choice=Choice.YES
    )
    services.ballot_cast(vote=vote, organization=makati, cast_by=makati_delegate, choice="no")
    decision = services.vote_close(vote=vote, closed_by=secretariat, expected_status="open")
    url = reverse("governance:decision", args=[decision.pk])
    page = client_for().get(url)
    assert page.status_code == 200
    assert receipt in page.text and "2 receipt codes counted" in page.text
    found = client_for().get(url, {"receipt": receipt.lower()})
    assert f"Receipt {receipt} is in the published list" in found.text
    missing = client_for().get(url, {"receipt": "ZZZZ-ZZZZ-ZZZZ"})
    assert "is not in the published list" in missing.text
    index = client_for().get(reverse("governance:index"))
    assert "Approve Cebu City" in index.text


def test_unpublished_decision_is_not_found(excom, secretariat):
    resolution = ResolutionFactory(body=excom)
    decision = services.decision_record(
        resolution=resolution,
        outcome="adopted",
        decided_on=datetime.date(2021, 1, 1),
        recorded_by=secretariat,
        published=False,
    )
    url = reverse("governance:decision", args=[decision.pk])
    assert client_for().get(url).status_code == 404
    assert client_for(secretariat).get(url).status_code == 200


def test_documents_public_members_only_and_future(excom):
    from django.core.files.base import ContentFile

    meeting = MeetingFactory(body=excom)
    public = MeetingDocumentFactory(meeting=meeting, file=ContentFile(pdf_bytes(), name="p.pdf"))
    members_only = MeetingDocumentFactory(
        meeting=meeting, visibility=Visibility.MEMBERS, file=ContentFile(pdf_bytes(), name="m.pdf")
    )
    future = MeetingDocumentFactory(
        meeting=meeting,
        publish_on=timezone.localdate() + datetime.timedelta(days=3),
        file=ContentFile(pdf_bytes(), name="f.pdf"),
    )
    member = OrganizationUserFactory(user=UserFactory()).user
    get = lambda user, doc: client_for(user).get(  # noqa: E731
        reverse("governance:document", args=[doc.pk])
    )
    assert get(None, public).status_code == 200
    assert get(None, members_only).status_code == 404
    assert get(member, members_only).status_code == 200
    assert get(member, future).status_code == 404
    page = client_for().get(meeting.get_absolute_url())
    assert public.title in page.text and members_only.title not in page.text


def test_unannounced_meeting_is_not_found(excom, secretariat):
    meeting = MeetingFactory(body=excom, is_public=False)
    assert client_for().get(meeting.get_absolute_url()).status_code == 404
    assert client_for(secretariat).get(meeting.get_absolute_url()).status_code == 200


def test_editor_names_and_withdraws_a_delegate():
    org = OrganizationFactory()
    editor = OrganizationUserFactory(organization=org, role="primary_contact").user
    colleague = OrganizationUserFactory(organization=org, user=UserFactory()).user
    client = client_for(editor)
    url = reverse("governance:delegates", args=[org.slug])
    assert client.get(url).status_code == 200
    assert client.post(url, {"person": "nonsense"}).status_code == 400
    assert client.post(url, {"person": colleague.pk}).status_code == 302
    delegate = Delegate.objects.get(organization=org, ended_at=None)
    assert delegate.user == colleague
    assert client.post(url, {"end": delegate.pk}).status_code == 302
    assert not Delegate.objects.filter(organization=org, ended_at=None).exists()
    outsider = OrganizationUserFactory(user=UserFactory()).user
    assert client_for(outsider).get(url).status_code == 404


def test_profile_shows_seats(excom):
    seat = SeatFactory(body=excom, role="vice_president")
    page = client_for().get(seat.organization.get_absolute_url())
    assert "Seats in WeGO&#x27;s governing bodies" in page.text or "Seats in WeGO" in page.text
    assert "Vice-President, Executive Committee" in page.text


@pytest.mark.parametrize("n", [1, 3])
def test_decision_list_query_count(django_assert_num_queries, excom, secretariat, n):
    for _ in range(n):
        services.decision_record(
            resolution=ResolutionFactory(body=excom),
            outcome="adopted",
            decided_on=datetime.date(2021, 1, 1),
            recorded_by=secretariat,
        )
    with django_assert_num_queries(2):
        response = client_for().get(reverse("governance:decisions"))
    assert response.status_code == 200
    assert response.text.count('href="/governance/decisions/') == n


def test_governance_page_after_loading_the_wego_data():
    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page = client_for().get(reverse("governance:index"))
    assert "WeGO EXCOM 2020" in page.text
    assert "Approval of 26 new members" in page.text
    assert "5th WeGO General Assembly" in page.text
    decision = Decision.objects.get(resolution__title="Approval of 26 new members")
    detail = client_for().get(decision.get_absolute_url())
    assert "26 members approved by this decision" in detail.text and "Abuja" in detail.text
    meeting = client_for().get(reverse("governance:meeting", args=["excom-2020"]))
    assert "Rethinking Smart Cities: Agile and Connected" in meeting.text
    assert "331" in meeting.text and "November 2020" in meeting.text
    seoul = client_for().get(reverse("members:profile", args=["seoul"]))
    assert "President, Executive Committee (EXCOM)" in seoul.text


# --- API ---------------------------------------------------------------------------------------


def test_api_cast_ballot_and_refusals(excom_vote):
    vote, seoul, makati, seoul_delegate, _m = excom_vote
    client = client_for(seoul_delegate)
    url = reverse("api:my-vote-ballot", args=[vote.pk])
    response = client.post(url, {"organization": seoul.slug, "choice": "yes"}, "application/json")
    assert response.status_code == 201
    assert Ballot.objects.get(vote=vote).receipt == response.json()["receipt"]
    again = client.post(url, {"organization": seoul.slug, "choice": "no"}, "application/json")
    assert again.status_code == 409
    other = client.post(url, {"organization": makati.slug, "choice": "no"}, "application/json")
    assert other.status_code == 404
    bad = client.post(url, {"organization": seoul.slug, "choice": "maybe"}, "application/json")
    assert bad.status_code == 400
    stranger = client_for(OrganizationUserFactory(user=UserFactory()).user)
    assert stranger.post(url, {"organization": seoul.slug}, "application/json").status_code == 404
    assert Elector.objects.filter(vote=vote, has_voted=True).count() == 1


def test_api_public_decisions_and_meetings(excom_vote, secretariat):
    vote, seoul, makati, seoul_delegate, makati_delegate = excom_vote
    services.ballot_cast(vote=vote, organization=seoul, cast_by=seoul_delegate, choice="yes")
    services.ballot_cast(vote=vote, organization=makati, cast_by=makati_delegate, choice="yes")
    decision = services.vote_close(vote=vote, closed_by=secretariat, expected_status="open")
    data = client_for().get(reverse("api:governance-decision-detail", args=[decision.pk])).json()
    assert (data["outcome"], data["ballots_cast"], len(data["receipts"])) == ("adopted", 2, 2)
    meeting = MeetingFactory(body=vote.resolution.body)
    listing = client_for().get(reverse("api:governance-meeting-list")).json()
    assert [m["slug"] for m in listing["results"]] == [meeting.slug]


def _decisions(excom, n):
    for _ in range(n):
        services.decision_record(
            resolution=ResolutionFactory(body=excom, meeting=MeetingFactory(body=excom)),
            outcome="adopted",
            decided_on=datetime.date(2021, 1, 1),
            recorded_by=None,
        )


@pytest.mark.parametrize("n", [1, 3])
def test_api_lists_query_count(django_assert_num_queries, excom, n):
    _decisions(excom, n)
    with django_assert_num_queries(2):
        decisions = client_for().get(reverse("api:governance-decision-list")).json()
    assert len(decisions["results"]) == n
    with django_assert_num_queries(3):  # count, meetings, their agenda items
        meetings = client_for().get(reverse("api:governance-meeting-list")).json()
    assert len(meetings["results"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_governance_page_query_count(django_assert_num_queries, excom, n):
    _decisions(excom, n)
    SeatFactory(body=excom)
    with django_assert_num_queries(4):  # bodies, current seats, meetings, decisions
        response = client_for().get(reverse("governance:index"))
    assert response.text.count("/governance/decisions/") == n + 1  # each, and "All decisions"


@pytest.mark.parametrize("n", [1, 3])
def test_my_votes_lists_only_my_votes(django_assert_num_queries, excom, secretariat, n):
    delegate = DelegateFactory(organization=SeatFactory(body=excom).organization).user
    other = DelegateFactory(organization=OrganizationFactory()).user
    for i in range(n):
        vote = VoteFactory(resolution=ResolutionFactory(body=excom, title=f"Mine {i}"))
        services.vote_open(vote=vote, opened_by=secretariat, expected_status="draft")
    client = client_for(delegate)
    with django_assert_num_queries(13):  # the same for 1 and 3 votes
        page = client.get(reverse("governance:my_votes"))
    assert page.text.count("Mine ") == n
    assert "Mine " not in client_for(other).get(reverse("governance:my_votes")).text
    api = client_for(delegate).get(reverse("api:my-vote-list")).json()
    assert len(api["results"]) == n
    assert client_for(other).get(reverse("api:my-vote-list")).json()["results"] == []
