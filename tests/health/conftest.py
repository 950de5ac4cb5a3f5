import pytest

from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory


@pytest.fixture
def seoul(db):
    return OrganizationFactory(name="Seoul", slug="seoul", country="KR", city="Seoul")


@pytest.fixture
def makati(db):
    return OrganizationFactory(
        name="Makati", slug="makati", country="PH", city="Makati", region="asia_pacific"
    )


@pytest.fixture
def seoul_editor(seoul):
    return OrganizationUserFactory(
        organization=seoul, user=UserFactory(email="editor@seoul.test", full_name="Kim Seoul")
    ).user


@pytest.fixture
def makati_editor(makati):
    return OrganizationUserFactory(
        organization=makati, user=UserFactory(email="editor@makati.test")
    ).user


@pytest.fixture
def officer(db):
    """A Secretariat officer (superuser) who receives the staff notifications."""
    return UserFactory(
        is_staff=True, is_superuser=True, email="officer@wego.test", full_name="Lee Officer"
    )
