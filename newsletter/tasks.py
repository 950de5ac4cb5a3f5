"""Celery tasks of the newsletter: they take ids and call a service."""

import logging

from celery import shared_task

from . import services
from .models import Issue

logger = logging.getLogger(__name__)


@shared_task(name="newsletter.tasks.send_issue_task", acks_late=True)
def send_issue_task(issue_id: int) -> None:
    """Put an issue being sent in the outbox, batch by batch (safe to run twice)."""
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        logger.warning("Newsletter issue %s does not exist; nothing to send.", issue_id)
        return
    services.issue_enqueue_all(issue=issue)
