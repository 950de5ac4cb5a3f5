"""Make the Django admin's history page refuse before it looks the object up.

Django's ``ModelAdmin.history_view`` looks the object up first and answers "doesn't exist"
(a redirect to the admin index) for a missing id, but 403 for an existing one when the staff
user lacks the model's view/change permission: a regional-office user could probe which ids
exist. Checking the model-level permission first gives the same 403 for every id. (The change
and delete views already check model permissions before reporting a missing object.)
"""

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied

_original_history_view = ModelAdmin.history_view


def _history_view(self, request, object_id, extra_context=None):
    if not self.has_view_or_change_permission(request):
        raise PermissionDenied
    return _original_history_view(self, request, object_id, extra_context)


def install() -> None:
    if ModelAdmin.history_view is not _history_view:
        ModelAdmin.history_view = _history_view
