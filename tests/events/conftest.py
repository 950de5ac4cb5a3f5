import pytest

from members.enums import Relationship
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from wego_portal.celery import app


@pytest.fixture(autouse=True)
def _eager_celery():
    """Deliver notifications in-process, even when REDIS_URL is set."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def seoul(db):
    return OrganizationFactory(name="Seoul", slug="seoul", country="KR", city="Seoul")


@pytest.fixture
def member(seoul):
    """A person acting for an active WeGO member (Seoul)."""
    return OrganizationUserFactory(
        organization=seoul, user=UserFactory(email="officer@seoul.test", full_name="Ji-won Kim")
    ).user


@pytest.fixture
def partner_user(db):
    """A person acting for an MOU partner: not a member."""
    partner = OrganizationFactory(
        name="Smart City Institute", relationship=Relationship.MOU_PARTNER
    )
    return OrganizationUserFactory(organization=partner).user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def event(db):
    """A published webinar ten days ahead with open registration and no limit."""
    return EventFactory(title="Smart Health Responder Webinar", open_registration=True)
