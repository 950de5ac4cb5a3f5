import functools

from django.http import HttpRequest


def unread_notices(request: HttpRequest) -> dict:
    """The unread count for the header bell, computed lazily (one query, only when rendered)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import unread_count_for

    # Counted once per response however often the page shows it (the header and its phone menu).
    return {"unread_notice_count": functools.cache(lambda: unread_count_for(user))}
