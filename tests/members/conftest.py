import pytest

from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory


@pytest.fixture
def seoul(db):
    return OrganizationFactory(name="Seoul", slug="seoul", country="KR", city="Seoul")


@pytest.fixture
def makati(db):
    return OrganizationFactory(name="Makati", slug="makati", country="PH", city="Makati")


@pytest.fixture
def seoul_editor(seoul):
    return OrganizationUserFactory(
        organization=seoul, user=UserFactory(email="editor@seoul.test")
    ).user


@pytest.fixture
def makati_editor(makati):
    return OrganizationUserFactory(
        organization=makati, user=UserFactory(email="editor@makati.test")
    ).user
