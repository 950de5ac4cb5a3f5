"""Event dates at their real precision: the time window, the sort key and the honest label.

An event is known to a precision (``DatePrecision``): an exact start (and end) time in a time
zone, a day or span of days, a month or span of months, a quarter ("Q3 2021"), a span of
quarters ("Q3/Q4 2021"), year-round, or only its year ("to be decided").

From what is known, every event gets a **window**: the first moment it may happen and the
moment it is surely over (exclusive), computed in the event's time zone. The window decides
whether an event is upcoming (not over yet) or past, and gives the **sort key**:

- an event sorts at the first day it may happen ("Q3 2021" on 1 July 2021, "June 2021" on
  1 June 2021), so lists read in calendar order whatever the precision;
- events known only by their year (year-round, to be decided) sort after everything dated
  within that year: they would otherwise crowd the top of every list;
- on the same day the more precise date comes first (a workshop at 10:00 on 1 July before
  "Q3 2021", which before "Q3/Q4 2021"), then the earlier start time.

Labels never claim more than is known: "Q3 2021 (date to be confirmed)", "June 2021",
"17–18 September 2020", "Tuesday 12 October 2021, 14:00–16:00 (Seoul time, UTC+9)".
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .enums import PRECISION_RANK, DatePrecision

#: Precisions whose label is a promise to confirm the day later (while the event is ahead).
TO_BE_CONFIRMED = {
    DatePrecision.MONTH,
    DatePrecision.QUARTER,
    DatePrecision.QUARTER_SPAN,
    DatePrecision.TBD,
}


@dataclass(frozen=True)
class DateWindow:
    start: datetime.datetime  # aware, inclusive
    end: datetime.datetime  # aware, exclusive
    sort_at: datetime.datetime
    rank: int


def zone_for(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_first_day(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


def next_quarter_first_day(year: int, quarter: int) -> datetime.date:
    return datetime.date(year + 1, 1, 1) if quarter == 4 else quarter_first_day(year, quarter + 1)


def month_first_day(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month_first_day(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_last_day(day: datetime.date) -> datetime.date:
    return next_month_first_day(day) - datetime.timedelta(days=1)


def _midnight(day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def compute_window(event) -> DateWindow:
    """The window of ``event`` (any object with the Event's date fields), already validated."""
    precision = event.date_precision
    zone = zone_for(event.timezone)
    if precision == DatePrecision.EXACT:
        start = event.starts_at
        end = event.ends_at if event.ends_at and event.ends_at > start else start
        # A zero-length window would make a started event "past" at once: an event with no
        # end time counts as running until the end of its day.
        if end == start:
            end = _midnight(start.astimezone(zone).date() + datetime.timedelta(days=1), zone)
    elif precision == DatePrecision.DAY:
        start = _midnight(event.start_date, zone)
        end = _midnight((event.end_date or event.start_date) + datetime.timedelta(days=1), zone)
    elif precision == DatePrecision.MONTH:
        start = _midnight(month_first_day(event.start_date), zone)
        end = _midnight(next_month_first_day(event.end_date or event.start_date), zone)
    elif precision in (DatePrecision.QUARTER, DatePrecision.QUARTER_SPAN):
        last = event.quarter_end if precision == DatePrecision.QUARTER_SPAN else event.quarter
        start = _midnight(quarter_first_day(event.year, event.quarter), zone)
        end = _midnight(next_quarter_first_day(event.year, last), zone)
    else:  # year-round, to be decided
        start = _midnight(datetime.date(event.year, 1, 1), zone)
        end = _midnight(datetime.date(event.year + 1, 1, 1), zone)
    if precision in (DatePrecision.YEAR_ROUND, DatePrecision.TBD):
        sort_at = end - datetime.timedelta(seconds=1)  # after all else that year
    else:
        # Sort by day first: an exact time sorts with its day (ties go to the more precise).
        sort_at = _midnight(start.astimezone(zone).date(), zone)
    return DateWindow(start=start, end=end, sort_at=sort_at, rank=PRECISION_RANK[precision])


# --- Labels ------------------------------------------------------------------------------------


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _compact_ranges() -> bool:
    """English shortens ranges ("5–7 August 2020"); other languages repeat the full dates in
    their own style, whose day, month and year order differs."""
    return (get_language() or "en").startswith("en")


def _day_span(first: datetime.date, last: datetime.date) -> str:
    if first == last:
        return _day(first)
    if not _compact_ranges():
        return f"{_day(first)} – {_day(last)}"
    if first.year == last.year and first.month == last.month:
        return f"{date_format(first, 'j')}–{_day(last)}"
    if first.year == last.year:
        return f"{date_format(first, 'j F')} – {_day(last)}"
    return f"{_day(first)} – {_day(last)}"


def _month_span(first: datetime.date, last: datetime.date) -> str:
    if (first.year, first.month) == (last.year, last.month):
        return date_format(first, "YEAR_MONTH_FORMAT")
    if not _compact_ranges():
        return (
            f"{date_format(first, 'YEAR_MONTH_FORMAT')} – {date_format(last, 'YEAR_MONTH_FORMAT')}"
        )
    if first.year == last.year:
        return f"{date_format(first, 'F')} – {date_format(last, 'F Y')}"
    return f"{date_format(first, 'F Y')} – {date_format(last, 'F Y')}"


def zone_label(zone: ZoneInfo, moment: datetime.datetime) -> str:
    """ "Seoul time, UTC+9": the zone's city and its offset at ``moment``."""
    key = zone.key
    place = key.rsplit("/", 1)[-1].replace("_", " ") if "/" in key else key
    offset = moment.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    if place in ("UTC", "GMT"):
        return utc
    return _("%(place)s time, %(offset)s") % {"place": place, "offset": utc}


def exact_label(starts_at, ends_at, zone: ZoneInfo) -> str:
    start = starts_at.astimezone(zone)
    text = f"{date_format(start, 'l')} {_day(start)}, {time_format(start, 'H:i')}"
    if ends_at and ends_at > starts_at:
        end = ends_at.astimezone(zone)
        if end.date() == start.date():
            text += f"–{time_format(end, 'H:i')}"
        else:
            text += f" – {date_format(end, 'l')} {_day(end)}, {time_format(end, 'H:i')}"
    return f"{text} ({zone_label(zone, start)})"


def date_label(event) -> str:
    """What is known of the date, without qualifier: "Q3 2021", "June 2021", "27 August 2020"."""
    precision = event.date_precision
    if precision == DatePrecision.EXACT:
        return exact_label(event.starts_at, event.ends_at, zone_for(event.timezone))
    if precision == DatePrecision.DAY:
        return _day_span(event.start_date, event.end_date or event.start_date)
    if precision == DatePrecision.MONTH:
        return _month_span(event.start_date, event.end_date or event.start_date)
    if precision == DatePrecision.QUARTER:
        return _("Q%(quarter)s %(year)s") % {"quarter": event.quarter, "year": event.year}
    if precision == DatePrecision.QUARTER_SPAN:
        return _("Q%(first)s/Q%(last)s %(year)s") % {
            "first": event.quarter,
            "last": event.quarter_end,
            "year": event.year,
        }
    if precision == DatePrecision.YEAR_ROUND:
        return _("Year-round %(year)s") % {"year": event.year}
    return _("%(year)s, date to be decided") % {"year": event.year}


def date_qualifier(event, now: datetime.datetime | None = None) -> str:
    """The honest caveat, shown in brackets after the label ("" when there is none).

    Ahead of the event, an imprecise date is "to be confirmed" and a day without a time has
    its "time to be confirmed"; a date the secretariat marked provisional says so. Once the
    event is over, the label stands alone: "November 2020" is all the record says.
    """
    now = now or timezone.now()
    over = event.window_end is not None and event.window_end <= now
    if event.date_precision == DatePrecision.TBD:
        return ""  # the label already says it
    if over:
        return ""
    if event.date_tentative:
        return _("provisional date")
    if event.date_precision in TO_BE_CONFIRMED:
        return _("date to be confirmed")
    if event.date_precision == DatePrecision.DAY:
        return _("time to be confirmed")
    return ""


def date_display(event, now: datetime.datetime | None = None) -> str:
    label = date_label(event)
    qualifier = date_qualifier(event, now)
    return f"{label} ({qualifier})" if qualifier else label
