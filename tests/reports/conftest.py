import pytest
from django.core.management import call_command


@pytest.fixture
def wego_data(db):
    """The built-in data set (members, programs, events, awards), as `load_wego_data` loads it."""
    with open("/dev/null", "w") as devnull:
        call_command("load_wego_data", stdout=devnull)


@pytest.fixture
def secretariat(db):
    from tests.factories.accounts import UserFactory

    return UserFactory(is_staff=True, is_superuser=True, email="secretariat@wego.test")
