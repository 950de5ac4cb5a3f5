"""Fault injection: notification delivery against an SMTP server, a worker and a broker that fail.

Each case runs the real stack (PostgreSQL, a private redis-server as broker, real
``celery worker`` and ``celery beat`` processes, an aiosmtpd server with switched-on faults)
and asserts what the README's "Delivery guarantees" promise: every deliverable message is
delivered, no deliverable row ends ``failed``, and duplicates occur only where SMTP cannot
avoid them (the server kept a message whose reply never came back), counted and printed.
"""

import time
import uuid

import pytest
from django.db.models import Count

from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.services import notification_create_bulk
from tests.faults.conftest import REPORT, broker, requires_rig, wait_until

pytestmark = [
    requires_rig,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


def _addresses(count: int, run: str) -> list[str]:
    return [f"person{i}-{run}@city.test" for i in range(count)]


def _queue(addresses: list[str], run: str) -> list[int]:
    return notification_create_bulk(
        kind="general.message",
        recipients=addresses,
        context={"title": "Reminder", "body": "The webinar starts tomorrow at 10:00."},
        idempotency_key=f"faults-{run}",
        batch_size=200,
    )


def _states(ids: list[int]) -> dict[str, int]:
    rows = Notification.objects.filter(pk__in=ids).values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def _all_sent(ids: list[int]):
    return lambda: _states(ids).get(NotificationState.SENT, 0) == len(ids)


def _report(case: str, sink, ids, **figures) -> None:
    keys = sink.keys()
    REPORT.append(
        f"{case}: {len(ids)} notifications, {len(keys)} distinct delivered, "
        f"{sum(keys.values())} messages received, {sink.duplicates()} duplicates, "
        f"{sink.drops} dropped connections, refusals {dict(sink.refusals)}"
        + "".join(f", {name} {value}" for name, value in figures.items())
    )


def test_one_greylisted_recipient_is_deferred_alone_and_the_batch_goes_on(
    smtp_sink, private_redis, celery_processes
):
    run = uuid.uuid4().hex[:8]
    addresses = _addresses(200, run)
    greylisted = addresses[57]
    smtp_sink.greylist = {greylisted}
    smtp_sink.greylist_until = time.monotonic() + 3600  # until the test lifts it
    celery_processes.env["NOTIFICATIONS_SWEEP_SECONDS"] = "2"
    celery_processes.worker()
    celery_processes.beat()

    with broker(private_redis.url):
        ids = _queue(addresses, run)
    wait_until(
        lambda: _states(ids).get(NotificationState.SENT) == 199,
        timeout=60,
        what="199 of 200 sent",
    )
    waiting = Notification.objects.get(pk__in=ids, to_email=greylisted)
    # The greylisting server is asked again when the row is due, without holding up the batch.
    wait_until(lambda: smtp_sink.refusals[452] >= 2, timeout=30, what="a second 452")
    smtp_sink.greylist_until = time.monotonic()  # the greylisting period ends
    wait_until(_all_sent(ids), timeout=60, what="the greylisted message delivered")

    waiting.refresh_from_db()
    _report("greylisted recipient", smtp_sink, ids, attempts_of_greylisted=waiting.attempts)
    assert waiting.state == NotificationState.SENT
    assert waiting.attempts == smtp_sink.refusals[452] + 1
    assert waiting.last_error == ""
    assert set(smtp_sink.keys()) == set(
        Notification.objects.filter(pk__in=ids).values_list("idempotency_key", flat=True)
    )
    assert smtp_sink.duplicates() == 0
    assert (
        Notification.objects.filter(pk__in=ids).exclude(pk=waiting.pk).filter(attempts=1).count()
        == 199
    )


def test_a_relay_dropping_every_25th_connection_delivers_all_with_duplicates_only_for_drops(
    smtp_sink, private_redis, celery_processes
):
    run = uuid.uuid4().hex[:8]
    smtp_sink.drop_every = 25
    celery_processes.env["NOTIFICATIONS_SWEEP_SECONDS"] = "2"
    celery_processes.worker()
    celery_processes.beat()

    with broker(private_redis.url):
        ids = _queue(_addresses(200, run), run)
    wait_until(_all_sent(ids), timeout=120, what="all 200 sent")

    _report("relay dropping every 25th connection", smtp_sink, ids)
    assert len(smtp_sink.keys()) == 200
    assert smtp_sink.drops >= 8
    # Each drop came after the server kept the message: resending it is the one duplicate
    # SMTP cannot avoid. Nothing else is ever sent twice.
    assert 0 < smtp_sink.duplicates() <= smtp_sink.drops
    assert all(count <= 2 for count in smtp_sink.keys().values())
    assert _states(ids) == {NotificationState.SENT: 200}


def test_temporary_failures_for_a_while_and_refused_addresses(
    smtp_sink, private_redis, celery_processes
):
    run = uuid.uuid4().hex[:8]
    addresses = _addresses(100, run)
    refused = set(addresses[10:15])
    smtp_sink.reject = refused
    smtp_sink.tempfail_seconds = 4
    celery_processes.env["NOTIFICATIONS_SWEEP_SECONDS"] = "2"
    celery_processes.worker()
    celery_processes.beat()

    with broker(private_redis.url):
        ids = _queue(addresses, run)
    deliverable = list(Notification.objects.filter(pk__in=ids).exclude(to_email__in=refused))
    wait_until(_all_sent([n.pk for n in deliverable]), timeout=90, what="every deliverable message")
    wait_until(
        lambda: _states(ids).get(NotificationState.FAILED) == 5,
        timeout=30,
        what="the five refused addresses failed",
    )

    _report("451 for 4 s, 550 for five addresses", smtp_sink, ids)
    assert smtp_sink.refusals[451] > 0
    assert _states(ids) == {NotificationState.SENT: 95, NotificationState.FAILED: 5}
    failed = Notification.objects.filter(pk__in=ids, state=NotificationState.FAILED)
    assert set(failed.values_list("to_email", flat=True)) == refused
    assert all("550" in error for error in failed.values_list("last_error", flat=True))
    assert len(smtp_sink.keys()) == 95
    assert smtp_sink.duplicates() == 0


def test_a_worker_killed_mid_batch_is_recovered_within_a_minute_of_its_replacement(
    smtp_sink, private_redis, celery_processes
):
    """SIGKILL with production lease and sweeper settings (30 s lease, sweep every 10 s)."""
    run = uuid.uuid4().hex[:8]
    smtp_sink.delay = 0.02
    worker = celery_processes.worker()
    celery_processes.beat()

    with broker(private_redis.url):
        ids = _queue(_addresses(400, run), run)
    wait_until(lambda: len(smtp_sink.received) >= 60, timeout=60, what="sending under way")
    celery_processes.kill(worker)
    received_at_kill = len(smtp_sink.received)
    stuck = _states(ids).get(NotificationState.SENDING, 0)

    replacement_started = time.monotonic()
    celery_processes.worker()
    wait_until(_all_sent(ids), timeout=90, interval=0.5, what="all 400 sent after the crash")
    recovery = time.monotonic() - replacement_started

    _report(
        "worker killed with SIGKILL",
        smtp_sink,
        ids,
        received_before_kill=received_at_kill,
        rows_stuck_in_sending=stuck,
        recovery_seconds=round(recovery, 1),
    )
    assert stuck > 0
    assert recovery <= 60
    assert len(smtp_sink.keys()) == 400
    # At most the one message in flight when the worker died (sent, not yet marked).
    assert smtp_sink.duplicates() <= 1
    assert _states(ids) == {NotificationState.SENT: 400}


def test_the_broker_stopped_and_restarted_loses_nothing(
    smtp_sink, private_redis, celery_processes, settings
):
    settings.NOTIFICATIONS_REPUBLISH_AFTER_SECONDS = 5
    run = uuid.uuid4().hex[:8]
    smtp_sink.delay = 0.01
    celery_processes.env["NOTIFICATIONS_SWEEP_SECONDS"] = "2"
    celery_processes.env["NOTIFICATIONS_REPUBLISH_AFTER_SECONDS"] = "5"
    celery_processes.worker()
    celery_processes.beat()

    with broker(private_redis.url):
        before = _queue(_addresses(300, run), f"{run}-a")
        wait_until(lambda: len(smtp_sink.received) >= 30, timeout=60, what="sending under way")
        private_redis.stop()
        started = time.monotonic()
        # Created while the broker is down: publishing fails, the rows wait in the outbox.
        during = _queue(_addresses(50, f"{run}-b"), f"{run}-b")
        publish_seconds = time.monotonic() - started
        time.sleep(3)
        private_redis.start()
    ids = before + during
    wait_until(_all_sent(ids), timeout=120, interval=0.5, what="all 350 sent")

    _report(
        "broker stopped and restarted",
        smtp_sink,
        ids,
        seconds_to_queue_50_while_down=round(publish_seconds, 1),
    )
    assert publish_seconds < 10
    assert len(smtp_sink.keys()) == 350
    assert smtp_sink.duplicates() == 0
    assert _states(ids) == {NotificationState.SENT: 350}
