"""The portal degrades instead of failing: Redis cache unreachable, database unreachable."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories.events import EventFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory

ROOT = Path(__file__).resolve().parents[2]

UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "wego_portal.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": "wego-degraded",
    }
}


@pytest.fixture
def cache_down():
    from wego_portal import cache as resilient

    resilient._outages.clear()
    with override_settings(CACHES=UNREACHABLE_CACHE):
        yield cache
    resilient._outages.clear()


@pytest.mark.django_db
def test_public_pages_and_the_api_answer_with_the_cache_unreachable(cache_down, caplog):
    OrganizationFactory(name="Seoul Metropolitan Government")
    EventFactory(title="Smart mobility webinar")
    caplog.set_level(logging.WARNING, logger="wego_portal.cache")
    client = Client()

    responses = {
        path: client.get(path) for path in ["/", "/members/", "/events/", "/api/v1/events/"]
    }
    again = client.get("/members/")

    assert {path: r.status_code for path, r in responses.items()} == {
        "/": 200,
        "/members/": 200,
        "/events/": 200,
        "/api/v1/events/": 200,
    }
    assert "Seoul Metropolitan Government" in responses["/members/"].text
    assert again.status_code == 200
    # One warning for the whole outage so far, not one per request.
    warnings = [r for r in caplog.records if r.name == "wego_portal.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


@pytest.mark.django_db
def test_member_pages_answer_with_the_cache_unreachable(cache_down):
    membership = OrganizationUserFactory()
    client = Client()
    client.force_login(membership.user)

    assert client.get(reverse("members:dashboard")).status_code == 200
    assert client.get("/notifications/").status_code == 200


def test_fallback_keeps_counters_and_values_per_process_while_redis_is_down(cache_down):
    cache_down.set("page-version", 1)
    cache_down.incr("page-version")
    assert cache_down.add("login-attempts", 0) is True
    assert cache_down.incr("login-attempts", 5) == 5

    assert cache_down.get("page-version") == 2
    assert cache_down.get_or_set("other", lambda: "computed") == "computed"
    assert cache_down.degraded is True
    assert cache_down.redis_available() is False


def test_fallback_entries_expire_within_a_minute(cache_down):
    from wego_portal.cache import FALLBACK_MAX_TIMEOUT

    assert FALLBACK_MAX_TIMEOUT == 60
    assert cache_down._fallback_timeout(None) == 60
    assert cache_down._fallback_timeout(300) == 60
    assert cache_down._fallback_timeout(5) == 5


def test_database_unreachable_answers_a_styled_503_with_retry_after():
    """A separate process whose DATABASE_URL points at a port where nothing listens."""
    import secrets

    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False, HTTP_HOST='portal.wego.test')\n"
        "for path in ['/members/', '/events/', '/']:\n"
        "    r = client.get(path)\n"
        "    print(path, r.status_code, r.get('Retry-After'), "
        "'briefly unavailable' in r.text, 'portal.css' in r.text, 'Traceback' in r.text)\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CACHE_URL"))
    }
    # Production settings, with the database, the broker and the cache all unreachable.
    env.update(
        DJANGO_SETTINGS_MODULE="wego_portal.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="portal.wego.test",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_MANIFEST="false",
        DJANGO_LOG_LEVEL="CRITICAL",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/wego_unreachable",
        REDIS_URL="redis://127.0.0.1:1/0",
        CACHE_URL="redis://127.0.0.1:1/1",
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{path} 503 30 True True False" for path in ["/members/", "/events/", "/"]
    ]


@pytest.mark.django_db
def test_an_ordinary_error_is_still_a_500(client, monkeypatch):
    from wego_portal import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(views, "network_figures", broken)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_healthz_is_ok_again_once_redis_answers(client):
    response = client.get(reverse("healthz"))

    assert json.loads(response.content)["status"] == "ok"


def test_the_redis_client_is_made_once_per_connection_pool():
    from django.core.cache import caches

    from wego_portal.cache import ResilientRedisCache

    backend = caches["default"]
    if not isinstance(backend, ResilientRedisCache):
        pytest.skip("the cache is not Redis here (REDIS_URL unset)")
    client = backend._cache.get_client(write=True)

    assert backend._cache.get_client(write=True) is client
    backend.set("reused-client", 1)
    assert backend.get("reused-client") == 1
