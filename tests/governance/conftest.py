import pytest
from django.db import connection

from governance.enums import BodyKind
from members.enums import MembershipClass
from tests.factories.accounts import UserFactory
from tests.factories.governance import BodyFactory, DelegateFactory
from tests.factories.members import OrganizationFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (row locks, system columns); CI runs it with DATABASE_URL set",
)


@pytest.fixture
def secretariat(db):
    return UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)


@pytest.fixture
def assembly(db):
    return BodyFactory(kind=BodyKind.GENERAL_ASSEMBLY, quorum_percent=50)


@pytest.fixture
def excom(db):
    return BodyFactory(kind=BodyKind.EXECUTIVE_COMMITTEE, quorum_percent=50)


def full_members(n: int, prefix: str = "Member") -> list:
    """``n`` Full members in good standing, each with one voting delegate."""
    members = []
    for i in range(n):
        org = OrganizationFactory(
            name=f"{prefix} {i:03d}",
            slug=f"{prefix.lower()}-{i:03d}",
            membership_class=MembershipClass.FULL,
        )
        DelegateFactory(organization=org)
        members.append(org)
    return members
