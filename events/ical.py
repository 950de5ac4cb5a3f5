"""Calendar files (RFC 5545) with the ``icalendar`` library: one event, feeds, a personal feed.

Which events go in: those whose **day is known**. An exact event is a timed entry in its own
time zone (with the VTIMEZONE it needs); a day or span of days is an all-day entry
(``DTSTART;VALUE=DATE``, ``DTEND`` the day after the last, as RFC 5545 wants). Events known
only to the month, quarter or year are **left out**: a calendar entry must sit on a day, and
placing one on the 1st would announce a date nobody announced. They appear in a feed as soon
as the secretariat firms up the day; the entry's ``SEQUENCE`` grows whenever the date changes,
so calendar clients update what they already show. A provisional date is ``STATUS:TENTATIVE``;
a cancelled event stays in the feed as ``STATUS:CANCELLED`` so subscribers see it go.
"""

import datetime
import unicodedata
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import dates
from .enums import DatePrecision, EventStatus
from .links import absolute_url
from .models import Event

PRODID = "-//WeGO//WeGO Portal events//EN"
#: How often subscribed calendars should fetch the feed again.
REFRESH = datetime.timedelta(hours=6)
UID_DOMAIN = "events.wego-portal"


def text(value: object) -> icalendar.vText:
    """``value`` as an RFC 5545 TEXT value: line breaks escaped, other control characters dropped.

    TEXT may not hold control characters other than tab (RFC 5545 3.3.11); ``icalendar``
    escapes line breaks but lets the rest through, so they are removed here, whatever their
    source (an editor's paste, a filter value in the URL).
    """
    cleaned = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return icalendar.vText(
        "".join(
            char
            for char in cleaned
            if char in "\t\n" or unicodedata.category(char) not in ("Cc", "Cs")
        )
    )


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{UID_DOMAIN}"


def _description(event: Event) -> str:
    parts = [event.summary or event.theme, event.host_text and _("Host: %s") % event.host_text]
    parts.append(absolute_url(event.get_absolute_url()))
    return "\n\n".join(p for p in parts if p)


def vevent(event: Event, *, summary_prefix: str = "") -> icalendar.Event:
    """The VEVENT of an event with a known day (exact or day precision)."""
    if not event.has_day:
        raise ValueError("Only events with a known day go into a calendar.")
    entry = icalendar.Event()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    entry.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    entry.add("sequence", event.sequence)
    entry.add("summary", text(f"{summary_prefix}{event.title}"))
    if event.date_precision == DatePrecision.EXACT:
        zone = dates.zone_for(event.timezone)
        entry.add("dtstart", event.starts_at.astimezone(zone))
        if event.ends_at and event.ends_at > event.starts_at:
            entry.add("dtend", event.ends_at.astimezone(zone))
    else:
        last = event.end_date or event.start_date
        entry.add("dtstart", event.start_date)
        entry.add("dtend", last + datetime.timedelta(days=1))
        entry.add("transp", "TRANSPARENT")  # an all-day entry should not block the agenda
    entry.add("description", text(_description(event)))
    entry.add("url", absolute_url(event.get_absolute_url()))
    entry.add("location", text(event.place_label))
    entry.add("categories", [text(event.get_kind_display())])
    if event.status == EventStatus.CANCELLED:
        entry.add("status", "CANCELLED")
    elif event.date_tentative:
        entry.add("status", "TENTATIVE")
    else:
        entry.add("status", "CONFIRMED")
    return entry


def calendar(
    entries: Iterable[icalendar.Event], *, name: str, description: str = "", feed: bool = True
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", text(name))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    if description:
        cal.add("x-wr-caldesc", text(description))
    if feed:
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for entry in entries:
        cal.add_component(entry)
    cal.add_missing_timezones()
    return cal.to_ical()


def event_calendar(event: Event) -> bytes:
    """A single event's "add to calendar" file."""
    return calendar([vevent(event)], name=event.title, feed=False)


FEED_NOTE = gettext_lazy(
    "Events whose day is not fixed yet (only a month, quarter or year is known) are listed on "
    "the WeGO Portal and join this calendar once their day is set."
)


def feed_calendar(events: Iterable[Event], *, name: str) -> bytes:
    return calendar((vevent(event) for event in events), name=name, description=str(FEED_NOTE))


def personal_calendar(registrations, *, name: str) -> bytes:
    from .enums import RegistrationStatus

    entries = []
    for registration in registrations:
        prefix = _("[Waitlist] ") if registration.status == RegistrationStatus.WAITLISTED else ""
        entries.append(vevent(registration.event, summary_prefix=prefix))
    return calendar(entries, name=name, description=str(FEED_NOTE))
