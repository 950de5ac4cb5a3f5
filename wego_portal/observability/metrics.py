"""Prometheus metrics of the portal and the ``/metrics`` view that exports them.

The official client (``prometheus-client``) is used directly rather than django-prometheus:
that library counts database queries and cache hits by replacing the database engine and the
cache backend with its own subclasses, which would displace the portal's resilient Redis cache
(``wego_portal.cache``); here a middleware and a few counters do the same in a few lines, and
the client's multi-process mode covers gunicorn's workers and Celery's pool.

Several processes (gunicorn workers, Celery's prefork pool): set ``PROMETHEUS_MULTIPROC_DIR``
to an empty directory, one per node, before the processes start; every process then writes
its samples there and a scrape of any one of them sums them all (``gunicorn.conf.py`` removes
a dead worker's files). Without it each process exports its own samples only.

The outbox's backlog is read from the database at scrape time, so every node reports the
cluster's true backlog, and it needs no process to have seen the rows being queued.

``/metrics`` is not public: it answers a ``Authorization: Bearer <METRICS_TOKEN>`` request, or a
request from an address in ``METRICS_ALLOWED_NETWORKS`` that did not come through a proxy (no
``X-Forwarded-For``); everything else gets 401.
"""

import hmac
import ipaddress
import os
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0)
TASK_BUCKETS = (0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
#: The outbox states that are still on their way (``sent`` and ``skipped`` are done).
BACKLOG_STATES = ("queued", "sending", "failed")

REQUEST_LATENCY = Histogram(
    "wego_http_request_duration_seconds",
    "Time to answer a request, by view and method.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
RESPONSES = Counter(
    "wego_http_responses",
    "Responses by view, method and status code.",
    ["view", "method", "status"],
)
DB_QUERIES = Counter(
    "wego_db_queries",
    "Database queries run while answering requests, by view.",
    ["view"],
)
CACHE_LOOKUPS = Counter(
    "wego_cache_lookups",
    "Shared-cache reads by result (hit or miss).",
    ["result"],
)
TASKS = Counter(
    "wego_celery_tasks",
    "Celery tasks run, by task and outcome (succeeded, failed, retried).",
    ["task", "state"],
)
TASK_DURATION = Histogram(
    "wego_celery_task_duration_seconds",
    "Time a Celery task ran, by task.",
    ["task"],
    buckets=TASK_BUCKETS,
)


def method_label(method: str | None) -> str:
    method = (method or "").upper()
    return method if method in KNOWN_METHODS else "other"


def observe_request(*, view: str, method: str, status: int, seconds: float, queries: int) -> None:
    method = method_label(method)
    REQUEST_LATENCY.labels(view=view, method=method).observe(seconds)
    RESPONSES.labels(view=view, method=method, status=str(status)).inc()
    if queries:
        DB_QUERIES.labels(view=view).inc(queries)


def count_cache_lookup(hits: int, misses: int = 0) -> None:
    if hits:
        CACHE_LOOKUPS.labels(result="hit").inc(hits)
    if misses:
        CACHE_LOOKUPS.labels(result="miss").inc(misses)


def outbox_backlog(now: datetime | None = None) -> tuple[dict[str, int], float]:
    """Rows per unfinished outbox state, and the age in seconds of the oldest queued row."""
    from notifications.models import Notification

    counts = dict.fromkeys(BACKLOG_STATES, 0)
    rows = (
        Notification.objects.filter(state__in=BACKLOG_STATES)
        .values("state")
        .annotate(rows=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["state"]] = row["rows"]
    oldest = Notification.objects.filter(state="queued").aggregate(oldest=Min("created_at"))
    age = 0.0
    if oldest["oldest"] is not None:
        age = max(0.0, ((now or timezone.now()) - oldest["oldest"]).total_seconds())
    return counts, age


class OutboxCollector:
    """The notification outbox, read from the database at each scrape."""

    def collect(self):
        counts, age = outbox_backlog()
        backlog = GaugeMetricFamily(
            "wego_outbox_notifications",
            "Notifications still on their way, by outbox state.",
            labels=["state"],
        )
        for state, rows in counts.items():
            backlog.add_metric([state], rows)
        yield backlog
        yield GaugeMetricFamily(
            "wego_outbox_oldest_queued_age_seconds",
            "Age of the oldest notification waiting in the outbox (0 when none waits).",
            value=age,
        )


def process_registry() -> CollectorRegistry:
    """This process's samples, or every process's when running in multi-process mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


def exposition() -> bytes:
    """The text the scraper reads: the processes' metrics and the outbox's."""
    outbox = CollectorRegistry(auto_describe=False)
    outbox.register(OutboxCollector())
    return generate_latest(process_registry()) + generate_latest(outbox)


def _bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _from_allowed_network(request: HttpRequest) -> bool:
    networks = getattr(settings, "METRICS_ALLOWED_NETWORKS", [])
    if not networks or "HTTP_X_FORWARDED_FOR" in request.META:
        return False  # through a proxy: the connection's address says nothing about the client
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "").strip("[]"))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def may_scrape(request: HttpRequest) -> bool:
    expected = getattr(settings, "METRICS_TOKEN", "")
    given = _bearer_token(request)
    if expected and given and hmac.compare_digest(given.encode(), expected.encode()):
        return True
    return _from_allowed_network(request)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition, for a scraper with the token or on the internal network."""
    if not may_scrape(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
