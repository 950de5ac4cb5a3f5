import logging

from celery import shared_task

from .services import articles_publish_due

logger = logging.getLogger(__name__)


@shared_task
def publish_due_articles_task() -> int:
    """Publish the approved articles whose moment has come (Celery beat, every minute)."""
    count = articles_publish_due()
    if count:
        logger.info("Published %s scheduled article(s)", count)
    return count
