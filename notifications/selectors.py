"""Reads of the notifications app: a user's notices and preferences, always scoped to them."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from wego_portal.caching import CacheVersion

from .models import Notification, NotificationPreference

#: The header's unread count is cached per user under a versioned key; the notifications
#: services bump the version when a user's notices change (created, read). The timeout only
#: bounds what a change made outside the services (a raw SQL edit) can leave stale.
UNREAD_COUNT_TIMEOUT = 600


def _unread_version(user_id: int) -> CacheVersion:
    return CacheVersion(f"notices:unread:v:{user_id}")


def unread_count_for(user) -> int:
    """Unread in-portal notices of ``user``: from the cache (one round trip), else one COUNT on
    a partial index. The version is read before the count, so a count computed while the
    notices changed is stored under the old version and never served."""
    if not getattr(user, "is_authenticated", False):
        return 0
    version = _unread_version(user.pk)
    key = f"notices:unread:count:{user.pk}"
    current, count = version.read(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        version.write(key, current, count, UNREAD_COUNT_TIMEOUT)
    return count


def unread_counts_changed(user_ids: Iterable[int | None]) -> None:
    """Invalidate the cached unread counts of ``user_ids`` now and again once the transaction
    commits (a count computed in between, without the uncommitted rows, is left behind)."""
    versions = [_unread_version(pk) for pk in set(user_ids) if pk]
    for version in versions:
        version.bump()
        transaction.on_commit(version.bump)


def notices_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s own notices, newest first; the only queryset the inbox views use."""
    notices = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.only(
        "id", "recipient_id", "kind", "message", "url", "created_at", "read_at", "body_text"
    )


def email_preferences_for(user) -> dict[str, bool]:
    """``{kind key: e-mail on?}`` for the kinds ``user`` has set; missing keys mean "on"."""
    return dict(
        NotificationPreference.objects.filter(user=user).values_list("kind", "email_enabled")
    )
