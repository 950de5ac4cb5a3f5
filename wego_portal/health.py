"""``/healthz``: is the portal able to serve? Checks the database, the cache and the broker.

- everything answers: ``200 {"status": "ok"}``;
- the cache or the broker is down: ``200 {"status": "degraded", "degraded": [...]}``: pages
  are still served (uncached, with a per-process fallback cache) and notifications wait in
  the outbox, so a load balancer keeps the node in rotation while monitoring sees the outage;
- the database is down: ``503 {"status": "down", "down": ["database", ...]}``.

For orchestrators and load balancers: ``/healthz/live`` (liveness: the process answers, no
dependency asked, so a database outage never restarts every node) and ``/healthz/ready``
(readiness: database, cache, broker and file storage). A node is taken out of rotation (503)
only when it cannot serve pages at all: the database or the file storage is down. A cache or
broker outage hits every node alike, so it is reported as "degraded" with 200 and the node
keeps serving (uncached pages, notifications waiting in the outbox).
"""

import logging
import os

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    available = getattr(cache, "redis_available", None)
    if available is not None:
        # The resilient cache would answer from its fallback: ask Redis itself.
        if not available():
            raise RuntimeError("Redis cache unreachable")
        return
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value just written")


def _check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # No broker configured: tasks run in-process.
    from wego_portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _check_one_storage(alias: str) -> None:
    from django.core.files.storage import storages

    storage = storages[alias]
    bucket_name = getattr(storage, "bucket_name", None)
    if bucket_name:
        # Object storage: the bucket answers with our credentials.
        storage.connection.meta.client.head_bucket(Bucket=bucket_name)  # type: ignore[attr-defined]  # an S3 storage (it has a bucket) has a boto3 connection
        return
    location = getattr(storage, "location", None)
    if location is None:
        return
    # A local folder is created on the first upload: it, or the folder above, must be writable.
    folder = str(location)
    while not os.path.exists(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise RuntimeError(f"{alias} storage folder {folder} is not a writable folder")


def _check_storage() -> None:
    for alias in ("default", "private"):
        _check_one_storage(alias)


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
#: The readiness probe asks about the file storage too.
READY_CHECKS = {**CHECKS, "storage": _check_storage}
#: Without these the portal cannot serve at all; without the others it serves degraded.
ESSENTIAL = {"database"}


def run_checks(checks: dict | None = None, essential: set | None = None) -> dict:
    """Each check's state ("ok", "down", or "eager" for an absent broker) and the overall one."""
    checks = CHECKS if checks is None else checks
    essential = ESSENTIAL if essential is None else essential
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure means "down"; the reason goes to the log
            logger.warning("Health check %s failed: %s", name, exc)
            results[name] = "down"
        else:
            results[name] = "ok"
    down = [name for name, state in results.items() if state != "ok"]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        results["broker"] = "eager"
    body: dict = {"status": "ok", "checks": results}
    if set(down) & essential:
        body.update(status="down", down=down)
    elif down:
        body.update(status="degraded", degraded=down)
    return body


def _http_status(body: dict) -> int:
    """503 only when the portal cannot serve at all (the database is down)."""
    return 503 if body["status"] == "down" else 200


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For monitoring: the checks as JSON; 503 when the database is down, 200 "degraded"
    when only the cache or the broker is."""
    body = run_checks()
    return JsonResponse(body, status=_http_status(body))


@never_cache
@require_GET
def liveness(request: HttpRequest) -> JsonResponse:
    """The process answers requests; no dependency is asked."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readiness(request: HttpRequest) -> JsonResponse:
    """Whether this node should receive traffic: 503 when the database or the storage is down."""
    body = run_checks(READY_CHECKS, ESSENTIAL | {"storage"})
    return JsonResponse(body, status=_http_status(body))


@never_cache
@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    """For people: the same checks in words, with the JSON's address for monitoring."""
    body = run_checks()
    labels = {
        "database": _("Database"),
        "cache": _("Cache"),
        "broker": _("Background tasks (e-mails, PDF reports)"),
    }
    states = {
        "ok": _("Working"),
        "down": _("Not working"),
        "eager": _("Working (run within the web process)"),
    }
    checks = [
        {"label": labels.get(name, name), "state": state, "text": states.get(state, state)}
        for name, state in body["checks"].items()
    ]
    return render(
        request,
        "status.html",
        {"ok": body["status"] == "ok", "checks": checks, "checked_at": timezone.now()},
        status=_http_status(body),
    )
