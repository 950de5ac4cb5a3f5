import json

import pytest
from django.test import override_settings
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_ok_when_everything_answers(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] in {"ok", "eager"}
    assert response["Cache-Control"].startswith("max-age=0")


UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "wego_portal.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.mark.django_db
def test_healthz_reports_a_cache_outage_as_degraded_not_down(client):
    with override_settings(CACHES=UNREACHABLE_CACHE):
        response = client.get(reverse("healthz"))

    # The portal still serves (uncached): the node stays in rotation, monitoring sees why.
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "degraded"
    assert body["degraded"] == ["cache"]
    assert body["checks"]["cache"] == "down"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_broker_outage_as_degraded(client, settings):
    from wego_portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = old

    assert response.status_code == 200
    assert json.loads(response.content)["degraded"] == ["broker"]


def test_healthz_names_the_database_when_it_is_down(client):
    # This test is not granted database access, so every query fails as it would with the
    # database gone; the cache and broker still answer.
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = json.loads(response.content)
    assert (body["status"], body["down"]) == ("down", ["database"])
