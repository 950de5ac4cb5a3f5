"""The notifications the members app sends (registered at start-up by the notifications app)."""

from django.utils.translation import gettext_lazy as _

from notifications.digest import register_digest_provider
from notifications.kinds import NotificationKind, register

register(
    NotificationKind(
        key="membership.application_received",
        label=_("Membership application received"),
        description=_("Acknowledges an application to join WeGO."),
        mandatory=True,
    )
)
register(
    NotificationKind(
        key="membership.application_new",
        label=_("New membership application"),
        description=_("A new application to join WeGO is waiting for review."),
        staff_only=True,
    )
)
register(
    NotificationKind(
        key="membership.application_declined",
        label=_("Membership application declined"),
        description=_("The Executive Committee's decision not to admit an applicant."),
        mandatory=True,
    )
)
register(
    NotificationKind(
        key="membership.invitation",
        label=_("Invitation to the portal"),
        description=_("An invitation to set a password and act for an organization."),
        mandatory=True,
    )
)
register(
    NotificationKind(
        key="membership.added_to_organization",
        label=_("Added to an organization"),
        description=_("You were given a role in an organization."),
        mandatory=True,
    )
)


@register_digest_provider(key="members.pending_applications")
def pending_membership_applications(user):
    """The staff digest's and the admin dashboard's line for the membership queue."""
    from django.urls import reverse

    from .enums import ApplicationStatus
    from .models import MembershipApplication
    from .rules import is_secretariat, staffed_office_ids, staffed_regions

    if not (is_secretariat(user) or staffed_office_ids(user)):
        return []
    queryset = MembershipApplication.objects.all()
    if not is_secretariat(user):
        queryset = queryset.filter(region__in=staffed_regions(user))
    count = queryset.filter(status=ApplicationStatus.PENDING).count()
    return [
        (
            _("Membership applications awaiting a decision"),
            count,
            reverse("admin:members_membershipapplication_changelist"),
        )
    ]
