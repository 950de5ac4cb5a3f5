"""Shared pieces of the REST API (/api/v1/): pagination, throttles, permissions, error bodies.

Each app keeps its own endpoints in ``<app>/api/``; they reuse the app's selectors, services
and django-rules permissions, so the API never holds a second copy of business logic.
"""

import math
import re

from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions, permissions, throttling
from rest_framework.pagination import CursorPagination

from wego_portal.cache import count_in_window


class PersonalTokenAuthentication(TokenAuthentication):
    """django-rest-knox's token authentication, refusing a malformed token before any query.

    Our tokens are the prefix and hexadecimal digits: anything else (a NUL byte, non-ASCII
    text, an endless string) is a 401 without touching the database.
    """

    TOKEN = re.compile(
        rf"{re.escape(knox_settings.TOKEN_PREFIX)}[0-9a-f]{{{knox_settings.AUTH_TOKEN_CHARACTER_LENGTH}}}"
    )

    def authenticate_credentials(self, token: bytes):
        if not self.TOKEN.fullmatch(token.decode("latin-1")):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)


class PersonalTokenScheme(KnoxTokenScheme):
    """The OpenAPI schema describes ``PersonalTokenAuthentication`` as knox's token scheme."""

    target_class = PersonalTokenAuthentication  # type: ignore[assignment]  # drf-spectacular takes the class or its dotted path


class StandardCursorPagination(CursorPagination):
    """Cursor pagination for large, growing lists: stable under inserts, fast at any depth."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering: tuple[str, ...] = ("sort_name", "id")


class SlidingWindowCounterMixin:
    """A rate kept as one counter per client and clock window (``INCR`` on a key that expires
    with the next window) instead of REST framework's list of every request's timestamp, which
    grows with the traffic and is read, rewritten and stored whole on every request.

    The decision weighs the previous window's count by how much of it still overlaps the last
    ``duration`` seconds (the sliding-window counter), so a burst across a window's edge is
    counted as one: one round trip to Redis per request (``count_in_window``), constant in size.
    """

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window, offset = divmod(self.now, self.duration)
        window = int(window)
        self.window_ends = (window + 1) * self.duration
        # The shared cache itself: REST framework's ``self.cache`` is django.core.cache.cache, a
        # proxy that count_in_window does not recognise as Redis (three round trips, not one).
        count, previous = count_in_window(
            caches["default"],
            f"{self.key}:{window}",
            f"{self.key}:{window - 1}",
            2 * self.duration + 1,
        )
        weighted = previous * (1 - offset / self.duration) + count
        return weighted <= self.num_requests

    def wait(self):
        return max(1, math.ceil(self.window_ends - self.now))


class AnonRateThrottle(SlidingWindowCounterMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by address (``NUM_PROXIES`` trusted proxies)."""


class UserRateThrottle(SlidingWindowCounterMixin, throttling.UserRateThrottle):
    """Signed-in clients, by user. Anonymous clients are the anonymous throttle's alone: REST
    framework's user throttle counts them too, by address, a second counter (and round trip)
    for a budget the stricter anonymous one already enforces."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class WriteRateThrottle(SlidingWindowCounterMixin, throttling.UserRateThrottle):
    """Writes (anything but GET/HEAD/OPTIONS) have a stricter budget than reads."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)


def error_handler(exc, context):
    """One error body everywhere: ``{"error": {"status", "code", "detail", "fields"?}}``.

    A refused object is reported as 404, never 403: a refusal must not confirm that the
    object exists.
    """
    # Imported here: rest_framework.views reads the settings that name this module's classes,
    # so importing it at module level made ``import wego_portal.api`` circular when it came first.
    from rest_framework.views import exception_handler

    if isinstance(exc, Http404 | PermissionDenied):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    body: dict = {"status": response.status_code, "code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            body["code"] = codes
    if isinstance(detail, dict) and set(detail) != {"detail"}:
        body["detail"] = "Some fields are not valid."
        body["code"] = "invalid"
        body["fields"] = detail
    elif isinstance(detail, dict):
        body["detail"] = str(detail["detail"])
    elif isinstance(detail, list):
        body["detail"] = " ".join(str(item) for item in detail)
    else:
        body["detail"] = str(detail)
    response.data = {"error": body}
    return response
