"""Celery tasks of the programs app: they call a service and nothing else."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="programs.tasks.send_reminders_task")
def send_reminders_task() -> None:
    """The daily reminders (Celery beat): drafts before a call closes, reviews outstanding,
    milestones due. Idempotent: each reminder has its own key, so a rerun sends nothing twice."""
    report = services.reminders_send()
    logger.info(
        "Program reminders: %s draft, %s review, %s milestone notifications.",
        report.drafts,
        report.reviews,
        report.milestones,
    )
