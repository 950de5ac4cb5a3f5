import pytest

from members.services import office_staff_group_ensure, secretariat_group_ensure
from programs.enums import ApplicationKind, ApplicationStatus
from programs.models import Application, SmartCityArea
from tests.factories.accounts import UserFactory
from tests.factories.members import OfficeFactory, OrganizationFactory, OrganizationUserFactory
from tests.factories.programs import (
    CallFactory,
    ProgramFactory,
    ProjectImplementerDetailsFactory,
    SolutionComponentFactory,
    SolutionFinderDetailsFactory,
)

SF = ApplicationKind.SOLUTION_FINDER
PI = ApplicationKind.PROJECT_IMPLEMENTER


@pytest.fixture
def areas(db):
    return {area.slug: area for area in SmartCityArea.objects.all()}


@pytest.fixture
def east_asia(db):
    return OfficeFactory(
        slug="east-asia", name="East Asia Regional Office", regions=["asia_pacific"]
    )


@pytest.fixture
def africa_office(db):
    return OfficeFactory(
        slug="africa", name="Africa Regional Office", country="NG", regions=["africa"]
    )


@pytest.fixture
def seoul(east_asia):
    return OrganizationFactory(name="Seoul", slug="seoul", country="KR", office=east_asia)


@pytest.fixture
def abuja(africa_office):
    return OrganizationFactory(
        name="Abuja", slug="abuja", country="NG", region="africa", office=africa_office
    )


@pytest.fixture
def seoul_editor(seoul):
    user = UserFactory(email="editor@seoul.test", full_name="Kim Seoul")
    OrganizationUserFactory(organization=seoul, user=user)
    return user


@pytest.fixture
def seoul_colleague(seoul):
    user = UserFactory(email="colleague@seoul.test", full_name="Lee Seoul")
    OrganizationUserFactory(organization=seoul, user=user)
    return user


@pytest.fixture
def abuja_editor(abuja):
    user = UserFactory(email="editor@abuja.test", full_name="Ada Abuja")
    OrganizationUserFactory(organization=abuja, user=user)
    return user


@pytest.fixture
def secretariat(db):
    user = UserFactory(is_staff=True, email="officer@wego.test", full_name="Park Officer")
    user.groups.add(secretariat_group_ensure())
    return user


@pytest.fixture
def reviewer(db):
    """A back-office user who is neither Secretariat nor regional-office staff."""
    return UserFactory(is_staff=True, email="reviewer@wego.test", full_name="Rita Reviewer")


@pytest.fixture
def east_asia_staff(east_asia):
    user = UserFactory(is_staff=True, email="staff@eastasia.test")
    user.groups.add(office_staff_group_ensure(office=east_asia))
    return user


@pytest.fixture
def africa_staff(africa_office):
    user = UserFactory(is_staff=True, email="staff@africa.test")
    user.groups.add(office_staff_group_ensure(office=africa_office))
    return user


@pytest.fixture
def sf_program(db):
    return ProgramFactory(name="Smart City Driver", slug="smart-city-driver")


@pytest.fixture
def pi_program(db):
    return ProgramFactory(name="Project Implementer", slug="project-implementer")


@pytest.fixture
def sf_call(sf_program):
    return CallFactory(
        program=sf_program,
        title="Solution Finder",
        slug="solution-finder",
        kind=SF,
        opens_at=None,
        closes_at=None,
    )


@pytest.fixture
def pi_call(pi_program):
    return CallFactory(
        program=pi_program,
        title="Project Implementer 2021",
        slug="project-implementer-2021",
        kind=PI,
    )


@pytest.fixture
def make_application(seoul, areas, sf_call, pi_call):
    """A complete application (every answer given) of ``kind`` in ``status``."""

    def make(kind=SF, status=ApplicationStatus.DRAFT, organization=None, call=None):
        organization = organization or seoul
        water = areas["water-management"]
        if kind == SF:
            details = SolutionFinderDetailsFactory(
                application__organization=organization,
                application__call=call or sf_call,
                application__status=status,
            )
            SolutionComponentFactory(application=details.application, area=water)
        else:
            details = ProjectImplementerDetailsFactory(
                application__organization=organization,
                application__call=call or pi_call,
                application__status=status,
            )
        details.application.areas.set([water])
        return Application.objects.get(pk=details.application.pk)

    return make
