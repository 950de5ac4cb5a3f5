"""Public list pages a CDN can keep: ETag from the data version, 304 before any work."""

import pytest
from django.urls import reverse

from events.selectors import bump_events_list_version
from members.selectors import bump_directory_version
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from wego_portal.caching import CacheVersion

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


def test_a_versioned_entry_is_read_with_its_version_and_never_served_once_bumped():
    version = CacheVersion("test:version")
    current, value = version.read("test:entry")
    assert value is None
    version.write("test:entry", current, "computed", 60)

    assert version.read("test:entry") == (current, "computed")
    version.bump()
    assert version.read("test:entry") == (current + 1, None)


def test_the_signed_in_directory_serves_its_cached_list_with_two_queries(
    client, django_assert_num_queries
):
    """The session and the user; the list, its facets and the unread count come from the
    cache (one round trip each) once the page was seen."""
    user = OrganizationUserFactory().user
    OrganizationFactory.create_batch(3)
    client.force_login(user)
    client.get(reverse("members:directory"))

    with django_assert_num_queries(2):
        response = client.get(reverse("members:directory"))

    assert response.status_code == 200


@pytest.fixture
def cache_round_trips(monkeypatch):
    """The calls the shared cache receives (each is one round trip to Redis), by name."""
    from django.core.cache import caches

    backend = caches["default"]
    calls: list[str] = []
    for name in ("get", "get_many", "get_or_set", "set", "set_many", "incr", "add"):
        original = getattr(backend, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(backend, name, counted)
    return calls


@pytest.mark.parametrize(("name", "bump"), PAGES)
def test_a_visitor_page_cache_hit_and_a_304_are_one_cache_round_trip_each(
    client, cache_round_trips, django_assert_num_queries, name, bump
):
    """The version and the page are read together: a cache hit costs one round trip (the
    visitor's share of the framework's floor is what a busy directory is measured by)."""
    OrganizationFactory()
    url = reverse(name)
    etag = client.get(url)["ETag"]
    cache_round_trips.clear()

    with django_assert_num_queries(0):
        hit = client.get(url)
    assert hit.status_code == 200 and hit["ETag"] == etag
    assert cache_round_trips == ["get_many"]

    cache_round_trips.clear()
    with django_assert_num_queries(0):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert cache_round_trips == ["get_many"]

    bump()
    cache_round_trips.clear()
    fresh = client.get(url)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert fresh.content == hit.content  # nothing else changed: the same page, a new version


@pytest.mark.parametrize(("name", "bump"), PAGES)
def test_a_page_served_from_the_cache_carries_the_headers_of_the_page_rendered(client, name, bump):
    OrganizationFactory()
    url = reverse(name)
    rendered = client.get(url)
    cached = client.get(url)

    for header in ("ETag", "Cache-Control", "Vary", "Content-Type", "Content-Language"):
        assert cached.get(header) == rendered.get(header), header
    assert cached.content == rendered.content
