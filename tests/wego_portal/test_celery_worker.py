"""A real Celery worker, consuming from the real Redis broker, executes a task."""

import os
import time
import uuid

import pytest
from django.core.cache import cache

from wego_portal.tasks import HEARTBEAT_CACHE_KEY, heartbeat_task

requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs a Redis broker: set REDIS_URL (CI always does; .ci/run starts Redis)",
)


@requires_redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_executes_a_task_sent_through_redis(celery_worker_on_redis):
    token = uuid.uuid4().hex

    heartbeat_task.delay(token)

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        beat = cache.get(HEARTBEAT_CACHE_KEY)
        if beat and beat["token"] == token:
            break
        time.sleep(0.1)
    assert cache.get(HEARTBEAT_CACHE_KEY)["token"] == token
