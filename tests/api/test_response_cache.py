"""The public API's anonymous answers come from the shared cache (``wego_portal.api_caching``):
the same bytes as a fresh answer, a new one as soon as the data changes, ``304`` without a
query, the throttle first, and nothing shared with or from signed-in callers."""

import pytest
from django.contrib.admin.sites import site
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from members import services
from members.admin import OfficeAdmin
from members.models import Office
from tests.factories.members import OfficeFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/organizations/"


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def test_a_cached_answer_is_the_fresh_answer_with_no_query(api, django_assert_num_queries):
    OrganizationFactory(name="Seoul", slug="seoul", office=OfficeFactory(slug="east-asia"))

    fresh = api.get(LIST)
    with django_assert_num_queries(0):
        cached = api.get(LIST)

    assert cached.status_code == fresh.status_code == 200
    assert cached.content == fresh.content
    assert cached["Content-Type"] == fresh["Content-Type"] == "application/json"
    assert cached["ETag"] == fresh["ETag"]
    for response in (fresh, cached):
        assert response["Cache-Control"] == "public, max-age=60"
        assert {"Accept", "Accept-Language", "Authorization", "Cookie"} <= set(
            response["Vary"].replace(" ", "").split(",")
        )
        assert not response.cookies


@pytest.mark.parametrize("path", [LIST, f"{LIST}seoul/", "/api/v1/offices/"])
def test_every_shared_endpoint_answers_a_second_time_from_the_cache(
    api, django_assert_num_queries, path
):
    OrganizationFactory(name="Seoul", slug="seoul", office=OfficeFactory(slug="east-asia"))
    first = api.get(path)

    with django_assert_num_queries(0):
        again = api.get(path)

    assert again.content == first.content and again.status_code == 200


def test_a_changed_organization_is_shown_at_once(api, user, django_capture_on_commit_callbacks):
    seoul = OrganizationFactory(name="Seoul", slug="seoul")
    before = api.get(LIST)

    with django_capture_on_commit_callbacks(execute=True):
        services.organization_update_profile(
            organization=seoul, changed_by=user, data={"description": "Host of the Secretariat."}
        )
    after = api.get(LIST)
    detail = api.get(f"{LIST}seoul/")

    assert after.json()["results"][0]["description"] == "Host of the Secretariat."
    assert detail.json()["description"] == "Host of the Secretariat."
    assert after["ETag"] != before["ETag"]
    assert api.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_a_changed_office_is_shown_at_once(api, rf, staff_user, django_capture_on_commit_callbacks):
    office = OfficeFactory(slug="east-asia", opened_year=2014)
    OrganizationFactory(office=office)
    assert api.get("/api/v1/offices/").json()[0]["opened_year"] == 2014

    office.opened_year = 2015
    request = rf.post("/admin/members/office/")
    request.user = staff_user
    with django_capture_on_commit_callbacks(execute=True):
        OfficeAdmin(Office, site).save_model(request, office, form=None, change=True)

    assert api.get("/api/v1/offices/").json()[0]["opened_year"] == 2015


