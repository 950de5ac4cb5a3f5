"""The notifications the events app sends (registered at start-up by the notifications app)."""

from django.utils.translation import gettext_lazy as _

from notifications.digest import register_digest_provider
from notifications.kinds import NotificationKind, register

for key, label, description, mandatory in [
    (
        "events.registration.confirm_email",
        _("Confirm your event registration"),
        _("The link a visitor follows to confirm the e-mail address of a registration."),
        True,
    ),
    (
        "events.registration.confirmed",
        _("Event registration confirmed"),
        _("You have a place at an event."),
        True,
    ),
    (
        "events.registration.waitlisted",
        _("On an event's waitlist"),
        _("The event was full: you are on its waitlist."),
        True,
    ),
    (
        "events.registration.promoted",
        _("A place at an event came free for you"),
        _("You moved up from the waitlist and have a place."),
        True,
    ),
    (
        "events.registration.cancelled",
        _("Event registration cancelled"),
        _("Confirms that a registration was cancelled."),
        True,
    ),
    (
        "events.registration.already",
        _("Already registered for an event"),
        _("Someone asked to register an address that is already registered."),
        True,
    ),
    (
        "events.registration.reminder",
        _("Event reminders"),
        _("Reminders a day and an hour before an event you registered for."),
        False,
    ),
    (
        "events.event.date_changed",
        _("Event date set or changed"),
        _("The date of an event you registered for was confirmed or changed."),
        True,
    ),
    (
        "events.event.cancelled",
        _("Event cancelled"),
        _("An event you registered for was cancelled."),
        True,
    ),
    (
        "events.registrants.message",
        _("Messages to an event's registrants"),
        _("News from the organizers of an event you registered for."),
        True,
    ),
]:
    register(NotificationKind(key=key, label=label, description=description, mandatory=mandatory))


@register_digest_provider(key="events.undated_soon")
def undated_events_soon(user):
    """The staff digest's and admin dashboard's line: events coming up without a fixed day."""
    from django.urls import reverse

    from members.rules import is_secretariat, staffed_office_ids

    from .selectors import undated_events_soon as query

    if not (is_secretariat(user) or staffed_office_ids(user)):
        return []
    return [
        (
            _("Events starting within 60 days whose day is not fixed yet"),
            query(user).count(),
            reverse("admin:events_event_changelist") + "?when=soon-undated",
        )
    ]
