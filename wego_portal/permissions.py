"""Object permission checks that never confirm what the caller may not see."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404


def get_permitted_object_or_404(user, permission: str, queryset, **lookup):
    """The object, if it exists *and* ``user`` has ``permission`` on it; otherwise a 404.

    A 403 would tell a stranger that the object exists; a 404 tells nothing.
    """
    obj = get_object_or_404(queryset, **lookup)
    if not user.has_perm(permission, obj):
        raise Http404
    return obj


def require(user, permission: str, obj=None) -> None:
    """A service's own check: ``PermissionDenied`` unless ``user`` has ``permission`` on ``obj``.

    Services call it with the acting user, so no caller (a view, an admin action, the API, a
    future one) can forget the check.
    """
    if user is None or not user.is_authenticated or not user.has_perm(permission, obj):
        raise PermissionDenied
