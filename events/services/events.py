"""Events in the back office, reminders and personal calendar feeds."""

import datetime
import hashlib
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from members.regions import region_for_country
from notifications.services import BulkRecipient, notification_create_bulk
from wego_portal.permissions import require

from .. import links
from ..enums import (
    ACTIVE_REGISTRATION,
    EventStatus,
    RegistrationMode,
    RegistrationStatus,
)
from ..models import (
    DATE_FIELDS,
    CalendarFeedToken,
    Event,
)
from ..selectors import EVENTS_LIST_VERSION
from .registrations import _lock_event, _promote, logger

# --- Events (back office) ----------------------------------------------------------------------


def _bulk_registrants(event: Event, statuses: Iterable[str]) -> list[BulkRecipient]:
    from ..selectors import registrations_shared_with_hosts

    shared = set(registrations_shared_with_hosts(event).values_list("pk", flat=True))
    recipients = []
    for registration in event.registrations.filter(status__in=list(statuses)).select_related(
        "user"
    ):
        registration.event = event
        recipients.append(
            BulkRecipient(
                user=registration.user,
                email="" if registration.user_id else registration.email,
                key=f"registration-{registration.pk}",
                context={
                    "registration": registration,
                    "cancel_url": links.cancellation_url(registration),
                    "join_url": event.join_url
                    if registration.status == RegistrationStatus.CONFIRMED
                    else "",
                    "stop_sharing_url": links.sharing_withdrawal_url(registration)
                    if registration.pk in shared
                    else "",
                },
            )
        )
    return recipients


def _event_context(event: Event) -> dict:
    return {
        "event": event,
        "event_url": links.absolute_url(event.get_absolute_url()),
        "date_display": event.date_display,
        "place": event.place_label,
        "calendar_url": links.absolute_url(reverse("events:event_ics", args=[event.slug]))
        if event.has_day
        else "",
    }


def events_list_changed() -> None:
    """After commit, the visitors' cached events list is rebuilt (a new version). Every write
    of an event calls it (these services and the back office's deletions)."""
    transaction.on_commit(EVENTS_LIST_VERSION.bump)


@transaction.atomic
def event_save(*, event: Event, changed_fields: Iterable[str] = (), changed_by=None) -> Event:
    """Save an event created or edited in the back office (or by the data loader).

    Side effects: when the date moved (the secretariat firmed it up or changed it) the
    calendar revision (``sequence``) grows, so subscribed calendars update the entry, and the
    active registrants are told the new date; when the event is newly cancelled they are told
    so; when places were added (or the limit removed) the waitlist moves up.
    """
    changed = set(changed_fields)
    creating = event.pk is None
    previous = None if creating else Event.objects.select_for_update().get(pk=event.pk)
    date_moved = not creating and bool(changed & set(DATE_FIELDS))
    if date_moved:
        event.sequence = previous.sequence + 1
    if not event.region and event.country:
        event.region = region_for_country(event.country.code)
    event.clean()
    event.save()
    events_list_changed()
    if creating:
        return event
    now = timezone.now()
    newly_cancelled = (
        previous.status != EventStatus.CANCELLED and event.status == EventStatus.CANCELLED
    )
    if newly_cancelled:
        notification_create_bulk(
            kind="events.event.cancelled",
            recipients=_bulk_registrants(event, ACTIVE_REGISTRATION),
            about=event,
            context=_event_context(event),
            idempotency_key=f"events-event-{event.pk}-cancelled-{now:%Y%m%d%H%M%S}",
        )
    elif date_moved and event.window_end > now:
        notification_create_bulk(
            kind="events.event.date_changed",
            recipients=_bulk_registrants(event, ACTIVE_REGISTRATION),
            about=event,
            context=_event_context(event),
            idempotency_key=f"events-event-{event.pk}-date-{event.sequence}",
        )
    if changed & {"capacity", "waitlist_enabled", "status", *DATE_FIELDS}:
        _promote(event, now)
    return event


@transaction.atomic
def event_set_registration(*, event: Event, mode: str, changed_by=None) -> Event:
    """Open or close registration (admin actions; ``events.change_event``). Closing keeps every
    registration."""
    require(changed_by, "events.change_event", event)
    event = _lock_event(event)
    if event.registration != mode:
        event.registration = mode
        event.save(update_fields=["registration", "updated_at"])
        events_list_changed()
    if mode == RegistrationMode.OPEN:
        _promote(event, timezone.now())
    return event


