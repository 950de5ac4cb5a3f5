"""Delivery through the real Redis broker and a real Celery worker (needs REDIS_URL).

The worker runs in a thread of this process and consumes a queue of its own, so that other
test runs sharing the Redis server cannot take (or hand us) tasks. The data is committed for
real (``transaction=True``), as in production. "Nothing else happened" is proven with a
sentinel: the worker runs one task at a time in queue order, so once a notification queued
last is sent, every task queued before it has run.
"""

import os
import smtplib
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.services import (
    notification_create,
    notification_create_bulk,
    outbox_claim,
)
from notifications.tasks import (
    deliver_batch_task,
    deliver_notification_task,
    sweep_outbox_task,
)
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs a Redis broker: set REDIS_URL (CI always does; .ci/run starts Redis)",
    ),
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

REFUSED = smtplib.SMTPRecipientsRefused({"x@city.test": (550, b"5.1.1 no such user")})


@pytest.fixture
def worker(celery_worker_on_redis):
    return celery_worker_on_redis


def _wait_for_state(pk: int, *states: str, timeout: float = 30) -> Notification:
    deadline = time.monotonic() + timeout
    while True:
        notification = Notification.objects.get(pk=pk)
        if notification.state in states:
            return notification
        if time.monotonic() > deadline:
            raise AssertionError(f"notification {pk} is {notification.state!r}, not {states}")
        time.sleep(0.05)


def _create(user, key: str) -> Notification:
    return notification_create(
        kind="general.message",
        recipient=user,
        context={"title": f"Message {key}", "body": "Hello."},
        idempotency_key=key,
    )


def _drain(user) -> None:
    """Queue a sentinel notification and wait until it is sent: the queue before it is done."""
    sentinel = _create(user, f"sentinel-{uuid.uuid4().hex}")
    _wait_for_state(sentinel.pk, NotificationState.SENT)


def _sent_keys(mailoutbox) -> list[str]:
    return [
        m.extra_headers["X-WeGO-Notification"]
        for m in mailoutbox
        if not m.extra_headers["X-WeGO-Notification"].startswith("sentinel-")
    ]


