"""The staff digest: one e-mail a day with the lines of every provider."""

from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from ..digest import digest_items_for
from ..rendering import absolute_url
from .creating import _notification_get_or_create, recipient_language

# --- Staff digest ------------------------------------------------------------------------------


def staff_digest_send(*, today: date | None = None) -> int:
    """Send today's digest to every active staff user with something to report.

    Lines come from the registered digest providers (``notifications.digest``). One digest per
    user per day (the date is in the idempotency key), each in its own transaction so one
    user's failure does not stop the others. Each digest is sent in its staff member's language
    (the one they prefer when it is sent). Returns how many digests were created.
    """
    today = today or timezone.localdate()
    created_count = 0
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk")
    for user in staff.iterator():
        # The lines' labels and links in the staff member's own language.
        with translation.override(recipient_language(user)):
            # Labels that are lazy translations stay lazy: the e-mail translates them when it
            # is sent, in the staff member's language then.
            items = [item._replace(url=absolute_url(item.url)) for item in digest_items_for(user)]
        if not items:
            continue
        _notification, created = _notification_get_or_create(
            kind="staff.digest",
            recipient=user,
            context={"items": items, "date": today, "total": sum(i.count for i in items)},
            idempotency_key=f"staff-digest-{today.isoformat()}-user-{user.pk}",
            url=reverse("admin:index"),
        )
        created_count += created
    return created_count
