"""The demo data of `demo_accounts` (DEBUG only): something to try for every demo account."""

import io

import pytest
from django.core.management import call_command

from awards.models import Entry
from events.models import EventRegistration
from programs.enums import ApplicationStatus
from programs.models import Application, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(wego_data, settings):
    settings.DEBUG = True

    def run() -> str:
        out = io.StringIO()
        call_command("demo_accounts", stdout=out)
        return out.getvalue()

    return run


def counts() -> dict:
    return {
        "applications": Application.objects.count(),
        "reviews": Review.objects.count(),
        "registrations": EventRegistration.objects.count(),
        "entries": Entry.objects.count(),
    }


def test_each_city_gets_a_submitted_application_with_a_pdf_a_draft_a_registration_and_an_entry(
    demo,
):
    before = counts()

    output = demo()

    for slug in ("seoul", "makati"):
        applications = Application.objects.filter(organization__slug=slug)
        submitted = applications.exclude(status=ApplicationStatus.DRAFT).get()
        assert submitted.details.mayor_letter.name.endswith(".pdf")
        assert applications.filter(status=ApplicationStatus.DRAFT).count() == 1
        assert EventRegistration.objects.filter(user__email=f"{slug}@demo.wego.local").count() == 1
        assert (
            Entry.objects.filter(
                organization__slug=slug, edition__number=5, status="submitted"
            ).count()
            == 1
        )
        reviewers = Review.objects.filter(application=submitted).values_list(
            "reviewer__email", flat=True
        )
        assert list(reviewers) == ["secretariat@demo.wego.local"]
    assert counts() == {
        "applications": before["applications"] + 4,
        "reviews": before["reviews"] + 2,
        "registrations": before["registrations"] + 2,
        "entries": before["entries"] + 2,
    }
    questioned = Application.objects.get(
        organization__slug="seoul", status=ApplicationStatus.CLARIFICATION_REQUESTED
    )
    assert questioned.messages.filter(kind="clarification_request").exists()
    assert "Demo data" in output and "secretariat reviews it" in output


def test_running_the_demo_twice_adds_nothing(demo, mailoutbox, django_capture_on_commit_callbacks):
    demo()
    after_first, mails = counts(), len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        demo()

    assert counts() == after_first
    assert len(mailoutbox) == mails


def test_seoul_and_makati_are_voting_delegates_on_an_open_demo_vote(demo):
    from governance.models import Delegate, Vote

    output = demo()

    for slug in ("seoul", "makati"):
        assert Delegate.objects.filter(
            organization__slug=slug, user__email=f"{slug}@demo.wego.local", ended_at=None
        ).exists()
    vote = Vote.objects.get(resolution__title="Approval of Demo Smart Town as a member")
    assert vote.status == "open"
    assert sorted(vote.electors.values_list("organization__slug", flat=True)) == [
        "makati",
        "seoul",
    ]
    assert "voting delegate of Seoul" in output
