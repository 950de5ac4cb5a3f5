import pytest

from members.services import office_staff_group_ensure, secretariat_group_ensure
from newsletter.models import Topic
from tests.factories.accounts import UserFactory
from tests.factories.members import OfficeFactory

TOPICS = {"news": "News", "events": "Events", "calls": "Calls for applications", "awards": "Awards"}


@pytest.fixture
def topics(db):
    """The four topics the migration seeds (made again: a transactional test may have flushed
    the tables before this one)."""
    return {
        slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name, "position": index})[0]
        for index, (slug, name) in enumerate(TOPICS.items())
    }


@pytest.fixture
def secretariat(db):
    officer = UserFactory(is_staff=True, email="officer@wego.test")
    officer.groups.add(secretariat_group_ensure())
    return officer


@pytest.fixture
def office_officer(db):
    office = OfficeFactory(slug="east-asia", name="East Asia Regional Office")
    user = UserFactory(is_staff=True, email="staff@east-asia.test")
    user.groups.add(office_staff_group_ensure(office=office))
    return user
