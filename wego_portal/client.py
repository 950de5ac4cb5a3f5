"""The client's address, from the connection or from a configured number of trusted proxies.

``TRUSTED_PROXY_COUNT`` (default 0) says how many reverse proxies in front of the portal
append to ``X-Forwarded-For``. At 0 the header is ignored and the address is the
connection's: a client cannot choose its own address by sending the header. At N the address
is the N-th entry from the right, the one the outermost trusted proxy saw; entries to its left
were written by the client and are never believed. REST framework's throttles
(``NUM_PROXIES``), allauth's rate limits (through ``accounts.adapter``), the portal's own abuse
limits and the log lines all take the address from here or from the same setting.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text ("" when there is no valid one)."""
    count = settings.TRUSTED_PROXY_COUNT
    candidate = request.META.get("REMOTE_ADDR", "")
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            # Fewer entries than proxies means a proxy did not append: take the leftmost,
            # as REST framework does, rather than an address the client wrote further left.
            candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        return ""


class ClientAddressFilter(logging.Filter):
    """Adds ``client`` to every log record: the request's client address, or "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "client", None):
            return True  # given by the caller (the request log line)
        request = getattr(record, "request", None)
        address = client_address(request) if isinstance(request, HttpRequest) else ""
        record.client = address or "-"
        return True
