"""Calendar files: parsed back with ``icalendar`` and checked against RFC 5545's rules."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.enums import RegistrationStatus
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, EventRegistrationFactory, in_days

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
FEED = reverse("events:feed")


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    check_rfc5545(calendar)
    return calendar


def check_rfc5545(calendar: icalendar.Calendar) -> None:
    """The properties RFC 5545 requires, and consistency of date and date-time values."""
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//WeGO//WeGO Portal events//EN"
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    for entry in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert required in entry, required
        start = entry.decoded("DTSTART")
        if "DTEND" in entry:
            end = entry.decoded("DTEND")
            assert type(start) is type(end)
            assert end > start
        if isinstance(start, datetime.datetime):
            tzid = entry["DTSTART"].params.get("TZID")
            assert tzid in zones, f"VTIMEZONE missing for {tzid}"


def summaries(calendar) -> list[str]:
    return [str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")]


def test_a_single_event_file_holds_its_exact_time_in_its_own_time_zone(client):
    event = EventFactory(
        title="EXCOM 2031",
        slug="excom-2031",
        timezone="Europe/Moscow",
        starts_at=datetime.datetime(2031, 11, 17, 7, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2031, 11, 17, 13, 0, tzinfo=datetime.UTC),
        host_text="Moscow City Government",
    )

    response = client.get(reverse("events:event_ics", args=[event.slug]))

    calendar = parse(response)
    (entry,) = calendar.walk("VEVENT")
    assert response["Content-Disposition"] == 'attachment; filename="excom-2031.ics"'
    assert str(entry["UID"]) == f"event-{event.pk}@events.wego-portal"
    assert entry.decoded("DTSTART") == event.starts_at
    assert entry["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert entry.decoded("DTSTART").hour == 10
    assert entry.decoded("DTEND") == event.ends_at
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert entry.decoded("SEQUENCE") == 0
    assert str(entry["URL"]) == "http://testserver/events/excom-2031/"
    assert "Host: Moscow City Government" in str(entry["DESCRIPTION"])
    assert str(entry["LOCATION"]) == "Online"


def test_a_day_without_time_is_an_all_day_entry_ending_the_day_after(client):
    event = EventFactory(
        date_precision="day",
        starts_at=None,
        start_date=datetime.date(2031, 9, 21),
        end_date=datetime.date(2031, 9, 27),
    )

    (entry,) = parse(client.get(reverse("events:event_ics", args=[event.slug]))).walk("VEVENT")

    assert entry.decoded("DTSTART") == datetime.date(2031, 9, 21)
    assert entry.decoded("DTEND") == datetime.date(2031, 9, 28)
    assert entry["DTSTART"].params["VALUE"] == "DATE"
    assert str(entry["TRANSP"]) == "TRANSPARENT"


@pytest.mark.parametrize(
    "fields",
    [
        {"date_precision": "month", "start_date": datetime.date(2031, 6, 1)},
        {"date_precision": "quarter", "year": 2031, "quarter": 3},
        {"date_precision": "quarter_span", "year": 2031, "quarter": 3, "quarter_end": 4},
        {"date_precision": "year_round", "year": 2031},
        {"date_precision": "tbd", "year": 2031},
    ],
)
def test_an_event_without_a_known_day_has_no_calendar_file(client, fields):
    event = EventFactory(starts_at=None, **fields)

    response = client.get(reverse("events:event_ics", args=[event.slug]))

    assert response.status_code == 404


def test_the_feed_carries_events_with_a_known_day_and_leaves_the_others_out(client):
    EventFactory(title="Exact", starts_at=in_days(5))
    EventFactory(title="Day", date_precision="day", starts_at=None, start_date=in_days(6).date())
    EventFactory(
        title="Month", date_precision="month", starts_at=None, start_date=in_days(40).date()
    )
    EventFactory(title="Quarter", date_precision="quarter", starts_at=None, year=2031, quarter=2)
    EventFactory(title="Year-round", date_precision="year_round", starts_at=None, year=2031)
    EventFactory(title="Draft", starts_at=in_days(5), status="draft")
    EventFactory(title="Long past", starts_at=in_days(-60))
    EventFactory(title="Just past", starts_at=in_days(-3))

    calendar = parse(client.get(FEED))

    assert summaries(calendar) == ["Just past", "Exact", "Day"]
    assert "REFRESH-INTERVAL" in calendar
    assert b"X-PUBLISHED-TTL:PT6H" in client.get(FEED).content
    assert "not fixed yet" in str(calendar["X-WR-CALDESC"])


def test_the_feed_filters_by_kind_and_program(client):
    EventFactory(title="Webinar", kind="webinar", program="smart_health_responder")
    EventFactory(title="Workshop", kind="workshop", program="smart_city_driver")
    EventFactory(title="Training", kind="training")

    by_kind = parse(client.get(FEED, {"kind": ["webinar", "training"]}))
    by_program = parse(client.get(FEED, {"program": "smart_city_driver"}))

    assert summaries(by_kind) == ["Training", "Webinar"]  # same start: by title
    assert summaries(by_program) == ["Workshop"]
    assert str(by_program["X-WR-CALNAME"]) == "WeGO events – Smart City Driver"


def test_cancelled_and_provisional_events_say_so(client):
    EventFactory(title="Cancelled", status="cancelled")
    EventFactory(title="Provisional", date_tentative=True)

    calendar = parse(client.get(FEED))

    assert {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")} == {
        "Cancelled": "CANCELLED",
        "Provisional": "TENTATIVE",
    }


def test_firming_up_a_date_puts_the_event_in_the_feed_with_a_higher_sequence(client):
    event = EventFactory(
        title="General Assembly", date_precision="quarter", starts_at=None, year=2031, quarter=3
    )
    assert summaries(parse(client.get(FEED))) == []

    event.date_precision = "exact"
    event.starts_at = datetime.datetime(2031, 9, 28, 9, tzinfo=SEOUL)
    services.event_save(event=event, changed_fields=["date_precision", "starts_at"])

    (entry,) = parse(client.get(FEED)).walk("VEVENT")
    assert entry.decoded("SEQUENCE") == 1
    assert entry.decoded("DTSTART") == datetime.datetime(2031, 9, 28, 9, tzinfo=SEOUL)


def test_the_personal_feed_shows_my_registrations_behind_a_secret_address(client, member):
    mine = EventFactory(title="Mine", open_registration=True)
    waiting = EventFactory(title="Waiting", open_registration=True)
    dropped = EventFactory(title="Dropped", open_registration=True)
    undated = EventFactory(
        title="Undated", date_precision="quarter", starts_at=None, year=2031, quarter=2
    )
    someone_elses = EventFactory(title="Someone else's")
    EventRegistrationFactory(event=mine, user=member, email=member.email)
    EventRegistrationFactory(
        event=waiting, user=member, email=member.email, status=RegistrationStatus.WAITLISTED
    )
    EventRegistrationFactory(
        event=dropped, user=member, email=member.email, status=RegistrationStatus.CANCELLED
    )
    EventRegistrationFactory(event=undated, user=member, email=member.email)
    EventRegistrationFactory(event=someone_elses, user=UserFactory())
    token = services.calendar_feed_token_ensure(user=member).token

    response = client.get(reverse("events:personal_feed", args=[token]))

    assert sorted(summaries(parse(response))) == ["Mine", "[Waitlist] Waiting"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_replaced_personal_address_stops_working(client, member):
    old = services.calendar_feed_token_ensure(user=member).token

    new = services.calendar_feed_token_reset(user=member).token

    assert client.get(reverse("events:personal_feed", args=[old])).status_code == 404
    assert client.get(reverse("events:personal_feed", args=[new])).status_code == 200
    assert new != old


def test_dtstamp_is_utc(client):
    event = EventFactory()

    (entry,) = parse(client.get(reverse("events:event_ics", args=[event.slug]))).walk("VEVENT")

    stamp = entry.decoded("DTSTAMP")
    assert stamp.utcoffset() == datetime.timedelta(0)
    assert abs(stamp - timezone.now()) < datetime.timedelta(minutes=1)
