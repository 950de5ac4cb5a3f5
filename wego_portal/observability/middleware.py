"""One log line and the metrics of every request, under the request's id.

The line goes to the ``wego_portal.requests`` logger with the fields ``method``, ``path``
(without the query string, which can hold personal data such as a search), ``status``,
``duration_ms``, ``user_id`` (or null), ``view``, ``queries`` and ``request_id``; in
production the JSON formatter writes them as one JSON object per line. The response carries
the id back in ``X-Request-ID``.
"""

import logging
import time

import sentry_sdk
from django.db import connection
from django.http import HttpRequest, HttpResponse

from wego_portal.client import client_address

from . import metrics
from .request_id import HEADER, accepted, bind, unbind

logger = logging.getLogger("wego_portal.requests")

#: Probes of load balancers and scrapers: measured, but not written to the log.
QUIET_PATHS = ("/healthz", "/metrics")


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or match._func_path


def _user_id(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return None


class RequestObservabilityMiddleware:
    """First in ``MIDDLEWARE``: it sees every request and every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]  # an attribute of ours on Django's request
        token = bind(request_id)
        sentry_sdk.set_tag("request_id", request_id)
        counter = _QueryCounter()
        started = time.perf_counter()
        try:
            with connection.execute_wrapper(counter):
                response = self.get_response(request)
            seconds = time.perf_counter() - started
            response[HEADER] = request_id
            self._record(request, response, seconds, counter.count)
            return response
        finally:
            unbind(token)

    def _record(self, request, response, seconds: float, queries: int) -> None:
        view = _view_name(request)
        metrics.observe_request(
            view=view,
            method=request.method,
            status=response.status_code,
            seconds=seconds,
            queries=queries,
        )
        if request.path.startswith(QUIET_PATHS) and response.status_code < 400:
            return
        duration_ms = round(seconds * 1000, 1)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _user_id(request),
                "view": view,
                "queries": queries,
                "client": client_address(request) or "-",
            },
        )
