"""Who may read the outbox in the back office (django-rules): the Secretariat.

Notifications are never edited by hand; a failed one may be queued again.
"""

import rules

from members.rules import is_secretariat

rules.add_perm("notifications.view_notification", is_secretariat)
rules.add_perm("notifications.add_notification", rules.always_deny)
rules.add_perm("notifications.change_notification", rules.always_deny)
rules.add_perm("notifications.delete_notification", rules.always_deny)
rules.add_perm("notifications.retry_notification", is_secretariat)
for _action in ("view", "add", "change", "delete"):
    rules.add_perm(f"notifications.{_action}_notificationpreference", is_secretariat)
