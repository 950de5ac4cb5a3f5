"""Reads that span relations: lists, facets, the event page, feeds, registrations.

The HTML views, the calendar feeds and (later) the API share these querysets, so the rules of
what the public sees and how lists sort live in one place.
"""

import datetime

from django.core.cache import cache
from django.db.models import (
    CharField,
    Count,
    Exists,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from members.enums import Region
from members.rules import is_secretariat
from wego_portal.caching import CacheVersion
from wego_portal.facets import cached_grouped_counts, choice_items, country_items, year_items

from .enums import (
    ACTIVE_REGISTRATION,
    FEED_PRECISIONS,
    Attendance,
    DatePrecision,
    EventKind,
    EventProgram,
    EventStatus,
    LinkKind,
    RegistrationStatus,
    When,
)
from .models import (
    CalendarFeedToken,
    Event,
    EventHost,
    EventLink,
    EventRegistration,
    EventSponsor,
    RegistrationQuestion,
    Speaker,
)
from .rules import office_scope

#: Feeds keep events this long after they ended, so a subscriber's calendar keeps them.
FEED_HISTORY = datetime.timedelta(days=30)
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
UPCOMING_ORDER = ("sort_at", "sort_rank", "window_start", "title", "id")
PAST_ORDER = ("-sort_at", "sort_rank", "-window_start", "title", "id")


def _registration_count(status: str) -> Coalesce:
    counted = (
        EventRegistration.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def with_registration_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate ``confirmed_count`` and ``waitlist_count`` (in the same query).

    Each is a count of the event's own registrations (index ``events_reg_queue``), not a
    join grouped by event: a list keeps its index order and its LIMIT, so a page costs the
    same with 20 events or 200,000.
    """
    return queryset.annotate(
        confirmed_count=_registration_count(RegistrationStatus.CONFIRMED),
        waitlist_count=_registration_count(RegistrationStatus.WAITLISTED),
    )


def public_events() -> QuerySet[Event]:
    """Events anyone may see: published ones, and cancelled ones (shown as cancelled)."""
    return Event.objects.filter(status__in=PUBLIC_STATUSES)


def recording_exists() -> Exists:
    """Whether the event has a recording (for ``filter`` or ``annotate``)."""
    return Exists(EventLink.objects.filter(event=OuterRef("pk"), kind=LinkKind.RECORDING))


def event_list_queryset() -> QuerySet[Event]:
    """The public list, to filter and count facets on: public events, whether recorded.

    Add ``with_registration_counts`` to the page shown (aggregates would upset facet counts).
    """
    return public_events().annotate(has_recording=recording_exists())


def events_in_period(
    queryset: QuerySet[Event], when: str, now: datetime.datetime | None = None
) -> QuerySet[Event]:
    """Upcoming (not over yet, soonest first), past (most recent first) or all (calendar order).

    See ``events.dates`` for the sort key that orders events of every date precision. An
    event's ``sort_at`` is never after its ``window_end``, so a past event's ``sort_at`` is at
    most ``now`` and the index of the past order starts there; the upcoming list starts at
    ``upcoming_floor`` (for the present moment only). Neither bound changes the results: they
    let a page read its rows in index order instead of sorting every event.
    """
    if when == When.PAST:
        now = now or timezone.now()
        return queryset.filter(window_end__lte=now, sort_at__lte=now).order_by(*PAST_ORDER)
    if when == When.ALL:
        return queryset.order_by(*UPCOMING_ORDER)
    if now is None:
        now = timezone.now()
        queryset = queryset.filter(sort_at__gte=upcoming_floor(now))
    return queryset.filter(window_end__gt=now).order_by(*UPCOMING_ORDER)


#: Seconds the upcoming floor is kept (also versioned: any saved event gives a new one).
UPCOMING_FLOOR_SECONDS = 300


def upcoming_floor(now: datetime.datetime) -> datetime.datetime:
    """The earliest ``sort_at`` of any event not over at ``now`` (of any status), cached.

    Computed once per version of the events (one index scan of the events not over yet).
    It stays a valid lower bound as time passes: an event only leaves the upcoming ones, and
    any saved event gives a new version (the short timeout covers a write that skipped it).
    """
    key = f"events:upcoming-floor:{events_list_version()}"
    floor = cache.get(key)
    if floor is None:
        floor = (
            (
                Event.objects.filter(status__in=EventStatus.values, window_end__gt=now)
                .order_by()
                .aggregate(floor=Min("sort_at"))["floor"]
            )
            or now
        )
        cache.set(key, floor, UPCOMING_FLOOR_SECONDS)
    return floor


FACETS = {
    "kind": "kind",
    "program": "program",
    "year": "year",
    "region": "region",
    "attendance": "attendance",
    "country": "country",
}


#: The events list moves with the clock (upcoming becomes past) as well as with the data, so
#: cached facet counts expire with the visitors' cached page.
FACETS_CACHE_SECONDS = 60


def event_facets(queryset: QuerySet[Event], *, cache_key: str) -> dict:
    """The number of results and the counts per filter value within them: one grouped query
    (``grouped_counts``), cached per filter combination (``cache_key``) until an event changes
    or a minute passes."""
    total, counts = cached_grouped_counts(
        queryset,
        FACETS,
        cache_key=cache_key,
        prefix="events",
        version=events_list_version(),
        timeout=FACETS_CACHE_SECONDS,
        distinct=True,
    )
    return {
        "total": total,
        "kind": choice_items(EventKind.choices, counts["kind"]),
        "program": choice_items(EventProgram.choices, counts["program"]),
        "year": year_items({int(year): n for year, n in counts["year"].items()}),
        "region": choice_items(Region.choices, counts["region"]),
        "attendance": choice_items(Attendance.choices, counts["attendance"]),
        "country": country_items(counts["country"]),
    }


def _detail_prefetches() -> list:
    return [
        Prefetch(
            "host_links",
            queryset=EventHost.objects.select_related("organization").order_by("position", "id"),
        ),
        Prefetch("speakers", queryset=Speaker.objects.select_related("organization")),
        Prefetch("sponsors", queryset=EventSponsor.objects.select_related("organization")),
        "links",
        Prefetch("questions", queryset=RegistrationQuestion.objects.order_by("position", "id")),
    ]


def event_for_detail(slug: str) -> Event:
    """A public event with everything its page shows. Raises ``Event.DoesNotExist``."""
    return (
        with_registration_counts(public_events())
        .select_related("office")
        .prefetch_related(*_detail_prefetches())
        .get(slug=slug)
    )


def event_for_registration(slug: str) -> Event:
    """A public event with its questions and hosts (for the registration forms)."""
    return (
        with_registration_counts(public_events())
        .prefetch_related(
            Prefetch("questions", queryset=RegistrationQuestion.objects.order_by("position")),
            Prefetch(
                "host_links",
                queryset=EventHost.objects.select_related("organization").order_by(
                    "position", "id"
                ),
            ),
        )
        .get(slug=slug)
    )


def registration_of(user, event: Event) -> EventRegistration | None:
    """``user``'s registration for ``event`` (made signed in, or with their login address)."""
    if not user.is_authenticated:
        return None
    return (
        EventRegistration.objects.filter(event=event)
        .filter(Q(user=user) | Q(email__iexact=user.email))
        .order_by("-user_id")
        .first()
    )


def registrations_of_user(user) -> QuerySet[EventRegistration]:
    """Everything ``user`` registered for, soonest event first; cancelled ones last."""
    return (
        EventRegistration.objects.filter(Q(user=user) | Q(email__iexact=user.email))
        .select_related("event")
        .order_by("event__sort_at", "event__sort_rank", "event__id", "id")
    )


def waitlist_position(registration: EventRegistration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = EventRegistration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(requested_at__lt=registration.requested_at)
        | Q(requested_at=registration.requested_at, id__lt=registration.id)
    )
    return ahead.count() + 1


def events_hosted_by(organization, *, limit: int = 10) -> list[Event]:
    """Public events ``organization`` hosted or hosts, most recent first (one query)."""
    return list(
        public_events()
        .filter(host_links__organization=organization)
        .order_by(*PAST_ORDER)
        .distinct()[:limit]
    )


def events_attended_by(organization, *, limit: int = 10) -> list[Event]:
    """Public events ``organization`` took part in (not as host), most recent first, each with
    ``role`` (its part). One query."""
    from .models import EventParticipant

    links = (
        EventParticipant.objects.filter(
            organization=organization, event__in=public_events().values("pk")
        )
        .select_related("event")
        .order_by(
            *[f"{'-' if key.startswith('-') else ''}event__{key.lstrip('-')}" for key in PAST_ORDER]
        )[:limit]
    )
    events = []
    for link in links:
        link.event.role = link.role  # type: ignore[attr-defined]  # for the page: the person's role at the event
        events.append(link.event)
    return events


def feed_events(queryset: QuerySet[Event], now: datetime.datetime | None = None):
    """Events a calendar feed carries: those with a known day, not over for a month or more.

    Events known only to the month, quarter or year are left out: a calendar entry needs a
    day, and putting one on the 1st of the month would state a date nobody announced.
    """
    now = now or timezone.now()
    return (
        queryset.filter(date_precision__in=FEED_PRECISIONS, window_end__gt=now - FEED_HISTORY)
        .select_related("office")
        .order_by(*UPCOMING_ORDER)
    )


def personal_feed_registrations(token: str) -> tuple[object, QuerySet[EventRegistration]]:
    """The owner of a personal feed token and their active registrations with a known day.

    Raises ``CalendarFeedToken.DoesNotExist`` for an unknown token.
    """
    feed = CalendarFeedToken.objects.select_related("user").get(token=token)
    registrations = (
        registrations_of_user(feed.user)
        .filter(
            status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
            event__status__in=PUBLIC_STATUSES,
            event__date_precision__in=FEED_PRECISIONS,
        )
        .select_related("event__office")
    )
    return feed.user, registrations


def month_events(year: int, month: int) -> dict[str, list[Event]]:
    """A month view: events with a day in the month, and those that may fall in it.

    ``dated``: exact and day-precision events overlapping the month (each knows its days);
    ``undated``: month, quarter and quarter-span events whose window overlaps the month.
    Year-round and to-be-decided events are left out: they would sit in every month.
    """
    first = datetime.date(year, month, 1)
    after = datetime.date(year + month // 12, month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(after, datetime.time.min, tzinfo=zone)
    events = list(
        public_events()
        .filter(window_start__lt=end, window_end__gt=start)
        .exclude(date_precision__in=[DatePrecision.YEAR_ROUND, DatePrecision.TBD])
        .order_by(*UPCOMING_ORDER)
    )
    return {
        "dated": [e for e in events if e.date_precision in FEED_PRECISIONS],
        "undated": [e for e in events if e.date_precision not in FEED_PRECISIONS],
    }


def events_for_staff(user, queryset: QuerySet[Event] | None = None) -> QuerySet[Event]:
    """The back office's events: all for the Secretariat, their region's for office staff."""
    queryset = Event.objects.all() if queryset is None else queryset
    if is_secretariat(user):
        return queryset
    return queryset.filter(office_scope(user))


def registrations_for_staff(user, queryset: QuerySet[EventRegistration] | None = None):
    queryset = EventRegistration.objects.all() if queryset is None else queryset
    if is_secretariat(user):
        return queryset
    scope = office_scope(user)
    return queryset.filter(event__in=Event.objects.filter(scope))


def registrations_for_export(event: Event) -> QuerySet[EventRegistration]:
    return (
        event.registrations.select_related("organization", "user")
        .exclude(status=RegistrationStatus.PENDING)
        .order_by("status", "requested_at", "id")
    )


def _share_consents():
    """Active consents to share a registration with its event's hosts, matched to the row."""
    from privacy.enums import ConsentPurpose
    from privacy.models import ConsentRecord

    return ConsentRecord.objects.filter(
        purpose=ConsentPurpose.SHARE_WITH_HOST,
        withdrawn_at__isnull=True,
        subject=Concat(
            Value(f"{EventRegistration._meta.label}:"),
            Cast(OuterRef("pk"), output_field=CharField()),
        ),
    )


def registrations_shared_with_hosts(event: Event) -> QuerySet[EventRegistration]:
    """The hosts' export of ``event``: confirmed and waitlisted registrations whose registrant
    agreed to share them with the hosts and has not withdrawn, with ``shared_since``."""
    consents = _share_consents()
    return (
        event.registrations.filter(status__in=ACTIVE_REGISTRATION, email_confirmed_at__isnull=False)
        .filter(Exists(consents))
        .annotate(shared_since=Subquery(consents.order_by("-given_at").values("given_at")[:1]))
        .order_by("status", "requested_at", "id")
    )


def events_hosted_for(user) -> QuerySet[Event]:
    """Events hosted by ``user``'s organizations, newest first, with ``shared_count`` (how many
    registrants share their registration with the hosts)."""
    shared = (
        EventRegistration.objects.filter(
            event=OuterRef("pk"),
            status__in=ACTIVE_REGISTRATION,
            email_confirmed_at__isnull=False,
        )
        .filter(Exists(_share_consents()))
        .order_by()
        .values("event")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Event.objects.filter(host_links__organization__people__user=user)
        .distinct()
        .annotate(shared_count=Coalesce(Subquery(shared), 0))
        .prefetch_related("host_links")
        .order_by("-window_start", "-id")
    )


def undated_events_soon(user, *, days: int = 60) -> QuerySet[Event]:
    """Published events starting within ``days`` whose day is still unknown (for staff)."""
    now = timezone.now()
    return events_for_staff(
        user,
        Event.objects.filter(
            status=EventStatus.PUBLISHED,
            window_start__lt=now + datetime.timedelta(days=days),
            window_end__gt=now,
        ).exclude(date_precision__in=[*FEED_PRECISIONS, DatePrecision.YEAR_ROUND]),
    )


EVENTS_LIST_VERSION_KEY = "events:list-version"

#: Versions the visitors' cached events list; bumped whenever an event is saved. The list also
#: moves with the clock (upcoming becomes past) and with registrations, so the cached page
#: additionally expires after a minute.
EVENTS_LIST_VERSION = CacheVersion(EVENTS_LIST_VERSION_KEY)
events_list_version = EVENTS_LIST_VERSION.current
bump_events_list_version = EVENTS_LIST_VERSION.bump
