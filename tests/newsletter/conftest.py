import pytest

from members.services import office_staff_group_ensure, secretariat_group_ensure
from newsletter.models import Topic
from tests.factories.accounts import UserFactory
from tests.factories.members import OfficeFactory


@pytest.fixture
def topics(db):
    """The four topics seeded by the migration."""
    return {topic.slug: topic for topic in Topic.objects.all()}


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
