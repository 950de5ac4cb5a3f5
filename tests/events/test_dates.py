"""Dates at their real precision: windows, honest labels, sort order across precisions."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from events import dates
from events.enums import DatePrecision, When
from events.models import Event
from events.selectors import events_in_period, public_events
from tests.factories.events import EventFactory

SEOUL = ZoneInfo("Asia/Seoul")
BEFORE_2021 = datetime.datetime(2020, 12, 1, tzinfo=SEOUL)
AFTER_2021 = datetime.datetime(2022, 3, 1, tzinfo=SEOUL)


def imprecise(precision, **fields) -> Event:
    """An event of 2021 at ``precision`` (saved, so its window is computed)."""
    return EventFactory(date_precision=precision, starts_at=None, ends_at=None, **fields)


# --- Labels ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"date_precision": "quarter", "year": 2021, "quarter": 3}, "Q3 2021"),
        (
            {"date_precision": "quarter_span", "year": 2021, "quarter": 3, "quarter_end": 4},
            "Q3/Q4 2021",
        ),
        ({"date_precision": "year_round", "year": 2021}, "Year-round 2021"),
        ({"date_precision": "tbd", "year": 2021}, "2021, date to be decided"),
        ({"date_precision": "month", "start_date": datetime.date(2021, 6, 1)}, "June 2021"),
        (
            {
                "date_precision": "month",
                "start_date": datetime.date(2020, 7, 1),
                "end_date": datetime.date(2020, 12, 31),
            },
            "July – December 2020",
        ),
        ({"date_precision": "day", "start_date": datetime.date(2020, 8, 27)}, "27 August 2020"),
        (
            {
                "date_precision": "day",
                "start_date": datetime.date(2020, 9, 17),
                "end_date": datetime.date(2020, 9, 18),
            },
            "17–18 September 2020",
        ),
        (
            {
                "date_precision": "day",
                "start_date": datetime.date(2020, 11, 30),
                "end_date": datetime.date(2020, 12, 18),
            },
            "30 November – 18 December 2020",
        ),
    ],
)
def test_date_label_says_what_is_known_and_no_more(fields, label):
    event = EventFactory(starts_at=None, ends_at=None, **fields)

    assert event.date_label == label


@pytest.mark.django_db
def test_exact_date_is_shown_in_the_events_own_time_zone():
    event = EventFactory(
        timezone="America/Mexico_City",
        starts_at=datetime.datetime(2021, 10, 12, 16, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2021, 10, 12, 18, 30, tzinfo=datetime.UTC),
    )

    assert event.date_label == "Tuesday 12 October 2021, 11:00–13:30 (Mexico City time, UTC−5)"


@pytest.mark.django_db
def test_exact_date_over_several_days_names_both_days():
    event = EventFactory(
        timezone="Asia/Seoul",
        starts_at=datetime.datetime(2021, 9, 28, 9, 0, tzinfo=SEOUL),
        ends_at=datetime.datetime(2021, 9, 30, 17, 0, tzinfo=SEOUL),
    )

    assert event.date_label == (
        "Tuesday 28 September 2021, 09:00 – Thursday 30 September 2021, 17:00 (Seoul time, UTC+9)"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"date_precision": "quarter", "year": 2021, "quarter": 3},
            "Q3 2021 (date to be confirmed)",
        ),
        (
            {"date_precision": "quarter_span", "year": 2021, "quarter": 3, "quarter_end": 4},
            "Q3/Q4 2021 (date to be confirmed)",
        ),
        (
            {"date_precision": "month", "start_date": datetime.date(2021, 6, 1)},
            "June 2021 (date to be confirmed)",
        ),
        (
            {
                "date_precision": "month",
                "start_date": datetime.date(2021, 6, 1),
                "date_tentative": True,
            },
            "June 2021 (provisional date)",
        ),
        (
            {"date_precision": "day", "start_date": datetime.date(2021, 5, 4)},
            "4 May 2021 (time to be confirmed)",
        ),
        ({"date_precision": "year_round", "year": 2021}, "Year-round 2021"),
        ({"date_precision": "tbd", "year": 2021}, "2021, date to be decided"),
    ],
)
def test_an_upcoming_imprecise_date_says_it_is_to_be_confirmed(fields, expected):
    event = EventFactory(starts_at=None, ends_at=None, **fields)

    assert dates.date_display(event, now=BEFORE_2021) == expected


@pytest.mark.django_db
def test_a_past_imprecise_date_stands_alone():
    event = imprecise(DatePrecision.QUARTER, year=2021, quarter=3)

    assert dates.date_display(event, now=AFTER_2021) == "Q3 2021"


# --- Windows -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_quarter_window_runs_from_its_first_to_its_last_day_in_the_events_zone():
    event = imprecise(DatePrecision.QUARTER_SPAN, year=2021, quarter=3, quarter_end=4)

    assert event.window_start == datetime.datetime(2021, 7, 1, tzinfo=SEOUL)
    assert event.window_end == datetime.datetime(2022, 1, 1, tzinfo=SEOUL)
    assert (event.year, event.quarter, event.quarter_end) == (2021, 3, 4)


@pytest.mark.django_db
def test_a_month_is_stored_as_its_first_day_and_a_month_span_to_its_last():
    event = EventFactory(
        date_precision=DatePrecision.MONTH,
        starts_at=None,
        start_date=datetime.date(2020, 7, 15),
        end_date=datetime.date(2020, 12, 3),
    )

    assert (event.start_date, event.end_date) == (
        datetime.date(2020, 7, 1),
        datetime.date(2020, 12, 31),
    )
    assert (event.year, event.quarter) == (2020, 3)
    assert event.window_end == datetime.datetime(2021, 1, 1, tzinfo=SEOUL)


@pytest.mark.django_db
def test_firming_up_a_date_clears_what_the_precision_no_longer_uses():
    event = imprecise(DatePrecision.QUARTER_SPAN, year=2021, quarter=3, quarter_end=4)

    event.date_precision = DatePrecision.EXACT
    event.starts_at = datetime.datetime(2021, 9, 28, 9, 0, tzinfo=SEOUL)
    event.save()
    event.refresh_from_db()

    assert (event.year, event.quarter, event.quarter_end) == (2021, 3, None)
    assert event.window_start == datetime.datetime(2021, 9, 28, 9, 0, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date_precision": "exact", "starts_at": None}, "starts_at"),
        ({"date_precision": "month", "start_date": None}, "start_date"),
        ({"date_precision": "quarter", "year": 2021, "quarter": None}, "quarter"),
        (
            {"date_precision": "quarter_span", "year": 2021, "quarter": 3, "quarter_end": 3},
            "quarter_end",
        ),
        (
            {
                "date_precision": "day",
                "start_date": datetime.date(2021, 5, 4),
                "end_date": datetime.date(2021, 5, 3),
            },
            "end_date",
        ),
    ],
)
def test_clean_refuses_a_date_that_does_not_fit_its_precision(fields, field):
    event = Event(title="Planned", slug="planned", kind="webinar", **fields)

    with pytest.raises(ValidationError) as caught:
        event.clean()

    assert list(caught.value.message_dict) == [field]


# --- Sorting -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_of_every_precision_sort_in_calendar_order():
    exact = EventFactory(
        title="Exact 1 July", starts_at=datetime.datetime(2021, 7, 1, 10, tzinfo=SEOUL)
    )
    day = EventFactory(
        title="Day 15 July",
        date_precision="day",
        starts_at=None,
        start_date=datetime.date(2021, 7, 15),
    )
    quarter = imprecise(DatePrecision.QUARTER, title="Q3", year=2021, quarter=3)
    span = imprecise(DatePrecision.QUARTER_SPAN, title="Q3/Q4", year=2021, quarter=3, quarter_end=4)
    june = EventFactory(
        title="June", date_precision="month", starts_at=None, start_date=datetime.date(2021, 6, 1)
    )
    august = EventFactory(
        title="August", date_precision="month", starts_at=None, start_date=datetime.date(2021, 8, 1)
    )
    year_round = imprecise(DatePrecision.YEAR_ROUND, title="Year-round", year=2021)
    tbd = imprecise(DatePrecision.TBD, title="TBD", year=2021)
    q1_2022 = imprecise(DatePrecision.QUARTER, title="Q1 2022", year=2022, quarter=1)

    upcoming = list(events_in_period(public_events(), When.UPCOMING, now=BEFORE_2021))
    past = list(
        events_in_period(public_events(), When.PAST, now=AFTER_2021 + datetime.timedelta(days=400))
    )

    # First moment it may happen; on a tie the more precise first; year-only at the year's end.
    assert upcoming == [june, exact, quarter, span, day, august, year_round, tbd, q1_2022]
    assert past == [q1_2022, year_round, tbd, august, day, exact, quarter, span, june]


@pytest.mark.django_db
def test_an_ongoing_event_is_still_upcoming_and_moves_to_the_archive_when_over():
    quarter = imprecise(DatePrecision.QUARTER, year=2021, quarter=3)
    during = datetime.datetime(2021, 8, 15, tzinfo=SEOUL)
    after = datetime.datetime(2021, 10, 1, tzinfo=SEOUL)

    assert list(events_in_period(public_events(), When.UPCOMING, now=during)) == [quarter]
    assert list(events_in_period(public_events(), When.PAST, now=after)) == [quarter]
