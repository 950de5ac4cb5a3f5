"""Account operations shared by the membership workflow, invitations and the demo data."""

import datetime
import unicodedata

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import User


@transaction.atomic
def user_get_or_create_verified(
    *,
    email: str,
    full_name: str = "",
    password: str | None = None,
    is_staff: bool = False,
    preferred_language: str = "",
) -> tuple[User, bool]:
    """Return the user with ``email`` (created if missing) whose address counts as verified.

    Used where WeGO itself vouches for the address (an approved application's contact, an
    invitation, the demo accounts). Side effects: creates the user and allauth's primary,
    verified ``EmailAddress``. An existing user's password is left alone unless ``password``
    is given. ``preferred_language`` (e.g. the language an application was written in) is set
    on a new user only: an existing user's own choice stands.
    """
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            preferred_language=_known_language(preferred_language),
        )
    elif password:
        user.set_password(password)
    if full_name and not user.full_name:
        user.full_name = full_name
    if is_staff:
        user.is_staff = True
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


def api_token_name_clean(*, user: User, name: str) -> str:
    """The token name ``name`` as stored: trimmed, 1 to 60 printable characters, not the name
    of another of ``user``'s tokens (ignoring case). Raises ``ValidationError`` otherwise."""
    from .models import ApiTokenName

    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the token a name."), code="required")
    if len(name) > ApiTokenName.MAX_LENGTH:
        raise ValidationError(
            _("Keep the name to %(max)d characters.") % {"max": ApiTokenName.MAX_LENGTH},
            code="max_length",
        )
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise ValidationError(_("The name cannot contain control characters."), code="invalid")
    if ApiTokenName.objects.filter(token__user=user, name__iexact=name).exists():
        raise ValidationError(
            _("You already have a token named “%(name)s”: choose another name.") % {"name": name},
            code="duplicate",
        )
    return name


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_in_days: int | None) -> tuple[object, str]:
    """A personal API token for ``user`` named ``name``; returns the record and the secret,
    shown only once.

    The secret is stored hashed (django-rest-knox): nobody can read it back later. The name
    is checked by ``api_token_name_clean`` (``ValidationError``). Side effects: the token row
    and its ``ApiTokenName``.
    """
    from knox.models import AuthToken

    from .models import ApiTokenName

    name = api_token_name_clean(user=user, name=name)
    expiry = datetime.timedelta(days=expires_in_days) if expires_in_days else None
    token, secret = AuthToken.objects.create(user=user, expiry=expiry)
    ApiTokenName.objects.create(token=token, name=name)
    return token, secret


def api_token_revoke(*, user: User, token_key: str) -> bool:
    """Revoke one of ``user``'s tokens; another user's token is simply not found."""
    from knox.models import AuthToken

    _total, deleted = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted.get(AuthToken._meta.label))


def _known_language(code: str | None) -> str:
    codes = [c for c, _name in settings.LANGUAGES]
    return code if code in codes else settings.LANGUAGE_CODE


def user_set_preferred_language(*, user: User, language: str) -> User:
    """Store ``user``'s preferred language (pages after sign-in, e-mails, notices).

    An unknown code raises ``ValueError``; nothing else changes.
    """
    if language not in [c for c, _name in settings.LANGUAGES]:
        raise ValueError(f"Unknown language: {language!r}")
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every personal API token of ``user``; returns how many there were.

    Called whenever the account's credentials or standing change: a password changed or
    reset (``accounts.adapter``, the admin's password form) and a deactivation (the admin), so
    a token copied by someone else stops working with the password it was made under.
    """
    from knox.models import AuthToken

    _total, deleted = AuthToken.objects.filter(user=user).delete()
    return deleted.get(AuthToken._meta.label, 0)
