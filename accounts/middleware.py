"""Signed-in activity recorded without a database write on every page view."""

from __future__ import annotations

import hashlib

from allauth.account.adapter import get_adapter
from allauth.usersessions import app_settings
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _seen_key(request: HttpRequest) -> str:
    ua = request.META.get("HTTP_USER_AGENT", "")
    client = f"{get_adapter().get_client_ip(request)}|{ua}"
    digest = hashlib.blake2b(client.encode(), digest_size=8).hexdigest()
    return f"usersession:seen:{request.session.session_key}:{digest}"


class UserSessionActivityMiddleware:
    """allauth's ``UserSessionsMiddleware``, at most once per ``USERSESSIONS_ACTIVITY_INTERVAL``.

    allauth records a session's address, browser and last activity on every request (a SELECT,
    an UPDATE and a transaction per page view). Here the record is refreshed when the session is
    new to this interval or its client changed (another address or browser: the key includes
    both, so the "client changed" signal still fires at once); otherwise one cache lookup.
    "Last seen" in the account's session list is therefore exact to a few minutes.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if (
            app_settings.TRACK_ACTIVITY
            and hasattr(request, "session")
            and request.session.session_key
            and request.user.is_authenticated
        ):
            key = _seen_key(request)
            if cache.add(key, 1, settings.USERSESSIONS_ACTIVITY_INTERVAL):
                UserSession.objects.create_from_request(request)
        return self.get_response(request)
