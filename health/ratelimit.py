"""A per-address limit on public forms, counted in the shared cache.

Fixed windows: the counter of an address for the current window lives in Django's cache (Redis
in production, so every web process shares it) and expires with the window. The address is
the one allauth's login rate limits use (``ALLAUTH_TRUSTED_PROXY_COUNT`` and friends decide
whether a proxy's ``X-Forwarded-For`` is believed), hashed so that the cache holds no raw IPs.
"""

import hashlib
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class RateLimit:
    """``limit`` attempts per ``window`` seconds."""

    limit: int
    window: int

    @classmethod
    def parse(cls, text: str) -> "RateLimit":
        """ "10/h", "5/10m", "3/30s" → a RateLimit."""
        count, _, period = text.partition("/")
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        digits = period[:-1] or "1"
        return cls(limit=int(count), window=int(digits) * units[period[-1]])


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    retry_after: int


def client_address(request) -> str:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def consume(request, *, scope: str, rate: RateLimit, now: float | None = None) -> RateDecision:
    """Count one attempt of ``request``'s address in ``scope``; say whether it is allowed."""
    now = time.time() if now is None else now
    window_start = int(now // rate.window) * rate.window
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode())
    key = f"ratelimit:{scope}:{digest.hexdigest()[:32]}:{window_start}"
    cache.add(key, 0, timeout=rate.window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this attempt opens a new window
        cache.set(key, 1, timeout=rate.window + 5)
        count = 1
    retry_after = max(1, int(window_start + rate.window - now))
    return RateDecision(allowed=count <= rate.limit, count=count, retry_after=retry_after)
