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


@pytest.mark.django_db
def test_healthz_names_the_cache_when_it_is_down(client):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "down"
    assert body["down"] == ["cache"]
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(client, settings):
    from wego_portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = old

    assert response.status_code == 503
    assert json.loads(response.content)["down"] == ["broker"]


def test_healthz_names_the_database_when_it_is_down(client):
    # This test is not granted database access, so every query fails as it would with the
    # database gone; the cache and broker still answer.
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert json.loads(response.content)["down"] == ["database"]
