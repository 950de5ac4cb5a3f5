"""Providers of the daily staff digest ("5 applications awaiting review").

Other apps register a provider, from their ``notification_kinds.py`` or ``AppConfig.ready()``::

    from notifications.digest import register_digest_provider

    @register_digest_provider
    def applications_awaiting_review(user):
        count = applications_visible_to(user).filter(status="submitted").count()
        return [(_("Applications awaiting review"), count, reverse("admin:programs_..."))]

A provider takes the staff user (so it can scope by region or role) and returns an iterable
of ``(label, count, url)`` lines; lines with a count of 0 are dropped, and a staff user with
no line left gets no digest that day.
"""

import logging
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.db import transaction

logger = logging.getLogger(__name__)


class DigestItem(NamedTuple):
    label: str
    count: int  # type: ignore[assignment]  # the field's name shadows tuple.count, which nothing here calls
    url: str = ""


DigestProvider = Callable[..., Iterable[DigestItem | tuple]]

_providers: dict[str, DigestProvider] = {}


def register_digest_provider(
    provider: DigestProvider | None = None, *, key: str = ""
) -> DigestProvider | Callable[[DigestProvider], DigestProvider]:
    """Register ``provider`` under ``key`` (default: its dotted path); usable as a decorator.

    Registering the same key again replaces the provider (module reloads stay harmless).
    """

    def decorator(func: DigestProvider) -> DigestProvider:
        _providers[key or f"{func.__module__}.{func.__qualname__}"] = func
        return func

    return decorator(provider) if provider is not None else decorator


def unregister_digest_provider(key: str) -> None:
    _providers.pop(key, None)


def digest_items_for(user) -> list[DigestItem]:
    """The non-empty digest lines for ``user``, in provider registration order.

    A failing provider is logged and skipped: one broken app must not silence the others (its
    queries run in a savepoint, so a database error does not poison the transaction).
    """
    items: list[DigestItem] = []
    for key, provider in list(_providers.items()):
        try:
            with transaction.atomic():
                lines = list(provider(user))
        except Exception:
            logger.exception("Staff digest provider %s failed for user %s", key, user.pk)
            continue
        for line in lines:
            item = DigestItem(*line)
            if item.count:
                items.append(item)
    return items
