"""Celery tasks of the privacy app: ids in, services do the work."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def build_data_export_task(export_id: int) -> None:
    if services.data_export_build(export_id=export_id) is None:
        logger.warning("Data export %s no longer exists", export_id)


@shared_task
def erase_account_task(user_id: int) -> None:
    if services.account_erase(user_id=user_id) is None:
        logger.warning("User %s no longer exists", user_id)


@shared_task
def erase_due_accounts_task() -> None:
    """Erase every account whose confirmed deletion request passed its grace period."""
    for user_id in services.erasure_due():
        erase_account_task.delay(user_id)


@shared_task
def enforce_retention_task() -> dict:
    run = services.retention_enforce()
    logger.info("Retention removed %s", run.removed)
    return run.removed
