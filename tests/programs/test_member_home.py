"""The member home (where sign-in lands): what needs a city's attention, each with its action."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.home import member_home
from programs import services
from programs.enums import ApplicationKind, ApplicationStatus
from tests.factories.notifications import NotificationFactory
from tests.factories.programs import CallFactory

pytestmark = pytest.mark.django_db
PI = ApplicationKind.PROJECT_IMPLEMENTER


@pytest.fixture
def closing_call(pi_program):
    return CallFactory(
        program=pi_program,
        title="Closing soon",
        slug="closing-soon",
        closes_at=timezone.now() + datetime.timedelta(days=3, hours=1),
    )


def test_home_shows_the_draft_with_its_missing_sections_and_the_call_deadline(
    client, seoul, seoul_editor, closing_call
):
    draft = services.application_start(
        call=closing_call, organization=seoul, started_by=seoul_editor
    )
    client.force_login(seoul_editor)

    response = client.get(reverse("members:dashboard"))

    item = response.context["home"].drafts[0]
    assert item["application"] == draft
    assert item["completed"] == item["total"] - len(item["missing"])
    assert item["missing"]
    assert item["days_left"] == 3
    html = response.content.decode()
    assert "Your draft for “Closing soon” is waiting" in html
    assert "The call closes in 3 days" in html
    assert f'href="{draft.get_absolute_url()}"' in html
    assert "Continue the draft" in html


def test_home_shows_the_clarification_request_with_the_questions_and_the_answer_link(
    client, seoul_editor, secretariat, make_application
):
    application = make_application(status=ApplicationStatus.UNDER_REVIEW)
    services.application_request_clarification(
        application=application, by=secretariat, questions="Which districts flood most often?"
    )
    client.force_login(seoul_editor)

    response = client.get(reverse("members:dashboard"))

    html = response.content.decode()
    assert "WeGO asked for a clarification" in html
    assert "Which districts flood most often?" in html
    assert reverse("programs:application_answer", args=[application.pk]) in html
    assert [c["application"] for c in response.context["home"].clarifications] == [application]


def test_home_never_shows_another_organizations_drafts_or_questions(
    client, abuja, abuja_editor, seoul_editor, secretariat, make_application
):
    make_application(organization=abuja)
    questioned = make_application(
        kind=PI, organization=abuja, status=ApplicationStatus.UNDER_REVIEW
    )
    services.application_request_clarification(
        application=questioned, by=secretariat, questions="Abuja only"
    )
    client.force_login(seoul_editor)

    response = client.get(reverse("members:dashboard"))

    home = response.context["home"]
    assert (home.drafts, home.clarifications) == ([], [])
    assert "Abuja only" not in response.content.decode()
    assert "Nothing is waiting for you right now" in response.content.decode()


def test_open_call_is_offered_until_the_city_starts_an_application(
    seoul, seoul_editor, closing_call
):
    before = [item["call"] for item in member_home(seoul_editor).open_calls]

    services.application_start(call=closing_call, organization=seoul, started_by=seoul_editor)

    after = [item["call"] for item in member_home(seoul_editor).open_calls]
    assert closing_call in before
    assert closing_call not in after
    [draft] = member_home(seoul_editor).drafts
    assert draft["days_left"] == 3


def test_home_lists_unread_notices_only(client, seoul_editor):
    unread = NotificationFactory(recipient=seoul_editor, message="Read me")
    NotificationFactory(recipient=seoul_editor, message="Old news", read_at=timezone.now())
    client.force_login(seoul_editor)

    response = client.get(reverse("members:dashboard"))

    assert response.context["home"].notices == [unread]
    assert "Read me" in response.content.decode()
    assert "Old news" not in response.content.decode()


def test_home_without_organization_says_how_to_get_one(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("members:dashboard"))

    assert "You do not act for an organization yet" in response.content.decode()
    assert response.context["home"].drafts == []


@pytest.mark.parametrize("drafts", [1, 3])
def test_home_query_count_does_not_grow_with_drafts(
    client, django_assert_num_queries, seoul, seoul_editor, pi_program, drafts
):
    for n in range(drafts):
        call = CallFactory(program=pi_program, slug=f"c{n}")
        services.application_start(call=call, organization=seoul, started_by=seoul_editor)
    client.force_login(seoul_editor)
    client.get(reverse("members:dashboard"))  # warm the session and caches

    with django_assert_num_queries(QUERIES_PER_DRAFT * drafts + BASE_QUERIES):
        client.get(reverse("members:dashboard"))


# A draft's task list reads its answers (details, areas, components, documents): four queries
# per draft, and the home shows at most five drafts (members.home.LIMIT), so the page stays
# bounded. Everything else on the page costs the same whatever the numbers.
QUERIES_PER_DRAFT = 4
BASE_QUERIES = 12
