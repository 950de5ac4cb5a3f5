"""Delivery, retries, the sweeper and the staff digest, with tasks run in-process (eager)."""

import logging
import smtplib
from datetime import date, timedelta

import pytest
from django.utils import timezone

from notifications.digest import (
    DigestItem,
    digest_items_for,
    register_digest_provider,
    unregister_digest_provider,
)
from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.services import (
    MAX_ATTEMPTS,
    outbox_claim,
    outbox_deliver,
    outbox_sweep,
    retry_delay,
)
from notifications.tasks import (
    deliver_batch_task,
    deliver_notification_task,
    retry_countdown,
    send_staff_digest_task,
    sweep_outbox_task,
)
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

REFUSED = smtplib.SMTPRecipientsRefused({"x@city.test": (550, b"5.1.1 no such user")})


def _state(notification) -> tuple[str, int]:
    notification.refresh_from_db()
    return notification.state, notification.attempts


# --- Claiming ----------------------------------------------------------------------------------


def test_claim_wins_a_queued_row_only_once():
    notification = NotificationFactory()

    first = outbox_claim(notification_ids=[notification.pk])
    second = outbox_claim(notification_ids=[notification.pk])

    assert first == [notification.pk]
    assert second == []
    assert _state(notification) == (NotificationState.SENDING, 1)


@pytest.mark.parametrize(
    "state",
    [
        NotificationState.SENDING,
        NotificationState.SENT,
        NotificationState.FAILED,
        NotificationState.SKIPPED,
    ],
)
def test_claim_never_takes_a_row_that_is_not_queued(state):
    notification = NotificationFactory(state=state, email=state != NotificationState.SKIPPED)

    assert outbox_claim(notification_ids=[notification.pk]) == []


def test_claim_of_a_batch_returns_only_the_queued_rows():
    queued = NotificationFactory.create_batch(3)
    sent = NotificationFactory(state=NotificationState.SENT)

    claimed = outbox_claim(notification_ids=[sent.pk, *(n.pk for n in queued)])

    assert sorted(claimed) == sorted(n.pk for n in queued)


# --- Delivery ----------------------------------------------------------------------------------


def test_delivery_task_run_twice_sends_once(mailoutbox):
    notification = NotificationFactory()

    deliver_notification_task.delay(notification.pk)
    deliver_notification_task.delay(notification.pk)

    assert _state(notification) == (NotificationState.SENT, 1)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["X-WeGO-Notification"] == notification.idempotency_key


def test_delivery_task_for_a_missing_row_logs_a_warning(caplog, mailoutbox):
    with caplog.at_level(logging.WARNING, logger="notifications.tasks"):
        deliver_notification_task.delay(987654)
        deliver_batch_task.delay([987655, 987656])

    assert "Notification 987654 does not exist" in caplog.text
    assert "Notifications [987655, 987656] do not exist" in caplog.text
    assert mailoutbox == []


GREYLISTED = smtplib.SMTPRecipientsRefused({"x@city.test": (452, b"4.2.2 try again later")})


def test_connection_lost_on_the_only_message_defers_that_row(scripted_mailer, fast_retries):
    scripted_mailer.script = [smtplib.SMTPServerDisconnected("gone")]
    notification = NotificationFactory(last_error="")
    before = timezone.now()

    deliver_notification_task.delay(notification.pk)

    # Attempted (the server may even have accepted it): the row waits for its own next attempt.
    assert _state(notification) == (NotificationState.QUEUED, 1)
    assert notification.last_error == "SMTPServerDisconnected: gone"
    assert notification.next_attempt_at > timezone.now()
    assert notification.next_attempt_at >= before + timedelta(seconds=0.05)
    assert notification.lease_expires_at is None


def test_deferred_row_is_sent_by_the_sweeper_when_due_and_its_error_cleared(
    scripted_mailer, fast_retries, mailoutbox, django_capture_on_commit_callbacks
):
    scripted_mailer.script = [GREYLISTED]
    notification = NotificationFactory()
    deliver_notification_task.delay(notification.pk)
    assert _state(notification) == (NotificationState.QUEUED, 1)

    with django_capture_on_commit_callbacks(execute=True):
        early = outbox_sweep(now=notification.next_attempt_at - timedelta(milliseconds=1))
    assert (early.requeued_stale, _state(notification)[0]) == (0, NotificationState.QUEUED)

    with django_capture_on_commit_callbacks(execute=True):
        due = outbox_sweep(now=notification.next_attempt_at)

    assert due.requeued_stale == 1
    assert _state(notification) == (NotificationState.SENT, 2)
    assert notification.last_error == ""
    assert len(mailoutbox) == 1


