"""Portal-wide tasks that belong to no single app."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_CACHE_KEY = "celery:heartbeat"


@shared_task
def heartbeat_task(token: str) -> None:
    """Record that a worker ran a task (the worker test reads it back from the cache)."""
    cache.set(HEARTBEAT_CACHE_KEY, {"token": token, "at": timezone.now().isoformat()}, 600)
    logger.info("Celery heartbeat %s", token)
