"""Abuse limits on forms that anyone can submit or that e-mail an address the user typed.

One mechanism for the whole portal: allauth's rate-limit helper, the one that already guards
sign-in and password reset. Each limited action has its rates in ``ACCOUNT_RATE_LIMITS``
(settings), e.g. ``"join": "5/h/ip,2/d/key"``: per client address (``wego_portal.client``,
so ``X-Forwarded-For`` counts only behind ``TRUSTED_PROXY_COUNT`` proxies), per ``key`` (the
e-mail address that would receive mail) and per ``user`` for signed-in actions. The counters
live in the default cache (Redis in production), shared by every web process; only
submissions that passed validation count, and a refused one is not counted.
"""

import math
import time
from dataclasses import dataclass

from allauth.core import ratelimit
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

#: allauth's own per-minute limits (login, password reset) when a view cannot say more.
DEFAULT_RETRY_AFTER = 60


@dataclass(frozen=True)
class Refusal:
    """Over the limit: try again after ``retry_after`` seconds."""

    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    @property
    def message(self) -> str:
        return ngettext(
            "You have sent this form several times in a short time. To protect this service, "
            "please wait %(n)d minute and send it again. Nothing has been sent yet: what you "
            "typed is kept below.",
            "You have sent this form several times in a short time. To protect this service, "
            "please wait %(n)d minutes and send it again. Nothing has been sent yet: what you "
            "typed is kept below.",
            self.minutes,
        ) % {"n": self.minutes}

    def apply(self, response: HttpResponse) -> HttpResponse:
        """``response`` (the form with ``message`` on it) as a 429 with ``Retry-After``."""
        response.status_code = 429
        response["Retry-After"] = str(self.retry_after)
        return response


def limit(request: HttpRequest, *, action: str, key: str | None = None) -> Refusal | None:
    """Count one ``action`` by this client (and ``key``); a ``Refusal`` when over a limit."""
    key = key.strip().lower() if key else None
    if ratelimit.consume(request, action=action, key=key, user=_user(request)):
        return None
    return Refusal(retry_after=retry_after(request, action=action, key=key))


def retry_after(request: HttpRequest, *, action: str, key: str | None = None) -> int:
    """Seconds until every exhausted rate of ``action`` has room again (at least 1)."""
    now = time.time()
    wait = 1
    for rate in allauth_ratelimit.get_rates(app="allauth.account", action=action):
        if (rate.per == "key" and key is None) or (rate.per == "user" and not _user(request)):
            continue
        cache_key = allauth_ratelimit.get_cache_key(
            request, app="allauth.account", action=action, rate=rate, key=key, user=_user(request)
        )
        recent = sorted(t for t in cache.get(cache_key, []) if t > now - rate.duration)
        if len(recent) >= rate.amount:
            # The oldest hits leave the window one by one; one must go to make room.
            freed_by = recent[len(recent) - rate.amount]
            wait = max(wait, math.ceil(freed_by + rate.duration - now))
    return wait


def too_many_requests(request: HttpRequest, *, retry_after: int = DEFAULT_RETRY_AFTER):
    """The friendly 429 page (``429.html``) with ``Retry-After``."""
    refusal = Refusal(retry_after=retry_after)
    response = render(request, "429.html", {"minutes": refusal.minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _user(request: HttpRequest):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
