"""Reminders a day and an hour before, through the outbox, exactly once."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from events import services
from events.enums import DatePrecision, RegistrationStatus
from events.tasks import send_event_reminders_task
from notifications.models import Notification
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, EventRegistrationFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def start():
    return (timezone.now() + 3 * DAY).replace(microsecond=0)


@pytest.fixture
def event(start):
    return EventFactory(open_registration=True, starts_at=start, ends_at=start + 2 * HOUR)


def registered(event, *, email, before=2 * DAY, **fields):
    """A registration confirmed ``before`` the event starts."""
    moment = event.starts_at - before
    fields = {"requested_at": moment, "confirmed_at": moment, **fields}
    return EventRegistrationFactory(event=event, email=email, **fields)


def reminders():
    return sorted(
        Notification.objects.filter(kind="events.registration.reminder").values_list(
            "to_email", "subject"
        )
    )


def test_the_day_before_reminder_goes_once_even_when_the_task_runs_twice(
    event, start, django_capture_on_commit_callbacks, mailoutbox
):
    registered(event, email="a@x.test")
    registered(event, email="b@x.test", user=UserFactory(email="b@x.test"))
    now = start - DAY + datetime.timedelta(minutes=2)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.event_reminders_send(now=now)
        second = services.event_reminders_send(now=now + datetime.timedelta(minutes=5))

    assert (first, second) == (2, 0)
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("a@x.test", f"Tomorrow: {event.title}"),
        ("b@x.test", f"Tomorrow: {event.title}"),
    ]
    assert "/events/registrations/cancel/" in mailoutbox[0].body


def test_the_hour_before_reminder_follows_and_also_goes_once(event, start):
    registered(event, email="a@x.test")
    services.event_reminders_send(now=start - DAY)

    for minutes in (60, 55, 30):
        services.event_reminders_send(now=start - datetime.timedelta(minutes=minutes))

    assert reminders() == [
        ("a@x.test", f"Starting in an hour: {event.title}"),
        ("a@x.test", f"Tomorrow: {event.title}"),
    ]


def test_nothing_is_sent_before_a_reminder_is_due_or_after_the_start(event, start):
    registered(event, email="a@x.test")

    created = [
        services.event_reminders_send(now=start - DAY - HOUR),
        services.event_reminders_send(now=start + datetime.timedelta(minutes=1)),
    ]

    assert created == [0, 0]


def test_a_late_run_sends_only_the_reminder_now_due(event, start):
    """Beat was down for a day: the person gets the hour reminder, not both at once."""
    registered(event, email="a@x.test")

    services.event_reminders_send(now=start - datetime.timedelta(minutes=40))

    assert reminders() == [("a@x.test", f"Starting in an hour: {event.title}")]


def test_only_people_with_a_place_since_before_the_reminder_time_are_reminded(event, start):
    registered(event, email="early@x.test")
    registered(event, email="late@x.test", before=5 * HOUR)
    registered(
        event,
        email="waiting@x.test",
        status=RegistrationStatus.WAITLISTED,
        confirmed_at=None,
    )
    registered(event, email="gone@x.test", status=RegistrationStatus.CANCELLED)

    services.event_reminders_send(now=start - DAY + HOUR)

    assert reminders() == [("early@x.test", f"Tomorrow: {event.title}")]


def test_a_moved_event_is_reminded_again_for_its_new_time(event, start):
    registered(event, email="a@x.test", before=10 * DAY)
    services.event_reminders_send(now=start - DAY)
    event.starts_at = start + 2 * DAY
    event.ends_at = event.starts_at + HOUR
    services.event_save(event=event, changed_fields=["starts_at", "ends_at"])

    services.event_reminders_send(now=event.starts_at - DAY)

    assert reminders() == [
        ("a@x.test", f"Tomorrow: {event.title}"),
        ("a@x.test", f"Tomorrow: {event.title}"),
    ]


def test_an_event_with_a_day_but_no_time_is_reminded_at_nine_the_day_before():
    day = timezone.localdate() + 5 * DAY
    event = EventFactory(
        open_registration=True, date_precision=DatePrecision.DAY, starts_at=None, start_date=day
    )
    long_ago = timezone.now() - 10 * DAY
    EventRegistrationFactory(event=event, requested_at=long_ago, confirmed_at=long_ago)
    nine = datetime.datetime.combine(
        day - DAY, datetime.time(9), tzinfo=timezone.get_current_timezone()
    )

    assert event.reminder_day_at == nine
    assert event.reminder_hour_at is None
    assert services.event_reminders_send(now=nine - datetime.timedelta(minutes=1)) == 0
    assert services.event_reminders_send(now=nine) == 1


def test_imprecise_events_get_no_reminders():
    event = EventFactory(
        open_registration=True, date_precision="quarter", starts_at=None, year=2031, quarter=1
    )

    assert (event.reminder_day_at, event.reminder_hour_at) == (None, None)


def test_the_beat_schedule_runs_the_reminder_task_every_five_minutes(event, start):
    entry = settings.CELERY_BEAT_SCHEDULE["events-send-reminders"]

    assert entry == {"task": "events.tasks.send_event_reminders_task", "schedule": 300.0}
    assert send_event_reminders_task.name == entry["task"]
    assert send_event_reminders_task.delay().get() == 0


def test_a_reminder_carries_the_stop_sharing_link_only_to_those_who_share(
    event, start, django_capture_on_commit_callbacks, mailoutbox
):
    from privacy.services import consent_give
    from tests.factories.events import EventHostFactory

    EventHostFactory(event=event)
    sharing = registered(event, email="shares@x.test", email_confirmed_at=start - 2 * DAY)
    registered(event, email="private@x.test", email_confirmed_at=start - 2 * DAY)
    consent_give(purpose="share_with_host", subject=sharing)

    with django_capture_on_commit_callbacks(execute=True):
        services.event_reminders_send(now=start - DAY + datetime.timedelta(minutes=2))

    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert "/events/registrations/sharing/" in bodies["shares@x.test"]
    assert "/events/registrations/sharing/" not in bodies["private@x.test"]
