from django import template

from events.enums import RegistrationStatus
from events.selectors import events_hosted_by

register = template.Library()

REGISTRATION_TAGS = {
    RegistrationStatus.CONFIRMED: "tag--green",
    RegistrationStatus.WAITLISTED: "tag--amber",
    RegistrationStatus.PENDING: "tag--grey",
    RegistrationStatus.CANCELLED: "tag--red",
}


@register.simple_tag
def organization_events(organization, limit: int = 10):
    """The public events an organization hosts or hosted (one query, whatever the number)."""
    return events_hosted_by(organization, limit=limit)


@register.inclusion_tag("includes/tag.html")
def registration_status_tag(registration):
    return {
        "css": REGISTRATION_TAGS.get(registration.status, ""),
        "label": registration.get_status_display(),
    }
