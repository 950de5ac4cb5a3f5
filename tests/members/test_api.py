import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from members.enums import MemberType, OrganizationStatus, Region, Relationship
from tests.factories.members import OfficeFactory, OrganizationFactory, OrganizationUserFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/organizations/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def network(db):
    office = OfficeFactory(slug="africa", regions=["africa"])
    OrganizationFactory(
        name="Abuja", slug="abuja", country="NG", region=Region.AFRICA, office=office
    )
    OrganizationFactory(name="Seoul", slug="seoul")
    OrganizationFactory(name="UCWARE", slug="ucware", member_type=MemberType.CORPORATION)
    OrganizationFactory(name="Gone", slug="gone", status=OrganizationStatus.FORMER)
    OrganizationFactory(name="SCI Japan", slug="sci-japan", relationship=Relationship.MOU_PARTNER)


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_api_lists_active_members_with_the_directory_filters(api, network):
    assert names(api.get(LIST)) == ["Abuja", "Seoul", "UCWARE"]
    assert names(api.get(LIST, {"type": "corporation"})) == ["UCWARE"]
    assert names(api.get(LIST, {"region": "africa", "office": "africa"})) == ["Abuja"]
    assert names(api.get(LIST, {"q": "nigeria"})) == ["Abuja"]


def test_api_organization_detail_and_404_for_former_members(api, network):
    seoul = api.get(f"{LIST}seoul/")
    gone = api.get(f"{LIST}gone/")

    assert seoul.json()["country"] == "KR"
    assert seoul.json()["url"] == "/members/seoul/"
    assert gone.status_code == 404
    assert gone.json() == {"error": {"status": 404, "code": "not_found", "detail": "Not found."}}


def test_api_cursor_pagination_walks_every_member_once(api):
    for n in range(7):
        OrganizationFactory(name=f"Town {n}")

    seen, url = [], LIST + "?page_size=3"
    while url:
        body = api.get(url).json()
        seen += [row["name"] for row in body["results"]]
        url = body["next"]

    assert seen == [f"Town {n}" for n in range(7)]


def test_api_page_size_is_capped(api):
    for n in range(3):
        OrganizationFactory(name=f"Town {n}")

    response = api.get(LIST, {"page_size": 10_000})

    assert response.status_code == 200
    from wego_portal.api import StandardCursorPagination

    assert StandardCursorPagination.max_page_size == 100


def test_api_my_organizations_needs_a_user_and_shows_only_theirs(api, network):
    from members.models import Organization

    link = OrganizationUserFactory(organization=Organization.objects.get(slug="seoul"))
    anonymous = api.get("/api/v1/me/organizations/")
    api.force_authenticate(link.user)
    mine = api.get("/api/v1/me/organizations/")

    assert anonymous.status_code in (401, 403)
    assert [(o["slug"], o["role"]) for o in mine.json()] == [("seoul", "editor")]


def test_api_offices(api, network):
    response = api.get("/api/v1/offices/")

    assert [o["slug"] for o in response.json()] == ["africa"]


def test_api_is_read_only_for_organizations(api, network, staff_user):
    api.force_authenticate(staff_user)

    response = api.post(LIST, {"name": "New"}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_api_throttles_anonymous_callers_with_retry_after(api, network, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    # Patched on the class and restored after the test (a rate left behind would throttle
    # whatever test runs next in this process).
    rates = {**AnonRateThrottle.THROTTLE_RATES, "anon": "3/min"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
    statuses = [api.get("/api/v1/offices/").status_code for _ in range(4)]
    throttled = api.get("/api/v1/offices/")

    assert statuses == [200, 200, 200, 429]
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["error"]["code"] == "throttled"


@pytest.mark.parametrize("count", [2, 20])
def test_api_list_query_count_is_constant(api, django_assert_num_queries, count):
    office = OfficeFactory()
    for _ in range(count):
        OrganizationFactory(office=office)

    with django_assert_num_queries(1):
        response = api.get(LIST)

    assert len(response.json()["results"]) == count


def test_api_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get(reverse("api:schema"))
    docs = client.get(reverse("api:docs"))

    assert schema.status_code == 200
    assert b"/api/v1/organizations/" in schema.content
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html