@transaction.atomic
def event_record_figures(
    *,
    event: Event,
    registered: int | None,
    participants: int | None,
    speakers: int | None,
    viewers: int | None,
    recorded_by=None,
) -> Event:
    """Record the figures after the event (registered, participants, speakers, viewers);
    ``events.change_event``."""
    require(recorded_by, "events.change_event", event)
    event = _lock_event(event)
    event.registered_count = registered
    event.participant_count = participants
    event.speaker_count = speakers
    event.viewer_count = viewers
    event.save(
        update_fields=[
            "registered_count",
            "participant_count",
            "speaker_count",
            "viewer_count",
            "updated_at",
        ]
    )
    events_list_changed()
    return event


@transaction.atomic
def event_message_registrants(
    *, event: Event, subject: str, message: str, statuses: Iterable[str], sent_by
) -> int:
    """E-mail the registrants of ``event`` in ``statuses`` through the outbox
    (``events.change_event``: the Secretariat, or the event's office).

    The same message sent twice (a double click, a retried request) goes once: its key is the
    hash of the subject and text. Returns how many notifications were created.
    """
    require(sent_by, "events.change_event", event)
    digest = hashlib.sha256(f"{subject}\n{message}".encode()).hexdigest()[:20]
    created = notification_create_bulk(
        kind="events.registrants.message",
        recipients=_bulk_registrants(event, statuses),
        about=event,
        context={**_event_context(event), "subject": subject, "message": message},
        idempotency_key=f"events-event-{event.pk}-message-{digest}",
    )
    logger.info("%s messaged %s registrants of event %s", sent_by, len(created), event.pk)
    return len(created)


# --- Reminders ---------------------------------------------------------------------------------

REMINDERS = (("day", "reminder_day_at"), ("hour", "reminder_hour_at"))


def event_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send the reminders that fell due: a day and an hour before each event. Exactly once.

    Run every few minutes by Celery beat. A reminder is due from its time until the next one
    (the day-before reminder until the hour-before one is due, that one until the start), so a
    late run still sends it and a person never gets both at once. Only registrations confirmed
    before the reminder's time get it (someone registering an hour ahead needs no reminder
    for tomorrow). Each reminder has an idempotency key per event, reminder, start time and
    registration: running twice, or on two beat nodes, sends nothing twice; a moved event is
    reminded again for its new time. Returns how many notifications were created.
    """
    now = now or timezone.now()
    created = 0
    for which, field in REMINDERS:
        due = Event.objects.filter(
            status=EventStatus.PUBLISHED,
            **{f"{field}__lte": now},
            window_start__gt=now,
        )
        if which == "day":
            due = due.filter(Q(reminder_hour_at__isnull=True) | Q(reminder_hour_at__gt=now))
        for event in due.order_by("window_start", "id"):
            reminder_at = getattr(event, field)
            with transaction.atomic():
                recipients = [
                    recipient
                    for recipient in _bulk_registrants(event, [RegistrationStatus.CONFIRMED])
                    if recipient.context["registration"].confirmed_at <= reminder_at
                ]
                if not recipients:
                    continue
                created += len(
                    notification_create_bulk(
                        kind="events.registration.reminder",
                        recipients=recipients,
                        about=event,
                        context={**_event_context(event), "which": which},
                        idempotency_key=(
                            f"events-reminder-{event.pk}-{which}-"
                            f"{event.window_start.astimezone(datetime.UTC):%Y%m%dT%H%M}"
                        ),
                        url=reverse("events:my_registrations"),
                    )
                )
    return created


# --- Personal calendar feed --------------------------------------------------------------------


@transaction.atomic
def calendar_feed_token_ensure(*, user) -> CalendarFeedToken:
    """The secret address of ``user``'s own calendar feed (created on first use)."""
    token, _created = CalendarFeedToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def calendar_feed_token_reset(*, user) -> CalendarFeedToken:
    """Replace the feed's secret: the old address stops working (e.g. after sharing it)."""
    CalendarFeedToken.objects.filter(user=user).delete()
    return CalendarFeedToken.objects.create(user=user)
