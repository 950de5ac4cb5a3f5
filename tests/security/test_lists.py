"""List pages and list endpoints never include another organization's rows."""

import pytest
from django.test import Client

from tests.factories.awards import EntryFactory
from tests.factories.events import EventRegistrationFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.programs import SolutionFinderDetailsFactory


@pytest.fixture
def rows(world):
    """One row of each kind for the owner's organization and one for the other organization."""
    mine = {
        "application": SolutionFinderDetailsFactory(
            application__organization=world.org
        ).application,
        "entry": EntryFactory(organization=world.org, project_title="Owner-only project"),
        "registration": EventRegistrationFactory(
            user=world.owner, email=world.owner.email, event__title="Owner-only event"
        ),
        "notification": NotificationFactory(recipient=world.owner, message="Owner-only notice"),
    }
    theirs = {
        "application": SolutionFinderDetailsFactory(
            application__organization=world.other_org
        ).application,
        "entry": EntryFactory(organization=world.other_org, project_title="Foreign-only project"),
        "registration": EventRegistrationFactory(
            user=world.member_elsewhere,
            email=world.member_elsewhere.email,
            event__title="Foreign-only event",
        ),
        "notification": NotificationFactory(
            recipient=world.member_elsewhere, message="Foreign-only notice"
        ),
    }
    return mine, theirs


def _owner_client(world) -> Client:
    client = Client()
    client.force_login(world.owner)
    return client


@pytest.mark.parametrize(
    ("url", "mine", "theirs"),
    [
        ("/portal/applications/", "/portal/applications/{a}/", "/portal/applications/{b}/"),
        ("/awards/portal/", "Owner-only project", "Foreign-only project"),
        ("/portal/events/", "Owner-only event", "Foreign-only event"),
        ("/notifications/", "Owner-only notice", "Foreign-only notice"),
    ],
)
def test_portal_lists_show_only_my_organizations_rows(url, mine, theirs, world, rows):
    own, foreign = rows
    ids = {"a": own["application"].pk, "b": foreign["application"].pk}

    response = _owner_client(world).get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert mine.format(**ids) in html
    assert theirs.format(**ids) not in html


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/api/v1/me/applications/", "application"),
        ("/api/v1/me/award-entries/", "entry"),
        ("/api/v1/me/event-registrations/", "registration"),
    ],
)
def test_member_api_lists_show_only_my_rows(url, kind, world, rows):
    own, foreign = rows

    response = _owner_client(world).get(url)

    assert response.status_code == 200
    data = response.json()
    ids = {row["id"] for row in (data["results"] if isinstance(data, dict) else data)}
    assert own[kind].pk in ids
    assert foreign[kind].pk not in ids


def test_my_organizations_endpoint_lists_only_mine(world):
    response = _owner_client(world).get("/api/v1/me/organizations/")

    data = response.json()
    slugs = {row["slug"] for row in (data["results"] if isinstance(data, dict) else data)}
    assert slugs == {world.org.slug}
