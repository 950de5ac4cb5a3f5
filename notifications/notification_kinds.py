"""The generic notification kinds; other apps register theirs in their own module of this name."""

from django.utils.translation import gettext_lazy as _

from .kinds import NotificationKind, register

ACCOUNT_SECURITY = register(
    NotificationKind(
        key="account.security",
        label=_("Account security"),
        description=_("Changes to your password, e-mail address or two-factor authentication."),
        mandatory=True,
    )
)
ACCOUNT_INVITATION = register(
    NotificationKind(
        key="account.invitation",
        label=_("Invitation to the portal"),
        description=_("An invitation to create your account on the WeGO Portal."),
        mandatory=True,
    )
)
STAFF_DIGEST = register(
    NotificationKind(
        key="staff.digest",
        label=_("Daily staff digest"),
        description=_("Once a day, what is waiting for the secretariat (only when there is some)."),
        staff_only=True,
    )
)
GENERAL_MESSAGE = register(
    NotificationKind(
        key="general.message",
        label=_("Messages from the secretariat"),
        description=_("General news and messages from the WeGO Secretariat."),
    )
)