def test_deferred_row_fails_after_its_last_attempt(scripted_mailer, fast_retries):
    scripted_mailer.script = [GREYLISTED]
    notification = NotificationFactory(attempts=MAX_ATTEMPTS - 1)

    deliver_notification_task.delay(notification.pk)

    assert _state(notification) == (NotificationState.FAILED, MAX_ATTEMPTS)
    assert notification.last_error.startswith(f"Gave up after {MAX_ATTEMPTS} attempts: ")


def test_row_backoff_doubles_per_attempt_with_a_cap(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 3600

    assert [retry_delay(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert retry_delay(20).total_seconds() == 3600


def test_permanent_failure_fails_at_once(scripted_mailer, fast_retries, mailoutbox):
    scripted_mailer.script = [REFUSED]
    notification = NotificationFactory()

    deliver_notification_task.delay(notification.pk)

    assert _state(notification) == (NotificationState.FAILED, 1)
    assert notification.last_error.startswith("SMTPRecipientsRefused: ")
    assert mailoutbox == []


def test_connection_refused_on_open_is_retried_without_counting_an_attempt(
    scripted_mailer, fast_retries, mailoutbox
):
    scripted_mailer.open_errors = [ConnectionRefusedError(111, "Connection refused")]
    notification = NotificationFactory()

    deliver_notification_task.delay(notification.pk)

    # The message was never tried on the refused connection: one attempt in all.
    assert _state(notification) == (NotificationState.SENT, 1)
    assert len(mailoutbox) == 1


def test_relay_down_for_every_retry_leaves_the_rows_queued_for_the_sweeper(
    scripted_mailer, fast_retries
):
    scripted_mailer.open_errors = [ConnectionRefusedError(111, "refused")] * 6
    notification = NotificationFactory()

    deliver_notification_task.delay(notification.pk)

    assert scripted_mailer.opened == 0
    assert scripted_mailer.open_errors == []
    assert _state(notification) == (NotificationState.QUEUED, 0)
    assert notification.next_attempt_at > timezone.now()


def test_batch_fails_one_refused_recipient_and_sends_the_others(
    scripted_mailer, fast_retries, mailoutbox
):
    rows = NotificationFactory.create_batch(3)
    scripted_mailer.script = [None, REFUSED, None]

    deliver_batch_task.delay([n.pk for n in rows])

    assert [_state(n)[0] for n in rows] == [
        NotificationState.SENT,
        NotificationState.FAILED,
        NotificationState.SENT,
    ]
    assert scripted_mailer.opened == 1
    assert len(mailoutbox) == 2


def test_batch_defers_one_greylisted_recipient_and_sends_the_others(
    scripted_mailer, fast_retries, mailoutbox
):
    rows = NotificationFactory.create_batch(4)
    scripted_mailer.script = [None, GREYLISTED, None, None]

    report = outbox_deliver(notification_ids=[n.pk for n in rows], retry_in=60)

    assert report.sent == [rows[0].pk, rows[2].pk, rows[3].pk]
    assert report.deferred == [rows[1].pk]
    assert report.requeued == []
    assert [_state(n) for n in rows] == [
        (NotificationState.SENT, 1),
        (NotificationState.QUEUED, 1),
        (NotificationState.SENT, 1),
        (NotificationState.SENT, 1),
    ]
    assert rows[1].last_error.startswith("SMTPRecipientsRefused: ")
    assert scripted_mailer.opened == 1


def test_batch_reconnects_after_a_dropped_connection_and_goes_on(scripted_mailer, mailoutbox):
    rows = NotificationFactory.create_batch(4)
    scripted_mailer.script = [None, smtplib.SMTPServerDisconnected("gone"), None, None]

    report = outbox_deliver(notification_ids=[n.pk for n in rows], retry_in=60)

    assert report.sent == [rows[0].pk, rows[2].pk, rows[3].pk]
    assert report.deferred == [rows[1].pk]
    assert report.reconnects == 1
    assert scripted_mailer.opened == 2
    assert _state(rows[1]) == (NotificationState.QUEUED, 1)


def test_batch_stops_when_reconnecting_fails_and_returns_unattempted_rows_unchanged(
    scripted_mailer,
):
    rows = NotificationFactory.create_batch(4)
    scripted_mailer.script = [None, smtplib.SMTPServerDisconnected("gone")]
    scripted_mailer.open_errors = [None, ConnectionRefusedError(111, "refused")]
    before = timezone.now()

    report = outbox_deliver(notification_ids=[n.pk for n in rows], retry_in=60)

    assert report.sent == [rows[0].pk]
    assert report.deferred == [rows[1].pk]
    assert report.requeued == [rows[2].pk, rows[3].pk]
    assert [_state(n) for n in rows] == [
        (NotificationState.SENT, 1),
        (NotificationState.QUEUED, 1),
        (NotificationState.QUEUED, 0),
        (NotificationState.QUEUED, 0),
    ]
    assert rows[2].last_error == ""
    # Their task retries in 60 s; the sweeper steps in only if that task is lost too.
    assert rows[2].next_attempt_at >= before + timedelta(seconds=60)


def test_retry_countdown_grows_exponentially_with_a_cap():
    assert [retry_countdown(n) for n in range(5)] == [30, 60, 120, 240, 480]
    assert retry_countdown(12) == 3600


# --- Leases and the sweeper --------------------------------------------------------------------


def _claimed(*, seconds_left: float, attempts: int = 1, by: str = "dead-worker/task-1"):
    now = timezone.now()
    return NotificationFactory(
        state=NotificationState.SENDING,
        claimed_at=now - timedelta(seconds=60),
        claimed_by=by,
        lease_expires_at=now + timedelta(seconds=seconds_left),
        attempts=attempts,
    )


def test_claim_records_the_worker_and_a_short_lease(settings):
    settings.NOTIFICATIONS_LEASE_SECONDS = 30
    notification = NotificationFactory()
    before = timezone.now()

    outbox_claim(notification_ids=[notification.pk], claimed_by="worker-a/task-1")

    notification.refresh_from_db()
    assert notification.claimed_by == "worker-a/task-1"
    assert before + timedelta(seconds=30) <= notification.lease_expires_at
    assert notification.lease_expires_at <= timezone.now() + timedelta(seconds=30)


def test_redelivered_task_reclaims_a_row_whose_lease_expired():
    expired = _claimed(seconds_left=-1)
    held = _claimed(seconds_left=20)

    claimed = outbox_claim(notification_ids=[expired.pk, held.pk], claimed_by="worker-b/task-1")

    assert claimed == [expired.pk]
    assert _state(expired) == (NotificationState.SENDING, 2)
    assert expired.claimed_by == "worker-b/task-1"
    assert _state(held) == (NotificationState.SENDING, 1)
    assert held.claimed_by == "dead-worker/task-1"


def test_a_dead_workers_row_is_not_marked_by_it_after_another_worker_took_it(mailoutbox):
    expired = _claimed(seconds_left=-1)

    report = outbox_deliver(notification_ids=[expired.pk], claimed_by="worker-b/task-1")

    assert report.sent == [expired.pk]
    assert _state(expired) == (NotificationState.SENT, 2)
    assert expired.lease_expires_at is None


def test_sweeper_requeues_a_row_whose_lease_expired(mailoutbox, django_capture_on_commit_callbacks):
    stuck = _claimed(seconds_left=-1)

    with django_capture_on_commit_callbacks(execute=True):
        report = outbox_sweep()

    assert report.requeued_stuck == 1
    assert _state(stuck) == (NotificationState.SENT, 2)
    assert len(mailoutbox) == 1


def test_sweeper_requeues_a_row_claimed_before_leases_existed(
    mailoutbox, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(minutes=10)
    stuck = NotificationFactory(state=NotificationState.SENDING, claimed_at=long_ago, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        report = outbox_sweep()

    assert report.requeued_stuck == 1
    assert _state(stuck) == (NotificationState.SENT, 2)


def test_sweeper_leaves_a_row_whose_lease_holds(django_capture_on_commit_callbacks):
    busy = _claimed(seconds_left=5)

    with django_capture_on_commit_callbacks(execute=True):
        report = outbox_sweep()

    assert report.requeued_stuck == 0
    assert _state(busy)[0] == NotificationState.SENDING


def test_sweeper_gives_up_a_row_stuck_too_often(django_capture_on_commit_callbacks):
    stuck = _claimed(seconds_left=-1, attempts=MAX_ATTEMPTS)

    with django_capture_on_commit_callbacks(execute=True):
        report = outbox_sweep()

    assert report.failed_stuck == 1
    assert _state(stuck)[0] == NotificationState.FAILED


def test_sweeper_republishes_a_queued_row_whose_task_was_lost(
    mailoutbox, django_capture_on_commit_callbacks
):
    created = timezone.now() - timedelta(minutes=5)
    lost = NotificationFactory(created_at=created)
    fresh = NotificationFactory()
    waiting_for_retry = NotificationFactory(
        created_at=created, next_attempt_at=timezone.now() + timedelta(minutes=10)
    )

    with django_capture_on_commit_callbacks(execute=True):
        sweep_outbox_task.delay()

    assert _state(lost)[0] == NotificationState.SENT
    assert _state(fresh)[0] == NotificationState.QUEUED
    assert _state(waiting_for_retry)[0] == NotificationState.QUEUED
    assert [m.extra_headers["X-WeGO-Notification"] for m in mailoutbox] == [lost.idempotency_key]


def test_sweeper_run_twice_requeues_once(django_capture_on_commit_callbacks):
    NotificationFactory(created_at=timezone.now() - timedelta(minutes=5))
    _claimed(seconds_left=-1)

    # Tasks not executed: the rows stay queued, as when the broker is down.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = outbox_sweep()
        second = outbox_sweep()

    assert (first.requeued_stale, first.requeued_stuck) == (1, 1)
    assert (second.requeued_stale, second.requeued_stuck) == (0, 0)
    assert len(callbacks) == 1  # one batch of two ids


# --- Staff digest ------------------------------------------------------------------------------


@pytest.fixture
def digest_provider(monkeypatch):
    """Only a test provider is registered (the other apps' providers are set aside)."""
    from notifications import digest

    monkeypatch.setattr(digest, "_providers", {})
    counts = {"value": 5}

    @register_digest_provider(key="test.awaiting-review")
    def awaiting_review(user):
        return [
            ("Applications awaiting review", counts["value"], "/admin/programs/"),
            DigestItem("Nothing here", 0),
        ]

    yield counts
    unregister_digest_provider("test.awaiting-review")


def test_staff_digest_goes_once_a_day_to_staff_only(
    digest_provider, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory()  # a member: no digest
    UserFactory(is_staff=True, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        send_staff_digest_task.delay()
        send_staff_digest_task.delay()

    digest = Notification.objects.get(kind="staff.digest")
    today = timezone.localdate().isoformat()
    assert digest.recipient == staff_user
    assert digest.idempotency_key == f"staff-digest-{today}-user-{staff_user.pk}"
    assert digest.subject == "WeGO back office: 5 items need attention"
    assert digest.message == "Daily digest: 5 items need attention"
    assert "- Applications awaiting review: 5" in digest.body_text
    assert "http://testserver/admin/programs/" in digest.body_text
    assert "Nothing here" not in digest.body_text
    assert len(mailoutbox) == 1


def test_staff_digest_is_not_sent_when_there_is_nothing_to_report(digest_provider, staff_user):
    from notifications.services import staff_digest_send

    digest_provider["value"] = 0

    assert staff_digest_send(today=date(2026, 3, 2)) == 0
    assert Notification.objects.count() == 0


def test_staff_digest_skips_a_failing_provider(digest_provider, staff_user, caplog):
    @register_digest_provider(key="test.broken")
    def broken(user):
        # A database error: on PostgreSQL it would abort the transaction without a savepoint.
        Notification.objects.raw("SELECT * FROM no_such_table")[0]

    try:
        with caplog.at_level(logging.ERROR):
            items = digest_items_for(staff_user)
    finally:
        unregister_digest_provider("test.broken")

    assert items == [DigestItem("Applications awaiting review", 5, "/admin/programs/")]
    assert "Staff digest provider test.broken failed" in caplog.text


def test_eager_delivery_that_must_retry_does_not_break_the_caller(
    user, scripted_mailer, django_capture_on_commit_callbacks
):
    """Without a broker (a laptop), tasks run eagerly and propagate errors: a retry cannot be
    scheduled, so the row waits in "queued" for the sweeper and the request carries on."""
    from notifications.services import notification_create

    scripted_mailer.script = [smtplib.SMTPServerDisconnected("gone")]

    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_create(
            kind="general.message",
            recipient=user,
            context={"title": "t", "body": "b"},
            idempotency_key="eager-retry",
        )

    assert _state(notification) == (NotificationState.QUEUED, 1)
    assert notification.last_error == "SMTPServerDisconnected: gone"
    assert notification.next_attempt_at > timezone.now()
