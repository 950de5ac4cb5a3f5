"""Celery tasks of the outbox: they take ids, call a service, and decide about retrying.

Each row keeps its own delivery state (attempts, next attempt, lease): a recipient that
answers "later" (SMTP 4xx) defers that row alone and the sweeper publishes it again when it is
due. Only a connection that cannot be (re)opened stops a batch: its rows not yet attempted go
back unchanged and the task retries them with exponential backoff (30 s * 2^n, capped at one
hour, 5 retries); after the last retry they wait for the sweeper. The database row, not the
task, is the source of truth: a duplicate or redelivered task finds nothing left to claim
(unless the claim of a dead worker expired) and does nothing.
"""

import logging

from celery import shared_task
from django.conf import settings

from . import services
from .models import Notification

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def retry_countdown(retries: int) -> float:
    """Seconds before retry number ``retries + 1``: base * 2^retries, capped."""
    base = getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
    cap = getattr(settings, "NOTIFICATIONS_RETRY_MAX_SECONDS", 60 * 60)
    return min(base * 2**retries, cap)


def _attempt(task, notification_ids: list[int]) -> tuple[services.DeliveryReport, float, bool]:
    """One delivery run; the unattempted rows of the last retry are left to the sweeper."""
    retries = task.request.retries
    countdown = retry_countdown(retries)
    last = retries >= task.max_retries
    report = services.outbox_deliver(
        notification_ids=notification_ids,
        retry_in=None if last else countdown,
        claimed_by=f"{task.request.hostname or 'local'}/{task.request.id or '-'}",
    )
    return report, countdown, not last


@shared_task(
    bind=True, max_retries=MAX_RETRIES, name="notifications.tasks.deliver_notification_task"
)
def deliver_notification_task(self, notification_id: int) -> None:
    """E-mail one notification (queued by ``notification_create`` after commit)."""
    report, countdown, may_retry = _attempt(self, [notification_id])
    if report.requeued and may_retry:
        raise self.retry(countdown=countdown)
    if not report.claimed and not Notification.objects.filter(pk=notification_id).exists():
        logger.warning("Notification %s does not exist; nothing to deliver.", notification_id)


@shared_task(bind=True, max_retries=MAX_RETRIES, name="notifications.tasks.deliver_batch_task")
def deliver_batch_task(self, notification_ids: list[int]) -> None:
    """E-mail a batch of notifications over one SMTP connection (the bulk path)."""
    report, countdown, may_retry = _attempt(self, list(notification_ids))
    if report.requeued and may_retry:
        # Only the rows never attempted travel on with the retry.
        raise self.retry(args=[report.requeued], countdown=countdown)
    if len(report.claimed) < len(notification_ids):
        known = Notification.objects.filter(pk__in=notification_ids).values_list("pk", flat=True)
        if missing := sorted(set(notification_ids) - set(known)):
            logger.warning("Notifications %s do not exist; nothing to deliver.", missing)


@shared_task(name="notifications.tasks.sweep_outbox_task")
def sweep_outbox_task() -> None:
    """Recover rows of dead workers and publish due rows (Celery beat, on its own queue)."""
    services.outbox_sweep()


@shared_task(name="notifications.tasks.send_staff_digest_task")
def send_staff_digest_task() -> None:
    """Send the daily staff digest (run daily by Celery beat; idempotent per day)."""
    services.staff_digest_send()
