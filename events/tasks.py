"""Celery tasks of the events app: they call a service and nothing else."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="events.tasks.send_event_reminders_task")
def send_event_reminders_task() -> int:
    """Send the reminders due now (Celery beat, every 5 minutes). Exactly once each: the
    outbox's idempotency keys make a repeated or overlapping run send nothing twice."""
    created = services.event_reminders_send()
    if created:
        logger.info("Event reminders queued: %s", created)
    return created