def test_a_conditional_request_gets_a_304_without_a_query(api, django_assert_num_queries):
    OrganizationFactory()
    etag = api.get(LIST)["ETag"]

    with django_assert_num_queries(0):
        exact = api.get(LIST, HTTP_IF_NONE_MATCH=etag)
        weak = api.get(LIST, HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
        star = api.get(LIST, HTTP_IF_NONE_MATCH="*")

    for response in (exact, weak, star):
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Cache-Control"] == "public, max-age=60"
        assert "Authorization" in response["Vary"]
    assert api.get(LIST, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert api.get(f"{LIST}?page_size=5", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_throttle_refuses_before_the_cache_answers(api, monkeypatch):
    OrganizationFactory()
    rates = {**AnonRateThrottle.THROTTLE_RATES, "anon": "3/min"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)

    statuses = [api.get(LIST).status_code for _ in range(3)]  # a miss, then two hits
    throttled = api.get(LIST)
    conditional = api.get(LIST, HTTP_IF_NONE_MATCH="*")

    assert statuses == [200, 200, 200]
    assert throttled.status_code == conditional.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert "ETag" not in throttled and "public" not in throttled.get("Cache-Control", "")


def _signed_in_clients(user) -> dict[str, APIClient]:
    _token, secret = AuthToken.objects.create(user=user, expiry=None)
    by_token = APIClient(HTTP_AUTHORIZATION=f"Token {secret}")
    by_session = APIClient()
    by_session.force_login(user)
    return {"token": by_token, "session": by_session}


@pytest.mark.parametrize("how", ["token", "session"])
def test_a_signed_in_caller_is_never_served_from_nor_into_the_shared_cache(api, user, how):
    caller = _signed_in_clients(user)[how]
    OrganizationFactory(name="Abuja")

    signed_in = caller.get(LIST)
    # Written without the service, so the shared copy's version stays: what each answer
    # shows tells where it came from.
    OrganizationFactory(name="Busan")
    anonymous = api.get(LIST)
    OrganizationFactory(name="Cebu")
    signed_in_again = caller.get(LIST, HTTP_IF_NONE_MATCH=anonymous["ETag"])

    assert names(signed_in) == ["Abuja"]
    assert names(anonymous) == ["Abuja", "Busan"]  # not the signed-in answer, stored
    assert signed_in_again.status_code == 200
    assert names(signed_in_again) == ["Abuja", "Busan", "Cebu"]  # not the shared copy
    for response in (signed_in, signed_in_again):
        assert "ETag" not in response
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        assert "Authorization" in response["Vary"] and "Cookie" in response["Vary"]


def test_a_bad_token_is_refused_even_when_a_shared_copy_exists(api):
    OrganizationFactory()
    api.get(LIST)

    response = APIClient().get(LIST, HTTP_AUTHORIZATION="Token wego_" + "0" * 64)

    assert response.status_code == 401


def test_the_key_is_the_address_with_its_parameters_in_any_order(api, django_assert_num_queries):
    OrganizationFactory(name="Abuja", country="NG", region="africa")
    first = api.get(f"{LIST}?region=africa&type=local_government")

    with django_assert_num_queries(0):
        reordered = api.get(f"{LIST}?type=local_government&region=africa")

    assert reordered.content == first.content
    assert names(first) == ["Abuja"]


def test_language_and_media_type_are_separate_entries(api):
    OrganizationFactory(name="Seoul", name_ko="서울")

    english = api.get(LIST)
    korean = api.get(LIST, HTTP_ACCEPT_LANGUAGE="ko")
    indented = api.get(LIST, HTTP_ACCEPT="application/json; indent=2")

    assert names(english) == ["Seoul"] and names(korean) == ["서울"]
    assert korean["Content-Language"] == "ko"
    assert indented.content.startswith(b'{\n  "next"')
    assert len({english["ETag"], korean["ETag"], indented["ETag"]}) == 3


def test_the_browsable_page_and_errors_are_never_stored(api, django_assert_num_queries):
    OrganizationFactory()

    page = api.get(LIST, HTTP_ACCEPT="text/html")
    missing = api.get(f"{LIST}nowhere/")
    with django_assert_num_queries(1):  # the JSON answer is still computed once
        api.get(LIST)

    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "ETag" not in page and "ETag" not in missing
    assert missing.status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_one_query_then_none_whatever_its_length(
    api, django_assert_num_queries, count
):
    office = OfficeFactory()
    OrganizationFactory.create_batch(count, office=office)

    with django_assert_num_queries(1):
        fresh = api.get(LIST)
    with django_assert_num_queries(0):
        cached = api.get(LIST)

    assert len(cached.json()["results"]) == len(fresh.json()["results"]) == count
