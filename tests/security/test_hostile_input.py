"""Malformed input found by hand: each answers a 4xx or a normal page, never a server error.

NUL bytes matter most on PostgreSQL, whose text values cannot hold them: a NUL that reaches a
query is a database error there (CI runs this suite on PostgreSQL).
"""

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from programs.models import SmartCityArea
from tests.factories.events import EventFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from tests.factories.programs import CallFactory, SolutionFinderDetailsFactory
from tests.members.files import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=True)


@pytest.fixture
def seoul(db):
    return OrganizationFactory(name="Seoul", slug="seoul")


@pytest.fixture
def member(seoul):
    return OrganizationUserFactory(organization=seoul).user


@pytest.fixture
def member_client(member):
    client = Client(raise_request_exception=True)
    client.force_login(member)
    return client


@pytest.fixture
def member_api(member):
    api = APIClient(raise_request_exception=True)
    api.force_authenticate(member)
    return api


@pytest.fixture
def draft(seoul):
    call = CallFactory(slug="solution-finder")
    return SolutionFinderDetailsFactory(
        application__organization=seoul, application__call=call
    ).application


def test_events_list_with_a_nul_host_ignores_it(anonymous):
    EventFactory(title="Smart city webinar")

    response = anonymous.get("/events/", {"host": "\x00"})

    assert response.status_code == 200
    assert "Smart city webinar" in response.text
    assert "Hosted by" not in response.text


def test_personal_feed_with_a_nul_token_is_not_found(anonymous):
    response = anonymous.get("/events/feeds/%00.ics")

    assert response.status_code == 404


def test_calendar_feed_with_a_line_break_in_a_kind_ignores_the_kind(anonymous):
    response = anonymous.get("/events/calendar.ics", {"kind": "a\nb"})

    assert response.status_code == 200
    assert "\na" not in response.text and "a\r\nb" not in response.text
    assert "X-WR-CALNAME:WeGO events\r\n" in response.text


def test_api_token_with_a_nul_byte_is_a_401():
    api = APIClient(raise_request_exception=True)

    response = api.get("/api/v1/events/", HTTP_AUTHORIZATION="Token wego_\x00abc")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_section_areas_given_as_objects_is_a_400(member_api, draft):
    response = member_api.patch(
        f"/api/v1/me/applications/{draft.pk}/sections/challenges/",
        {"answers": {"areas": [{}]}},
        format="json",
    )

    assert response.status_code == 400
    assert "areas" in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", [["x"], {"a": 1}, [{"area": ["x"], "need": {"a": 1}}]])
def test_package_components_of_the_wrong_type_are_a_400(member_api, draft, value):
    response = member_api.patch(
        f"/api/v1/me/applications/{draft.pk}/sections/package/",
        {"answers": {"components": value}},
        format="json",
    )

    assert response.status_code == 400
    assert "components" in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", [["Traffic"], {"a": "b"}])
def test_a_text_answer_of_the_wrong_type_is_a_400(member_api, draft, value):
    response = member_api.patch(
        f"/api/v1/me/applications/{draft.pk}/sections/challenges/",
        {"answers": {"urban_challenges": value}},
        format="json",
    )

    assert response.status_code == 400
    assert "urban_challenges" in response.json()["error"]["fields"]


def test_a_text_answer_of_the_right_type_still_saves(member_api, draft):
    water = SmartCityArea.objects.get(slug="water-management")

    response = member_api.patch(
        f"/api/v1/me/applications/{draft.pk}/sections/challenges/",
        {"answers": {"urban_challenges": "Floods downtown.", "areas": [water.slug]}},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["answers"]["challenges"] == {
        "urban_challenges": "Floods downtown.",
        "areas": ["water-management"],
    }


def test_attachment_with_a_unicode_digit_document_is_a_400(member_api, draft):
    response = member_api.post(
        f"/api/v1/me/applications/{draft.pk}/attachments/",
        {"document": "²", "file": pdf_upload()},
        format="multipart",
    )

    assert response.status_code == 400
    assert "document" in response.json()["error"]["fields"]


def test_portal_applications_with_a_nul_organization_ignores_it(member_client, draft):
    response = member_client.get("/portal/applications/", {"organization": "\x00"})

    assert response.status_code == 200
    assert draft.reference in response.text


def test_api_applications_with_a_nul_organization_is_a_400(member_api, draft):
    response = member_api.get("/api/v1/me/applications/", {"organization": "\x00"})

    assert response.status_code == 400
    assert "organization" in response.json()["error"]["fields"]


def test_api_applications_filtered_by_organization_still_work(member_api, draft):
    response = member_api.get("/api/v1/me/applications/", {"organization": "seoul"})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [draft.pk]


def test_revoking_a_token_with_a_nul_key_changes_nothing(member_client, member):
    AuthToken.objects.create(user=member, expiry=None)

    response = member_client.post("/portal/api-tokens/", {"revoke": "ab\x00cd"})

    assert response.status_code == 400
    assert AuthToken.objects.filter(user=member).count() == 1


# --- Found by the fuzz suite (tests/security/test_fuzz_pages.py) -------------------------------


def test_calendar_feed_with_recordings_filters_them(anonymous):
    EventFactory(title="Recorded webinar")

    response = anonymous.get("/events/calendar.ics", {"recordings": "on"})

    assert response.status_code == 200
    assert "Recorded webinar" not in response.text


@pytest.mark.parametrize(
    "url",
    ["/portal/projects/new/", "/portal/health/initiatives/new/"],
    ids=["project", "initiative"],
)
def test_a_draft_with_a_non_ascii_digit_country_is_a_form_error(member_client, url):
    response = member_client.post(url, {"title": "Smart water", "country": "²"})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Select a valid choice" in response.text


def test_events_list_with_an_unknown_when_shows_upcoming_events_in_order(anonymous):
    from tests.factories.events import in_days

    EventFactory(title="Later", starts_at=in_days(20))
    EventFactory(title="Sooner", starts_at=in_days(5))
    EventFactory(title="Over", starts_at=in_days(-20))

    response = anonymous.get("/events/", {"when": "\x00"})

    assert response.status_code == 200
    assert [event.title for event in response.context["page"].object_list] == ["Sooner", "Later"]
