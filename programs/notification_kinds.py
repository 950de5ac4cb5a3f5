"""The notifications the programs app sends (registered at start-up by the notifications app).

City kinds go to the people acting for the applicant organization; their context never holds
an internal message. Staff kinds go to back-office users only.
"""

from django.utils.translation import gettext_lazy as _

from notifications.digest import register_digest_provider
from notifications.kinds import NotificationKind, register

CITY_KINDS = [
    NotificationKind(
        key="programs.application.submitted",
        label=_("Application submitted"),
        description=_("The receipt when an application of your organization is submitted."),
        mandatory=True,
    ),
    NotificationKind(
        key="programs.application.status_changed",
        label=_("Application status changed"),
        description=_("WeGO's decisions and each new step of your organization's applications."),
        mandatory=True,
    ),
    NotificationKind(
        key="programs.application.clarification_requested",
        label=_("Clarification requested"),
        description=_("WeGO has questions about an application of your organization."),
        mandatory=True,
    ),
    NotificationKind(
        key="programs.application.message",
        label=_("Message from WeGO about an application"),
        description=_("WeGO wrote to your organization about one of its applications."),
    ),
    NotificationKind(
        key="programs.reminder.draft_deadline",
        label=_("Draft application reminder"),
        description=_("A draft is not submitted yet, 7 days and 1 day before the call closes."),
    ),
    NotificationKind(
        key="programs.reminder.milestone_due",
        label=_("Project milestone reminder"),
        description=_("A milestone of your project's plan is due in 7 days or tomorrow."),
    ),
]

STAFF_KINDS = [
    NotificationKind(
        key="programs.application.new_submission",
        label=_("New program application"),
        description=_("A city submitted an application you review or look after."),
        staff_only=True,
    ),
    NotificationKind(
        key="programs.application.city_answered",
        label=_("City answered a clarification request"),
        description=_("A city answered WeGO's questions; the application is back in review."),
        staff_only=True,
    ),
    NotificationKind(
        key="programs.application.city_message",
        label=_("Message from a city about an application"),
        description=_("A city wrote to WeGO about an application you review or look after."),
        staff_only=True,
    ),
    NotificationKind(
        key="programs.application.withdrawn",
        label=_("Application withdrawn"),
        description=_("A city withdrew an application you review or look after."),
        staff_only=True,
    ),
    NotificationKind(
        key="programs.review.assigned",
        label=_("Review assigned"),
        description=_("You were assigned to review a program application."),
        staff_only=True,
    ),
    NotificationKind(
        key="programs.reminder.review_outstanding",
        label=_("Review reminder"),
        description=_("A review assigned to you a week ago is not complete."),
        staff_only=True,
    ),
]

for kind in (*CITY_KINDS, *STAFF_KINDS):
    register(kind)


@register_digest_provider(key="programs.applications_awaiting_review")
def applications_awaiting_review(user):
    """The staff digest's and admin dashboard's lines: applications to review and own reviews."""
    from django.urls import reverse

    from .rules import is_program_staff
    from .selectors import applications_awaiting_review as awaiting
    from .selectors import outstanding_reviews_for

    if not is_program_staff(user):
        return []
    changelist = reverse("admin:programs_application_changelist")
    return [
        (
            _("Applications awaiting review"),
            awaiting(user).count(),
            f"{changelist}?status__exact=submitted",
        ),
        (
            _("Your application reviews to complete"),
            outstanding_reviews_for(user).count(),
            f"{changelist}?reviews=mine",
        ),
    ]
