"""Signed links in registration e-mails: confirm a visitor's address, cancel a registration.

Neither needs an account. Both are signed with the site's secret key (``django.core.signing``)
and name the registration; the confirmation link also carries the registration's revision, so
a link from an older e-mail cannot confirm a later request, and it expires after a few days.
The cancellation link lasts as long as the registration: it is the registrant's key to it.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from wego_portal.links import absolute_url

CONFIRM_SALT = "events.registration.confirm"
CANCEL_SALT = "events.registration.cancel"
CONFIRM_MAX_AGE = 3 * 24 * 60 * 60


class InvalidLink(Exception):
    """A link that was altered, expired, or belongs to an older request."""


@dataclass(frozen=True)
class ConfirmationClaim:
    registration_id: int
    revision: int


def confirmation_token(registration) -> str:
    return signing.dumps({"r": registration.pk, "v": registration.revision}, salt=CONFIRM_SALT)


def cancellation_token(registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=CANCEL_SALT)


def confirmation_url(registration) -> str:
    token = confirmation_token(registration)
    return absolute_url(reverse("events:confirm_registration", kwargs={"token": token}))


def cancellation_url(registration) -> str:
    token = cancellation_token(registration)
    return absolute_url(reverse("events:cancel_by_link", kwargs={"token": token}))


def read_confirmation(token: str) -> ConfirmationClaim:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        return ConfirmationClaim(registration_id=int(data["r"]), revision=int(data["v"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidLink from exc


def read_cancellation(token: str) -> int:
    try:
        return int(signing.loads(token, salt=CANCEL_SALT)["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidLink from exc
