"""WeGO's events: the calendar at its real date precision, hosts, speakers, registrations."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from members.enums import Region
from wego_portal.db import choices_check
from wego_portal.links import slug_url

from .. import dates
from ..enums import (
    FEED_PRECISIONS,
    Attendance,
    Audience,
    DatePrecision,
    EventKind,
    EventProgram,
    EventStatus,
    RegistrationMode,
    RegistrationState,
)

#: Paths under /events/ that an event slug must not take.
RESERVED_SLUGS = {"calendar", "calendar.ics", "feeds", "registrations", "register", "my", "month"}


def timezone_choices() -> list[tuple[str, str]]:
    return sorted((name, name.replace("_", " ")) for name in zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(name)s” is not a known time zone."), params={"name": value})


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved; choose another."), params={"slug": value})


#: The date fields, and those derived from them: a change to these "moves" the event.
DATE_FIELDS = (
    "date_precision",
    "starts_at",
    "ends_at",
    "start_date",
    "end_date",
    "year",
    "quarter",
    "quarter_end",
    "timezone",
    "date_tentative",
)


class Event(models.Model):
    """An event of WeGO's calendar, or an external one WeGO takes part in.

    Dates are stored at their real precision (see ``events.dates``); ``window_start``,
    ``window_end``, ``sort_at`` and ``sort_rank`` are derived on save and serve lists, filters
    and feeds. Registration settings live here; registrations are ``EventRegistration`` rows.
    """

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, validators=[validate_slug_not_reserved]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    program = models.CharField(
        _("program"), max_length=40, choices=EventProgram.choices, blank=True
    )
    theme = models.CharField(_("theme"), max_length=250, blank=True)
    summary = models.TextField(
        _("summary"), max_length=600, blank=True, help_text=_("One or two sentences for lists.")
    )
    description = models.TextField(_("description"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)

    # Where
    attendance = models.CharField(
        _("online or in person"),
        max_length=20,
        choices=Attendance.choices,
        default=Attendance.TO_BE_CONFIRMED,
    )
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    region = models.CharField(
        _("WeGO region"),
        max_length=20,
        choices=Region.choices,
        blank=True,
        help_text=_("Filled from the country when left empty."),
    )
    join_url = models.URLField(
        _("online meeting link"),
        blank=True,
        help_text=_("Sent to confirmed registrants only; never shown on the public page."),
    )
    office = models.ForeignKey(
        "members.Office",
        verbose_name=_("organizing WeGO office"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    host_text = models.CharField(
        _("host (as announced)"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Moscow City Government”. Link member hosts below."),
    )
    hosts = models.ManyToManyField(
        "members.Organization",
        through="EventHost",
        verbose_name=_("host organizations"),
        related_name="hosted_events",
        blank=True,
    )

    # When (see events.dates)
    date_precision = models.CharField(
        _("date precision"), max_length=20, choices=DatePrecision.choices
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    start_date = models.DateField(
        _("first day"),
        null=True,
        blank=True,
        help_text=_("For a day, or a month (any day of the month)."),
    )
    end_date = models.DateField(
        _("last day"),
        null=True,
        blank=True,
        help_text=_("For a span of days or of months (any day of the last month)."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        blank=True,
        help_text=_("For a quarter, year-round or a date to be decided; else from the date."),
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, choices=[(q, f"Q{q}") for q in range(1, 5)]
    )
    quarter_end = models.PositiveSmallIntegerField(
        _("last quarter"), null=True, blank=True, choices=[(q, f"Q{q}") for q in range(1, 5)]
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_timezone],
        help_text=_("The event's local time zone; exact times are entered and shown in it."),
    )
    date_tentative = models.BooleanField(
        _("provisional date"),
        default=False,
        help_text=_("The announced date may still change."),
    )
    window_start = models.DateTimeField(editable=False)
    window_end = models.DateTimeField(editable=False)
    sort_at = models.DateTimeField(editable=False)
    sort_rank = models.PositiveSmallIntegerField(editable=False, default=0)
    reminder_day_at = models.DateTimeField(editable=False, null=True)
    reminder_hour_at = models.DateTimeField(editable=False, null=True)
    sequence = models.PositiveIntegerField(
        _("revision of the date"),
        default=0,
        editable=False,
        help_text=_("Calendar clients update an entry when this grows."),
    )

    # Figures recorded after the event
    registered_count = models.PositiveIntegerField(_("registered"), null=True, blank=True)
    participant_count = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    speaker_count = models.PositiveIntegerField(_("speakers"), null=True, blank=True)
    viewer_count = models.PositiveIntegerField(_("broadcast viewers"), null=True, blank=True)

    # Registration
    registration = models.CharField(
        _("registration"),
        max_length=10,
        choices=RegistrationMode.choices,
        default=RegistrationMode.NONE,
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: at once.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: when the event starts (or, without a day, when it is over)."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    audience = models.CharField(
        _("who may register"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    waitlist_enabled = models.BooleanField(
        _("waitlist when full"),
        default=True,
        help_text=_("Later registrations wait for a place and move up first come, first served."),
    )

    source_notes = models.TextField(
        _("secretariat notes"), blank=True, help_text=_("Sources and doubts; never public.")
    )
    # NULL for events made in the back office: unique among loaded rows only.
    import_key = models.CharField(  # noqa: DJ001
        max_length=200, unique=True, null=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["sort_at", "sort_rank", "window_start", "title", "id"]
        constraints = [
            choices_check("status", EventStatus),
            choices_check("kind", EventKind),
            choices_check("program", EventProgram, allow_blank=True),
            choices_check("attendance", Attendance),
            choices_check("date_precision", DatePrecision),
            choices_check("registration", RegistrationMode),
            choices_check("audience", Audience),
            choices_check("region", Region, allow_blank=True),
            models.CheckConstraint(
                condition=~Q(date_precision=DatePrecision.EXACT) | Q(starts_at__isnull=False),
                name="events_event_exact_has_start",
            ),
            models.CheckConstraint(
                condition=~Q(date_precision__in=[DatePrecision.DAY, DatePrecision.MONTH])
                | Q(start_date__isnull=False),
                name="events_event_day_or_month_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(date_precision__in=[DatePrecision.QUARTER, DatePrecision.QUARTER_SPAN])
                | Q(quarter__isnull=False),
                name="events_event_quarter_has_quarter",
            ),
            models.CheckConstraint(
                condition=~Q(date_precision=DatePrecision.QUARTER_SPAN)
                | Q(quarter_end__gt=models.F("quarter")),
                name="events_event_quarter_span_ordered",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")),
                name="events_event_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "window_end"], name="events_event_upcoming"),
            models.Index(
                fields=["sort_at", "sort_rank", "window_start", "title", "id"],
                name="events_event_sort",
            ),
            # The past events, latest first (selectors.PAST_ORDER): a page reads its rows in
            # this order from the present moment back.
            models.Index(
                models.F("sort_at").desc(),
                "sort_rank",
                models.F("window_start").desc(),
                "title",
                "id",
                name="events_event_past",
            ),
            models.Index(fields=["kind", "year"], name="events_event_kind_year"),
            models.Index(
                fields=["reminder_day_at"],
                condition=Q(reminder_day_at__isnull=False),
                name="events_event_reminder_day",
            ),
            models.Index(
                fields=["reminder_hour_at"],
                condition=Q(reminder_hour_at__isnull=False),
                name="events_event_reminder_hour",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.normalize_dates()
        self.refresh_window()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "window_start",
                "window_end",
                "sort_at",
                "sort_rank",
                "reminder_day_at",
                "reminder_hour_at",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_url("events:detail", self.slug)

    # --- Dates ---------------------------------------------------------------------------------

    def clean(self) -> None:
        super().clean()
        errors = date_errors(self)
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors.setdefault("registration_closes_at", []).append(
                _("Registration must close after it opens.")
            )
        if errors:
            raise ValidationError(errors)

    def normalize_dates(self) -> None:
        """Keep only the date fields the precision uses, and derive year and quarter.

        Call it on validated data (``clean()``): the fields the precision needs are present.
        """
        precision = self.date_precision
        if precision != DatePrecision.EXACT:
            self.starts_at = self.ends_at = None
        if precision not in (DatePrecision.DAY, DatePrecision.MONTH):
            self.start_date = self.end_date = None
        if precision == DatePrecision.EXACT:
            local = self.starts_at.astimezone(dates.zone_for(self.timezone)).date()
            self.year, self.quarter = local.year, dates.quarter_of(local)
        elif precision in (DatePrecision.DAY, DatePrecision.MONTH):
            if precision == DatePrecision.MONTH:
                self.start_date = dates.month_first_day(self.start_date)
                if self.end_date:
                    self.end_date = dates.month_last_day(self.end_date)
            if self.end_date == self.start_date and precision == DatePrecision.MONTH:
                self.end_date = None
            self.year, self.quarter = self.start_date.year, dates.quarter_of(self.start_date)
        elif precision in (DatePrecision.YEAR_ROUND, DatePrecision.TBD):
            self.quarter = None
        if precision != DatePrecision.QUARTER_SPAN:
            self.quarter_end = None

    def refresh_window(self) -> None:
        window = dates.compute_window(self)
        self.window_start, self.window_end = window.start, window.end
        self.sort_at, self.sort_rank = window.sort_at, window.rank
        self.reminder_day_at, self.reminder_hour_at = reminder_times(self)

    @property
    def date_label(self) -> str:
        return dates.date_label(self)

    @property
    def date_qualifier(self) -> str:
        return dates.date_qualifier(self)

    @property
    def date_display(self) -> str:
        return dates.date_display(self)

    @property
    def has_day(self) -> bool:
        """Whether the day is known: the event can go into a calendar."""
        return self.date_precision in FEED_PRECISIONS

    @property
    def is_past(self) -> bool:
        return self.window_end <= timezone.now()

    @property
    def is_public(self) -> bool:
        return self.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED)

    @property
    def place_label(self) -> str:
        if self.attendance == Attendance.ONLINE:
            return str(_("Online"))
        parts = [self.venue, self.city, self.country.name if self.country else ""]
        place = ", ".join(p for p in parts if p)
        if self.attendance == Attendance.HYBRID:
            return f"{place} {_('and online')}" if place else str(_("In person and online"))
        return place or str(_("Place to be confirmed"))

    @property
    def has_figures(self) -> bool:
        return any(
            value is not None
            for value in (
                self.registered_count,
                self.participant_count,
                self.speaker_count,
                self.viewer_count,
            )
        )

    # --- Registration --------------------------------------------------------------------------

    @property
    def registration_deadline(self) -> datetime.datetime:
        """When registration closes: as set, or at the start (at the end without a day)."""
        if self.registration_closes_at:
            return self.registration_closes_at
        return self.window_start if self.has_day else self.window_end

    def registration_state(
        self, *, confirmed: int, waiting: int, now: datetime.datetime | None = None
    ) -> str:
        """What the registration box says, given the counts of taken and awaited places."""
        now = now or timezone.now()
        if self.status == EventStatus.CANCELLED:
            return RegistrationState.EVENT_CANCELLED
        if self.registration == RegistrationMode.NONE:
            return RegistrationState.NOT_OFFERED
        if self.registration == RegistrationMode.CLOSED or now >= self.registration_deadline:
            return RegistrationState.CLOSED
        if self.registration_opens_at and now < self.registration_opens_at:
            return RegistrationState.NOT_YET_OPEN
        if self.capacity is not None and (confirmed >= self.capacity or waiting):
            return RegistrationState.WAITLIST if self.waitlist_enabled else RegistrationState.FULL
        return RegistrationState.OPEN

    @property
    def current_registration_state(self) -> str:
        """``registration_state`` from the selectors' ``confirmed_count``/``waitlist_count``."""
        return self.registration_state(
            confirmed=getattr(self, "confirmed_count", 0),
            waiting=getattr(self, "waitlist_count", 0),
        )

    @cached_property
    def places_left(self) -> int | None:
        """Free places, from the ``confirmed_count`` annotation of the selectors."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - getattr(self, "confirmed_count", 0))


def date_errors(event) -> dict[str, list]:
    """What is missing or inconsistent in the date fields for the chosen precision."""
    errors: dict[str, list] = {}

    def need(field, message):
        errors.setdefault(field, []).append(message)

    precision = event.date_precision
    if precision == DatePrecision.EXACT:
        if not event.starts_at:
            need("starts_at", _("An exact date needs the start date and time."))
        elif event.ends_at and event.ends_at < event.starts_at:
            need("ends_at", _("The end must be after the start."))
    elif precision in (DatePrecision.DAY, DatePrecision.MONTH):
        if not event.start_date:
            need("start_date", _("Enter the day (for a month: any day of that month)."))
        elif event.end_date and event.end_date < event.start_date:
            need("end_date", _("The last day must be on or after the first day."))
    elif precision in (DatePrecision.QUARTER, DatePrecision.QUARTER_SPAN):
        if not event.year:
            need("year", _("Enter the year."))
        if not event.quarter:
            need("quarter", _("Choose the quarter."))
        if precision == DatePrecision.QUARTER_SPAN and (
            not event.quarter_end or (event.quarter and event.quarter_end <= event.quarter)
        ):
            need("quarter_end", _("Choose a last quarter after the first one."))
    elif precision in (DatePrecision.YEAR_ROUND, DatePrecision.TBD) and not event.year:
        need("year", _("Enter the year."))
    return errors


#: Reminders: a day before and an hour before the start.
REMINDER_DAY_BEFORE = datetime.timedelta(days=1)
REMINDER_HOUR_BEFORE = datetime.timedelta(hours=1)
#: An event with a day but no time is reminded at this hour of the day before (local time).
DAY_ONLY_REMINDER_HOUR = 9


def reminder_times(event) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """When the day-before and hour-before reminders fall due (None: no such reminder)."""
    if event.date_precision == DatePrecision.EXACT:
        return event.starts_at - REMINDER_DAY_BEFORE, event.starts_at - REMINDER_HOUR_BEFORE
    if event.date_precision == DatePrecision.DAY:
        day_before = event.window_start - REMINDER_DAY_BEFORE
        return day_before.replace(hour=DAY_ONLY_REMINDER_HOUR), None
    return None, None
