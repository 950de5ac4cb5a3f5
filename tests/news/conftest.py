import pytest

from members.services import office_staff_group_ensure, secretariat_group_ensure
from tests.factories.accounts import UserFactory
from tests.factories.members import OfficeFactory


@pytest.fixture
def east_asia(db):
    return OfficeFactory(slug="east-asia", name="East Asia Regional Office")


@pytest.fixture
def eurasia(db):
    return OfficeFactory(slug="eurasia", name="Eurasia Regional Office", city="Ulyanovsk")


@pytest.fixture
def secretariat(db):
    officer = UserFactory(is_staff=True, email="officer@wego.test")
    officer.groups.add(secretariat_group_ensure())
    return officer


@pytest.fixture
def chengdu_staff(east_asia):
    user = UserFactory(is_staff=True, email="staff@chengdu.test")
    user.groups.add(office_staff_group_ensure(office=east_asia))
    return user
