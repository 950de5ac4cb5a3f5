"""Public list pages a CDN can keep: ETag from the data version, 304 before any work."""

import pytest
from django.urls import reverse

from events.selectors import bump_events_list_version
from members.selectors import bump_directory_version
from tests.factories.members import OrganizationFactory, OrganizationUserFactory

pytestmark = pytest.mark.django_db

PAGES = [("members:directory", bump_directory_version), ("events:list", bump_events_list_version)]


@pytest.mark.parametrize(("name", "bump"), PAGES)
def test_a_visitor_gets_a_shareable_page_and_a_304_without_queries(
    client, django_assert_num_queries, name, bump
):
    OrganizationFactory()
    url = reverse(name)

    first = client.get(url)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert "Set-Cookie" not in first.headers and not first.cookies
    etag = first["ETag"]

    with django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""

    assert client.get(f"{url}?page=2", HTTP_IF_NONE_MATCH=etag).status_code != 304

    bump()  # the data changed: the old copy is no longer current
    fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag


def test_another_language_is_another_version(client):
    english = client.get(reverse("members:directory"))["ETag"]
    korean = client.get("/ko" + reverse("members:directory"))["ETag"]
    assert english != korean


def test_a_signed_in_page_is_private_and_never_304(client):
    client.force_login(OrganizationUserFactory().user)
    url = reverse("members:directory")
    etag = client.get(url).get("ETag")
    assert etag is None
    response = client.get(url, HTTP_IF_NONE_MATCH='"anything"')
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")
