"""Celery's side: the request id travels with each task, and every task is measured and logged.

- publishing (``before_task_publish``): the id of the request or task that publishes is put
  in the message's headers;
- running (``task_prerun``/``task_postrun``): the worker makes that id current, so the task's
  log lines and the e-mails it sends carry it, and logs one line per task with its outcome
  and duration; the counters and the duration histogram feed ``/metrics``;
- a worker started with ``CELERY_METRICS_PORT`` serves its own metrics on that port (all
  its pool processes' when ``PROMETHEUS_MULTIPROC_DIR`` is set).

Connected from ``wego_portal.apps`` so that both the web processes and the workers have them.
"""

import logging
import os
import time

from celery import signals

from . import metrics
from .request_id import TASK_HEADER, bind, current_request_id, new_request_id, unbind

logger = logging.getLogger("wego_portal.tasks")

_running: dict[str, tuple[float, object]] = {}


@signals.before_task_publish.connect(weak=False)
def _add_request_id(headers=None, **kwargs) -> None:
    request_id = current_request_id()
    if headers is not None and request_id:
        headers.setdefault(TASK_HEADER, request_id)


def _request_id_of(task) -> str:
    request = getattr(task, "request", None)
    value = getattr(request, TASK_HEADER, None) if request is not None else None
    if not value and request is not None:
        value = (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    # An eager task runs inside the request that called it: keep that id.
    return value or current_request_id() or new_request_id()


@signals.task_prerun.connect(weak=False)
def _task_started(task_id=None, task=None, **kwargs) -> None:
    token = bind(_request_id_of(task))
    _running[task_id] = (time.perf_counter(), token)


def _finish(task_id, task, state: str) -> None:
    started, token = _running.pop(task_id, (None, None))
    name = getattr(task, "name", "unknown")
    seconds = time.perf_counter() - started if started is not None else 0.0
    metrics.TASKS.labels(task=name, state=state).inc()
    if started is not None:
        metrics.TASK_DURATION.labels(task=name).observe(seconds)
    logger.info(
        "task %s %s in %.1fms",
        name,
        state,
        seconds * 1000,
        extra={
            "task": name,
            "task_id": task_id,
            "state": state,
            "duration_ms": round(seconds * 1000, 1),
            "request_id": current_request_id(),
        },
    )
    if token is not None:
        unbind(token)


@signals.task_postrun.connect(weak=False)
def _task_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    outcome = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}
    _finish(task_id, task, outcome.get(state or "", (state or "unknown").lower()))


@signals.worker_ready.connect(weak=False)
def _serve_worker_metrics(**kwargs) -> None:
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return
    from prometheus_client import start_http_server

    address = os.environ.get("CELERY_METRICS_ADDRESS", "127.0.0.1")
    start_http_server(int(port), addr=address, registry=metrics.process_registry())
    logger.info("Worker metrics on http://%s:%s/metrics", address, port)