def test_notification_of_a_rolled_back_transaction_is_never_sent(worker, user, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        _create(user, "rolled-back")
        raise RuntimeError("the workflow failed after creating the notification")

    _drain(user)

    assert not Notification.objects.filter(idempotency_key="rolled-back").exists()
    assert _sent_keys(mailoutbox) == []


def test_committed_notification_is_sent_exactly_once(worker, user, mailoutbox):
    with transaction.atomic():
        notification = _create(user, "committed")
        # A task published before the commit would find no row; ours waits for the commit.
        time.sleep(0.5)

    sent = _wait_for_state(notification.pk, NotificationState.SENT)
    _drain(user)

    assert sent.attempts == 1
    assert _sent_keys(mailoutbox) == ["committed"]
    assert mailoutbox[0].to == [user.email]


def test_redelivered_delivery_tasks_send_once(worker, user, mailoutbox):
    notification = _create(user, "redelivered")
    _wait_for_state(notification.pk, NotificationState.SENT)

    deliver_notification_task.delay(notification.pk)
    deliver_notification_task.delay(notification.pk)
    deliver_batch_task.delay([notification.pk])
    _drain(user)

    assert _sent_keys(mailoutbox) == ["redelivered"]
    assert Notification.objects.get(pk=notification.pk).attempts == 1


def test_bulk_notifications_are_delivered_in_batches(worker, mailoutbox):
    users = UserFactory.create_batch(45)

    ids = notification_create_bulk(
        kind="general.message",
        recipients=users,
        context={"title": "Reminder", "body": "Tomorrow at 10:00."},
        idempotency_key="event-1-reminder",
        batch_size=20,
    )

    for pk in ids:
        _wait_for_state(pk, NotificationState.SENT)
    keys = _sent_keys(mailoutbox)
    assert len(keys) == 45
    assert len(set(keys)) == 45


def _sweep_until(pk: int, *states: str, timeout: float = 30) -> Notification:
    """Run the sweeper on the worker (as beat would) until the row reaches ``states``."""
    deadline = time.monotonic() + timeout
    while True:
        notification = Notification.objects.get(pk=pk)
        if notification.state in states:
            return notification
        if time.monotonic() > deadline:
            raise AssertionError(f"notification {pk} is {notification.state!r}, not {states}")
        sweep_outbox_task.delay()
        time.sleep(0.2)


def test_transient_smtp_failures_are_retried_until_sent(
    worker, user, scripted_mailer, fast_retries, mailoutbox
):
    scripted_mailer.script = [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPDataError(451, b"4.3.0 try again later"),
    ]

    notification = _create(user, "flaky")
    sent = _sweep_until(notification.pk, NotificationState.SENT)

    assert sent.attempts == 3
    assert sent.last_error == ""
    assert _sent_keys(mailoutbox) == ["flaky"]
    # Sent by the worker thread, not in this (the test's) thread.
    assert threading.current_thread().name not in scripted_mailer.threads
    assert len(scripted_mailer.threads) == 1


def test_transient_smtp_failures_exhaust_the_rows_attempts_then_fail(
    worker, user, scripted_mailer, fast_retries, mailoutbox, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    scripted_mailer.always = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    notification = _create(user, "smtp-down")
    failed = _sweep_until(notification.pk, NotificationState.FAILED)

    assert failed.attempts == 3
    assert failed.last_error == (
        "Gave up after 3 attempts: SMTPServerDisconnected: Connection unexpectedly closed"
    )
    assert scripted_mailer.attempts == 3
    assert mailoutbox == []


def test_refused_recipient_fails_without_retrying(
    worker, user, scripted_mailer, fast_retries, mailoutbox
):
    scripted_mailer.script = [REFUSED]

    notification = _create(user, "refused")
    failed = _wait_for_state(notification.pk, NotificationState.FAILED)

    assert failed.attempts == 1
    assert failed.last_error.startswith("SMTPRecipientsRefused: ")
    assert mailoutbox == []


def test_sweeper_recovers_a_row_stuck_in_sending(worker, user, mailoutbox):
    # A worker claimed it a minute ago and died (its lease ran out; no task left in the broker).
    stuck = NotificationFactory(
        recipient=user,
        state=NotificationState.SENDING,
        claimed_at=timezone.now() - timedelta(minutes=1),
        claimed_by="dead-worker/task",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        attempts=1,
    )
    # A row whose task never reached the broker (Redis restarted before publishing).
    lost = NotificationFactory(recipient=user, created_at=timezone.now() - timedelta(minutes=5))

    sweep_outbox_task.delay()

    assert _wait_for_state(stuck.pk, NotificationState.SENT).attempts == 2
    assert _wait_for_state(lost.pk, NotificationState.SENT).attempts == 1
    sweep_outbox_task.delay()  # idempotent: nothing left to recover
    _drain(user)
    assert sorted(_sent_keys(mailoutbox)) == sorted([stuck.idempotency_key, lost.idempotency_key])


def _claim_concurrently(ids: list[int], workers: int = 2) -> list[list[int]]:
    """Call ``outbox_claim`` from several threads (each its own DB connection) at once."""
    barrier = threading.Barrier(workers)
    results: list[list[int]] = [[] for _ in range(workers)]
    errors: list[BaseException] = []

    def claim(index: int) -> None:
        try:
            barrier.wait()
            results[index] = outbox_claim(notification_ids=ids)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_concurrent_claims_of_one_row_have_one_winner():
    rows = NotificationFactory.create_batch(20)

    for row in rows:
        results = _claim_concurrently([row.pk])
        assert sorted(results, key=len) == [[], [row.pk]]


def test_concurrent_claims_of_one_batch_split_it_without_overlap():
    ids = [n.pk for n in NotificationFactory.create_batch(200)]

    first, second = _claim_concurrently(ids)

    assert set(first).isdisjoint(second)
    assert sorted(first + second) == ids
    assert Notification.objects.filter(state=NotificationState.SENDING).count() == 200
