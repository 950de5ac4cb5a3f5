import pytest

from tests.factories.members import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_an_impossible_joined_year_is_a_400_not_a_500(api):
    """Found by schemathesis: ``joined=0`` crashed building the date range."""
    OrganizationFactory()

    response = api.get("/api/v1/organizations/", {"joined": 0})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["joined"]


def test_a_member_without_an_office_has_office_null(api):
    """Found by schemathesis: ``office`` is null for members no office looks after."""
    OrganizationFactory(slug="alone", office=None)

    assert api.get("/api/v1/organizations/alone/").json()["office"] is None
