import dataclasses

import pytest

from members.enums import OrganizationRole, Region
from members.services import office_staff_group_ensure, secretariat_group_ensure
from tests.factories.accounts import UserFactory
from tests.factories.awards import JudgeFactory
from tests.factories.members import OfficeFactory, OrganizationFactory, OrganizationUserFactory


@dataclasses.dataclass
class World:
    """Two organizations in two regions, and one person in every role of the matrix."""

    office: object
    org: object
    owner: object
    other_office: object
    other_org: object
    member_elsewhere: object
    office_staff_elsewhere: object
    judge: object
    secretariat: object
    secretariat_group_user: object

    def strangers(self) -> dict:
        return {
            "anonymous": None,
            "member of another organization": self.member_elsewhere,
            "regional office of another region": self.office_staff_elsewhere,
            "judge": self.judge,
        }


@pytest.fixture
def world(db) -> World:
    office = OfficeFactory(slug="asia-office", regions=[Region.ASIA_PACIFIC])
    other_office = OfficeFactory(slug="europe-office", regions=[Region.EUROPE], city="Kazan")
    org = OrganizationFactory(office=office, region=Region.ASIA_PACIFIC, slug="owner-city")
    other_org = OrganizationFactory(office=other_office, region=Region.EUROPE, slug="other-city")
    owner = UserFactory(email="owner@owner-city.test")
    OrganizationUserFactory(organization=org, user=owner, role=OrganizationRole.PRIMARY_CONTACT)
    member_elsewhere = UserFactory(email="editor@other-city.test")
    OrganizationUserFactory(
        organization=other_org, user=member_elsewhere, role=OrganizationRole.PRIMARY_CONTACT
    )
    office_staff_elsewhere = UserFactory(email="staff@europe-office.test", is_staff=True)
    office_staff_elsewhere.groups.add(office_staff_group_ensure(office=other_office))
    judge_user = UserFactory(email="judge@jury.test")
    JudgeFactory(user=judge_user)
    secretariat = UserFactory(email="secretariat@wego.test", is_staff=True, is_superuser=True)
    group_user = UserFactory(email="officer@wego.test", is_staff=True)
    group_user.groups.add(secretariat_group_ensure())
    return World(
        office=office,
        org=org,
        owner=owner,
        other_office=other_office,
        other_org=other_org,
        member_elsewhere=member_elsewhere,
        office_staff_elsewhere=office_staff_elsewhere,
        judge=judge_user,
        secretariat=secretariat,
        secretariat_group_user=group_user,
    )
