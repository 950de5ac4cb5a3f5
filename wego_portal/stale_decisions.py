"""Stale-decision guard: a decision carries the status its author saw.

Two officers open the same application; one starts the review, the other clicks "Decline" a
minute later on the page that still says "submitted". Without a guard both moves apply (the
workflow allows declining from either status) and the city gets two e-mails. With it, every
staff or city move states the status the actor saw, and the service refuses the move when
the locked row says otherwise:

- services take a keyword-only ``expected_status`` and call ``check_expected_status`` on the
  row they locked, raising their app's subclass of ``ChangedMeanwhile`` (so the views that
  catch the app's errors show its message);
- forms carry it as a hidden field (``ExpectedStatusField``), set from the object shown;
- the API reads it from ``If-Match`` (``expected_status_from_if_match``; the detail answers
  an ``ETag`` from ``status_etag``) and answers ``409 changed_meanwhile``
  (``wego_portal.api.error_handler``).

``expected_status=None`` means the caller stated nothing (a script, a scheduled job): the move
is not checked. Every view, admin action and API endpoint passes it.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

EXPECTED_STATUS = "expected_status"


class ChangedMeanwhile(Exception):
    """The object's status is no longer the one the actor decided on: nothing was changed.

    Apps subclass it together with their own error base class and a ``default_message``
    naming the object (``%(current)s`` is the status it has now).
    """

    default_message = _(
        "This record changed meanwhile: it is now “%(current)s”. Nothing was changed; "
        "look at it again and decide."
    )

    def __init__(self, message: str | None = None, *, expected: str, current: str, label=str):
        self.expected = expected
        self.current = current
        super().__init__(
            str(
                message
                or self.default_message % {"current": label(current), "expected": label(expected)}
            )
        )


def _label(choices: Mapping[str, Any] | None):
    def label(value: str) -> str:
        return str(choices.get(value, value)) if choices else value

    return label


def check_expected_status(
    *,
    current: str,
    expected: str | None,
    error: type[ChangedMeanwhile] = ChangedMeanwhile,
    labels: Mapping[str, Any] | None = None,
) -> None:
    """Refuse a decision taken on a status the object no longer has.

    Call it in the service's transaction, on the row it locked (``select_for_update``), before
    changing anything. ``labels`` maps statuses to their display names (``dict(Status.choices)``).
    Raises ``error`` (a ``ChangedMeanwhile``) when ``expected`` is given and differs.
    """
    if expected is None:
        return
    if str(current) != str(expected):
        raise error(expected=str(expected), current=str(current), label=_label(labels))


class ExpectedStatusField(forms.CharField):
    """The hidden field that carries the status shown to the actor back to the service."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", True)
        kwargs.setdefault(
            "error_messages",
            {"required": _("This form is out of date: open the page again and decide.")},
        )
        super().__init__(**kwargs)


def status_etag(status: str) -> str:
    """The API's ``ETag`` for an object in ``status`` (what ``If-Match`` sends back)."""
    return f'"{status}"'


def expected_status_from_if_match(request) -> str | None:
    """The status named by the request's ``If-Match`` header, or None without one (or ``*``)."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header or header == "*":
        return None
    first = header.split(",")[0].strip()
    if first.startswith("W/"):
        first = first[2:]
    return first.strip('"') or None
