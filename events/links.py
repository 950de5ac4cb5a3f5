"""Signed links in registration e-mails: confirm a visitor's address, cancel a registration,
stop sharing it with the event's hosts.

None needs an account. All are signed with the site's secret key (``django.core.signing``)
and name the registration; the confirmation link also carries the registration's revision, so
a link from an older e-mail cannot confirm a later request, and it expires after a few days.
The cancellation link lasts as long as the registration: it is the registrant's key to it.
A visitor's choice to share the registration with the event's hosts travels in the
confirmation link (the version of the text agreed to), so it is recorded only once the address
is confirmed, by the person who owns it. The link that stops the sharing lasts as long as the
registration too.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from wego_portal.links import absolute_url

CONFIRM_SALT = "events.registration.confirm"
CANCEL_SALT = "events.registration.cancel"
SHARING_SALT = "events.registration.sharing"
CONFIRM_MAX_AGE = 3 * 24 * 60 * 60


class InvalidLink(Exception):
    """A link that was altered, expired, or belongs to an older request."""


@dataclass(frozen=True)
class ConfirmationClaim:
    registration_id: int
    revision: int
    share_version: str = ""  # the consent text's version, if the visitor chose to share


def confirmation_token(registration, *, share_version: str = "") -> str:
    claim = {"r": registration.pk, "v": registration.revision}
    if share_version:
        claim["s"] = share_version
    return signing.dumps(claim, salt=CONFIRM_SALT)


def cancellation_token(registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=CANCEL_SALT)


def sharing_token(registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=SHARING_SALT)


def confirmation_url(registration, *, share_version: str = "") -> str:
    token = confirmation_token(registration, share_version=share_version)
    return absolute_url(reverse("events:confirm_registration", kwargs={"token": token}))


def cancellation_url(registration) -> str:
    token = cancellation_token(registration)
    return absolute_url(reverse("events:cancel_by_link", kwargs={"token": token}))


def sharing_withdrawal_url(registration) -> str:
    token = sharing_token(registration)
    return absolute_url(reverse("events:stop_sharing", kwargs={"token": token}))


def read_confirmation(token: str) -> ConfirmationClaim:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        return ConfirmationClaim(
            registration_id=int(data["r"]),
            revision=int(data["v"]),
            share_version=str(data.get("s") or "")[:20],
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidLink from exc


def read_cancellation(token: str) -> int:
    try:
        return int(signing.loads(token, salt=CANCEL_SALT)["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidLink from exc


def read_sharing(token: str) -> int:
    try:
        return int(signing.loads(token, salt=SHARING_SALT)["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidLink from exc
