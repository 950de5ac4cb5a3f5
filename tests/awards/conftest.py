import pytest

from members.enums import MemberType, OrganizationRole
from members.services import secretariat_group_ensure
from tests.factories.accounts import UserFactory
from tests.factories.awards import CategoryFactory, EditionFactory, EntryFactory, JudgeFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory


@pytest.fixture
def edition(db):
    """An edition open for entries (deadline in ten days)."""
    return EditionFactory(number=5, year=2023)


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition, name="Safe City", slug="safe-city", position=1)


@pytest.fixture
def other_category(edition):
    return CategoryFactory(edition=edition, name="Mobility", slug="mobility", position=2)


@pytest.fixture
def seoul(db):
    return OrganizationFactory(name="Seoul", slug="seoul", country="KR")


@pytest.fixture
def makati(db):
    return OrganizationFactory(name="Makati", slug="makati", country="PH")


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
def corporation_editor(db):
    corporation = OrganizationFactory(
        name="FATOS Corporation", slug="fatos", member_type=MemberType.CORPORATION
    )
    return OrganizationUserFactory(
        organization=corporation,
        user=UserFactory(email="editor@fatos.test"),
        role=OrganizationRole.PRIMARY_CONTACT,
    ).user


@pytest.fixture
def secretariat(db):
    officer = UserFactory(is_staff=True, email="officer@wego.test")
    officer.groups.add(secretariat_group_ensure())
    return officer


@pytest.fixture
def judge_user(db):
    return UserFactory(email="judge@panel.test", full_name="Renata Avila")


@pytest.fixture
def judge(edition, category, judge_user):
    return JudgeFactory(
        edition=edition, name="Renata Avila", user=judge_user, categories=[category]
    )


@pytest.fixture
def draft(edition, category, seoul, seoul_editor):
    return EntryFactory(
        category=category, organization=seoul, project_title="Seoul Safe Return", created_by=None
    )
