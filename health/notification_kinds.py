"""The notifications the Smart Health Responder sends, and its lines of the staff digest."""

from django.utils.translation import gettext_lazy as _

from notifications.digest import register_digest_provider
from notifications.kinds import NotificationKind, register

register(
    NotificationKind(
        key="health.initiative.submitted",
        label=_("Data Portal initiative to review"),
        description=_("A member city submitted an initiative for the Data Portal."),
        staff_only=True,
    )
)
register(
    NotificationKind(
        key="health.initiative.published",
        label=_("Data Portal initiative published"),
        description=_("The secretariat published an initiative your organization shared."),
    )
)
register(
    NotificationKind(
        key="health.initiative.returned",
        label=_("Data Portal initiative returned"),
        description=_("The secretariat asks for changes to an initiative you shared."),
        mandatory=True,
    )
)
register(
    NotificationKind(
        key="health.inquiry.received",
        label=_("Inquiry received"),
        description=_("Acknowledges a Smart Health Assistance inquiry to its sender."),
        mandatory=True,
    )
)
register(
    NotificationKind(
        key="health.inquiry.new",
        label=_("New Smart Health Assistance inquiry"),
        description=_("Someone sent an inquiry about medical equipment or health solutions."),
        staff_only=True,
    )
)
register(
    NotificationKind(
        key="health.inquiry.for_supplier",
        label=_("Inquiry for a supplier"),
        description=_("An inquiry sent to a supplier of the Smart Health Assistance directory."),
        mandatory=True,
    )
)
register(
    NotificationKind(
        key="health.inquiry.forwarded",
        label=_("Inquiry forwarded"),
        description=_("The secretariat forwards an inquiry to someone who can answer it."),
        mandatory=True,
    )
)


@register_digest_provider(key="health.awaiting_attention")
def health_awaiting_attention(user):
    """Initiatives awaiting moderation and inquiries nobody has handled yet (secretariat)."""
    from django.urls import reverse

    from members.rules import is_secretariat

    from .selectors import initiatives_awaiting_review, new_inquiries

    if not is_secretariat(user):
        return []
    return [
        (
            _("Data Portal initiatives awaiting review"),
            initiatives_awaiting_review().count(),
            reverse("admin:health_initiative_changelist") + "?status=submitted",
        ),
        (
            _("New Smart Health Assistance inquiries"),
            new_inquiries().count(),
            reverse("admin:health_inquiry_changelist") + "?status=new",
        ),
    ]
