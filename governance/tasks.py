"""Celery tasks of the governance app: they call a service and nothing else."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="governance.tasks.run_vote_schedule_task")
def run_vote_schedule_task() -> None:
    """Every minute (Celery beat): open and close votes on time, remind delegates.
    Idempotent: a vote moves once; each reminder has its own key."""
    report = services.votes_run_schedule()
    if report.opened or report.closed or report.reminded or report.failed:
        logger.info(
            "Vote schedule: opened %s, closed %s, reminded %s, failed %s",
            report.opened,
            report.closed,
            report.reminded,
            report.failed,
        )
