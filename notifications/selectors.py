"""Reads of the notifications app: a user's notices and preferences, always scoped to them."""

from django.db.models import QuerySet

from .models import Notification, NotificationPreference


def unread_count_for(user) -> int:
    """Unread in-portal notices of ``user``: one COUNT on a partial index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


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
