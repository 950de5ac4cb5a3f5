"""Request ids, the per-request log line, /metrics (access and the outbox gauges), probes."""

import json
import logging
import os
import re
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pythonjsonlogger.json import JsonFormatter

from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.services import notification_create, outbox_deliver
from tests.factories.accounts import UserFactory
from tests.members.test_join import join_data

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-for-tests-0123456789"


def json_line(record: logging.LogRecord) -> dict:
    """The record as production writes it: the settings' JSON formatter, one line."""
    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    line = JsonFormatter(fmt=options.pop("format"), **options).format(record)
    assert "\n" not in line
    return json.loads(line)


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "wego_portal.requests"]


def sample(text: str, name: str, **labels) -> float:
    """One sample's value from a Prometheus text exposition."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + wanted + '}') if wanted else ''} (\S+)$"
    match = re.search(pattern, text, re.MULTILINE)
    assert match, f"{name}{labels} not in the exposition"
    return float(match.group(1))


def scrape(client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_every_request_gets_one_log_line_with_its_id_user_and_timing(client, caplog):
    user = UserFactory()
    client.force_login(user)
    caplog.set_level(logging.INFO, logger="wego_portal.requests")

    response = client.get(reverse("members:directory"), headers={"X-Request-ID": "lb-42.a"})

    assert response["X-Request-ID"] == "lb-42.a"
    (record,) = request_lines(caplog)
    line = json_line(record)
    assert line["request_id"] == "lb-42.a"
    assert line["method"] == "GET"
    assert line["path"] == reverse("members:directory")
    assert line["status"] == 200
    assert line["user_id"] == user.pk
    assert line["duration_ms"] > 0
    assert line["view"] == "members:directory"
    assert line["level"] == "INFO"


def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(client, caplog):
    caplog.set_level(logging.INFO, logger="wego_portal.requests")

    first = client.get(reverse("home"))
    second = client.get(reverse("home"), headers={"X-Request-ID": 'x" injected\nline'})

    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    ids = [r.request_id for r in request_lines(caplog)]
    assert ids == [first["X-Request-ID"], second["X-Request-ID"]]
    assert all(json_line(r)["user_id"] is None for r in request_lines(caplog))


def test_the_request_id_reaches_the_task_log_line_and_the_email(
    client, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    """A join request queues two notifications; their delivery tasks (in-process here, a real
    worker in test_request_id_travels_through_the_broker) log and send under its id."""
    caplog.set_level(logging.INFO, logger="wego_portal")
    UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:join"), join_data(), headers={"X-Request-ID": "req-join-1"}
        )

    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-join-1"
    assert len(mailoutbox) == 2
    assert {m.extra_headers["X-Request-ID"] for m in mailoutbox} == {"req-join-1"}
    task_lines = [json_line(r) for r in caplog.records if r.name == "wego_portal.tasks"]
    assert len(task_lines) == 2
    assert {line["request_id"] for line in task_lines} == {"req-join-1"}
    assert {line["task"] for line in task_lines} == {
        "notifications.tasks.deliver_notification_task"
    }
    assert {line["state"] for line in task_lines} == {"succeeded"}
    (request_line,) = [json_line(r) for r in request_lines(caplog)]
    assert request_line["request_id"] == "req-join-1"
    assert request_line["status"] == 302


def test_metrics_are_refused_without_the_token_or_an_allowed_network(client):
    with override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=[]):
        anonymous = client.get("/metrics")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer wrong"})
        right = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with override_settings(METRICS_TOKEN="", METRICS_ALLOWED_NETWORKS=["127.0.0.0/8"]):
        internal = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
        proxied = client.get(
            "/metrics", REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": "203.0.113.9"}
        )
        outside = client.get("/metrics", REMOTE_ADDR="192.0.2.1")
    with override_settings(METRICS_TOKEN="", METRICS_ALLOWED_NETWORKS=[]):
        unconfigured = client.get("/metrics", headers={"Authorization": "Bearer "})

    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert internal.status_code == 200
    assert proxied.status_code == 401
    assert outside.status_code == 401
    assert unconfigured.status_code == 401


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_backlog_gauge_moves_when_notifications_are_queued_and_sent(client, mailoutbox):
    recipients = UserFactory.create_batch(3)
    before = scrape(client)
    assert sample(before, "wego_outbox_notifications", state="queued") == 0
    assert sample(before, "wego_outbox_oldest_queued_age_seconds") == 0

    # Queued (the delivery task would run after the commit, which this test never makes).
    for n, recipient in enumerate(recipients):
        notification_create(
            kind="membership.added_to_organization",
            recipient=recipient,
            context={"organization": "Seoul", "invited_by": None, "role": "Member"},
            idempotency_key=f"obs-backlog-{n}",
        )
    Notification.objects.filter(idempotency_key="obs-backlog-0").update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    queued = scrape(client)
    assert sample(queued, "wego_outbox_notifications", state="queued") == 3
    assert sample(queued, "wego_outbox_oldest_queued_age_seconds") >= 600

    outbox_deliver(notification_ids=list(Notification.objects.values_list("pk", flat=True)))

    sent = scrape(client)
    assert len(mailoutbox) == 3
    assert Notification.objects.filter(state=NotificationState.SENT).count() == 3
    assert sample(sent, "wego_outbox_notifications", state="queued") == 0
    assert sample(sent, "wego_outbox_oldest_queued_age_seconds") == 0


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_count_requests_per_view_queries_and_tasks(client):
    before = scrape(client)
    count = r'wego_http_request_duration_seconds_count{method="GET",view="members:directory"}'

    def requests_seen(text):
        match = re.search(rf"^{re.escape(count)} (\S+)$", text, re.MULTILINE)
        return float(match.group(1)) if match else 0.0

    client.get(reverse("members:directory"))
    client.get(reverse("members:directory"))

    after = scrape(client)
    assert requests_seen(after) == requests_seen(before) + 2
    assert 'wego_db_queries_total{view="members:directory"}' in after
    assert 'wego_http_responses_total{method="GET",status="200",view="members:directory"}' in after
    assert "wego_http_request_duration_seconds_bucket" in after


def test_liveness_answers_without_asking_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz_live"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_asks_database_cache_broker_and_storage(client):
    response = client.get(reverse("healthz_ready"))

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["storage"] == "ok"
    assert checks["cache"] == "ok"
    assert checks["broker"] in {"ok", "eager"}


def test_readiness_is_503_when_the_storage_is_unusable(client, tmp_path):
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    broken = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "wego_portal.files.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(in_the_way / "private")},
        },
    }
    with override_settings(STORAGES=broken):
        response = client.get(reverse("healthz_ready"))
        liveness = client.get(reverse("healthz_live"))

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "down"
    assert response.json()["checks"]["database"] == "ok"
    assert liveness.status_code == 200


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs a Redis broker: set REDIS_URL (CI always does; .ci/run starts Redis)",
)
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_request_id_travels_through_the_broker_to_the_worker(
    client, caplog, mailoutbox, celery_worker_on_redis
):
    caplog.set_level(logging.INFO, logger="wego_portal")

    response = client.post(
        reverse("members:join"), join_data(), headers={"X-Request-ID": "req-broker-7"}
    )
    assert response.status_code == 302

    def worker_lines():
        return [
            json_line(r)
            for r in caplog.records
            if r.name == "wego_portal.tasks" and r.threadName != threading.current_thread().name
        ]

    deadline = time.monotonic() + 30
    while not (mailoutbox and worker_lines()) and time.monotonic() < deadline:
        time.sleep(0.1)
    (message,) = mailoutbox  # the acknowledgement to the contact (no officer here)
    assert message.extra_headers["X-Request-ID"] == "req-broker-7"
    worker_lines = worker_lines()
    assert [line["request_id"] for line in worker_lines] == ["req-broker-7"]
    assert worker_lines[0]["task"] == "notifications.tasks.deliver_notification_task"
