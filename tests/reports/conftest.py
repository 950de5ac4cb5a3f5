import pytest


@pytest.fixture
def secretariat(db):
    from tests.factories.accounts import UserFactory

    return UserFactory(is_staff=True, is_superuser=True, email="secretariat@wego.test")
