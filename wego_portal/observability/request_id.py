"""The id of the request (or task) being served, for log lines, task headers and e-mails.

An incoming ``X-Request-ID`` is honoured when it looks like an id (letters, digits and
``._:-``, at most 128 characters): a load balancer or an upstream service can then follow one
request through every node. Anything else is replaced by a fresh id, so a client cannot write
arbitrary text into the logs. The id is kept in a context variable: each thread, and each
asyncio task, sees its own.
"""

import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Request-ID"
#: The Celery message header that carries the id into a worker.
TASK_HEADER = "wego_request_id"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_current: ContextVar[str] = ContextVar("wego_request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted(value: str | None) -> str:
    """``value`` when it is an acceptable id, else a new one."""
    if value and _VALID.fullmatch(value):
        return value
    return new_request_id()


def current_request_id() -> str:
    """The id of the request or task being served here ("" outside of one)."""
    return _current.get()


def bind(value: str):
    """Make ``value`` the current id; returns the token for :func:`unbind`."""
    return _current.set(value)


def unbind(token) -> None:
    _current.reset(token)


@contextmanager
def bound(value: str):
    token = bind(value)
    try:
        yield value
    finally:
        unbind(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record ("-" outside of a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True
