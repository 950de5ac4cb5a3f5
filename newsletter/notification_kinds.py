"""The newsletter's e-mails: the confirmation link (double opt-in) and the issues."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind, register

CONFIRM = register(
    NotificationKind(
        key="newsletter.confirm",
        label=_("Newsletter subscription"),
        description=_("The link that confirms a newsletter subscription."),
        mandatory=True,
        own_preferences=True,
    )
)
ISSUE = register(
    NotificationKind(
        key="newsletter.issue",
        label=_("Newsletter"),
        description=_("The WeGO newsletter, to its confirmed subscribers."),
        mandatory=True,
        own_preferences=True,
    )
)
