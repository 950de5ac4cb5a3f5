"""Fault injection: the cache's Redis server stopped while the portal serves, then restarted."""

import json
import logging

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.factories.events import EventFactory
from tests.factories.members import OrganizationFactory
from tests.faults.conftest import REPORT, requires_rig

pytestmark = [requires_rig, pytest.mark.django_db]

PAGES = ["/", "/members/", "/events/", "/api/v1/events/"]


def test_pages_and_api_answer_while_the_cache_redis_is_stopped(private_redis, caplog):
    from wego_portal import cache as resilient

    resilient._outages.clear()
    OrganizationFactory(name="Seoul Metropolitan Government")
    EventFactory(title="Smart mobility webinar")
    caches = {
        "default": {
            "BACKEND": "wego_portal.cache.ResilientRedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "wego-faults",
        }
    }
    caplog.set_level(logging.WARNING, logger="wego_portal.cache")
    client = Client()
    with override_settings(CACHES=caches):
        up = {path: client.get(path).status_code for path in PAGES}
        assert cache.redis_available() is True

        private_redis.stop()
        down = {path: client.get(path) for path in PAGES}
        health_down = client.get("/healthz")
        login_page = client.get("/accounts/login/")

        private_redis.start()
        resilient._outages[private_redis.url].retry_at = 0  # don't wait RETRY_AFTER seconds
        health_up = client.get("/healthz")
        after = {path: client.get(path).status_code for path in PAGES}

    REPORT.append(
        "cache Redis stopped: "
        + ", ".join(f"{path} {r.status_code}" for path, r in down.items())
        + f"; /healthz {health_down.status_code} {json.loads(health_down.content)['status']}"
    )
    assert up == dict.fromkeys(PAGES, 200)
    assert {path: r.status_code for path, r in down.items()} == dict.fromkeys(PAGES, 200)
    assert "Seoul Metropolitan Government" in down["/members/"].text
    assert login_page.status_code == 200
    assert health_down.status_code == 200
    assert json.loads(health_down.content)["degraded"] == ["cache"]
    assert json.loads(health_up.content)["status"] == "ok"
    assert after == dict.fromkeys(PAGES, 200)
    messages = [r.getMessage() for r in caplog.records if r.name == "wego_portal.cache"]
    assert len([m for m in messages if "unreachable" in m]) == 1
    assert len([m for m in messages if "answers again after" in m]) == 1
