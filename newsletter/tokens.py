"""The signed links of the newsletter.

- The confirmation link (double opt-in) carries the subscriber's key signed with a timestamp
  (``TimestampSigner``): it expires after ``NEWSLETTER_CONFIRM_DAYS`` days.
- The preferences and unsubscribe links of every message carry the key signed without expiry
  (a message read a year later still unsubscribes). Erasing the subscriber makes them void.

Each kind of link has its own salt, so one cannot be used as the other.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "newsletter.confirm"
MANAGE_SALT = "newsletter.manage"


class BadToken(Exception):
    """A link that was not made by us, or was changed."""


class ExpiredToken(BadToken):
    """A confirmation link older than ``confirm_validity()``."""


def confirm_validity() -> timedelta:
    return timedelta(days=getattr(settings, "NEWSLETTER_CONFIRM_DAYS", 7))


def confirm_token(key: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(key.hex)


def manage_token(key: uuid.UUID) -> str:
    return signing.Signer(salt=MANAGE_SALT).sign(key.hex)


def _key(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=value)
    except ValueError:
        raise BadToken from None


def key_from_confirm_token(token: str) -> uuid.UUID:
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=confirm_validity())
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except signing.BadSignature:
        raise BadToken from None
    return _key(value)


def key_from_manage_token(token: str) -> uuid.UUID:
    try:
        value = signing.Signer(salt=MANAGE_SALT).unsign(token)
    except signing.BadSignature:
        raise BadToken from None
    return _key(value)
