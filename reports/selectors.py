"""The figures behind "WeGO in numbers" and the annual report: aggregate queries only.

Every function here runs a fixed number of queries whatever the number of members, events or
entries (GROUP BY in the database, never a loop of queries), so the pages stay cheap as the
data grows.

What the data set can say about time: an organization records the date it joined
(``joined_on``; for the 2019–2020 members, the date WeGO's annual report gives) where it is known. Members without a
known date are counted as members in every year shown (they predate the records), and former
members are not counted at all (the date they left is not recorded). Growth figures are
therefore "as the portal's records stand today", not a reconstruction of past registers.
"""

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries

from awards.enums import EntryStatus, Result
from awards.models import Category, Edition, Entry
from events.enums import EventStatus
from events.models import Event, EventHost, EventSponsor
from events.selectors import public_events
from members.enums import MemberType, OrganizationStatus, Region, Relationship
from members.models import Organization
from members.regions import region_for_country
from members.selectors import directory_queryset, members_by_country, region_overview
from programs.enums import ApplicationStatus
from programs.models import Application, ApplicationTransition
from wego_portal.caching import CacheVersion

from .models import PublishedFigure

#: Bumped whenever a published figure changes (``services.figures_changed``): the cached
#: numbers page is keyed by it and the directory version.
FIGURES_VERSION = CacheVersion("reports:figures-version")

NO_REGION = ""
TYPE_PLURALS = {
    MemberType.LOCAL_GOVERNMENT: _lazy("Local governments"),
    MemberType.CORPORATION: _lazy("Corporations"),
    MemberType.INSTITUTION: _lazy("Institutions"),
}
#: The published figures the numbers page shows first.
HEADLINE_FIGURES = (
    "members",
    "local_governments",
    "corporations",
    "institutions",
    "growth_since_2018",
)
#: The Secretariat's calendar (Seoul) bounds the report's years and dates its decisions.
REPORT_ZONE = zoneinfo.ZoneInfo("Asia/Seoul")


def _region_label(code: str) -> str:
    return Region(code).label if code in Region.values else _("Region not recorded")


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def members_at_end_of(year: int) -> Q:
    """Members of the directory at the end of ``year``: joined by then, or date unknown."""
    return Q(joined_on__isnull=True) | Q(joined_on__lte=_year_end(year))


# --- WeGO in numbers ---------------------------------------------------------------------------


def member_growth(*, first_year: int | None = None, last_year: int | None = None) -> list[dict]:
    """Members at the end of each year, from the known join dates (one query).

    The series starts the year before the earliest known join date (or ``first_year``) and
    ends with the latest (or ``last_year``). Each point also gives how many joined that year.
    """
    rows = (
        directory_queryset()
        .order_by()
        .annotate(joined_year=ExtractYear("joined_on"))
        .values("joined_year")
        .annotate(n=Count("id"))
    )
    joined = {row["joined_year"]: row["n"] for row in rows}
    unknown = joined.pop(None, 0)
    if not joined and first_year is None:
        return []
    years = sorted(joined)
    start = first_year if first_year is not None else years[0] - 1
    end = last_year if last_year is not None else max([*years, start])
    before = sum(n for year, n in joined.items() if year < start)
    points, total = [], unknown + before
    for year in range(start, end + 1):
        total += joined.get(year, 0)
        points.append({"year": year, "joined": joined.get(year, 0), "members": total})
    return points


def events_per_quarter() -> list[dict]:
    """Public, not cancelled events per quarter, with the participants recorded (one query)."""
    rows = (
        public_events()
        .exclude(status=EventStatus.CANCELLED)
        .filter(year__isnull=False, quarter__isnull=False)
        .order_by()
        .values("year", "quarter")
        .annotate(
            events=Count("id"),
            participants=Sum("participant_count"),
            with_figures=Count("id", filter=Q(participant_count__isnull=False)),
        )
        .order_by("year", "quarter")
    )
    return [
        {
            "year": row["year"],
            "quarter": row["quarter"],
            "label": f"Q{row['quarter']} {row['year']}",
            "events": row["events"],
            "participants": row["participants"] or 0,
            "with_figures": row["with_figures"],
        }
        for row in rows
    ]


def published_results() -> "Q":
    return Q(
        status=EntryStatus.SUBMITTED,
        result__in=Result.values,
        edition__results_published=True,
        edition__is_public=True,
    )


def award_results_by_region() -> list[dict]:
    """Published winners and special mentions per WeGO region (one query).

    A result's region is its member's region; for an entrant that is not a member in the data
    set, the region of the entrant's country.
    """
    rows = (
        Entry.objects.filter(published_results())
        .order_by()
        .values("organization__region", "entrant_country", "result")
        .annotate(n=Count("id"))
    )
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Result.values, 0))
    for row in rows:
        region = row["organization__region"] or (
            region_for_country(row["entrant_country"]) if row["entrant_country"] else ""
        )
        table[region or NO_REGION][row["result"]] += row["n"]
    order = [*Region.values, NO_REGION]
    return [
        {
            "region": region,
            "label": _region_label(region),
            "winners": table[region][Result.WINNER],
            "special_mentions": table[region][Result.SPECIAL_MENTION],
            "total": sum(table[region].values()),
        }
        for region in order
        if region in table
    ]


def numbers_published(records: dict[str, int | None]) -> dict:
    """The numbers page's published figures (the latest year's), beside ``records`` (one query;
    a second for the growth the records give when the year has published figures)."""
    latest = (
        PublishedFigure.objects.filter(is_public=True, key="members")
        .order_by("-year")
        .values("year")[:1]
    )
    figures = {
        figure.key: figure
        for figure in PublishedFigure.objects.filter(
            is_public=True, year=Subquery(latest)
        ).order_by("position", "id")
    }
    if not figures:
        return {"year": None, "figures": {}, "headline": [], "comparisons": []}
    year = next(iter(figures.values())).year
    growth = growth_since(year)
    records = {**records, f"growth_since_{growth['base_year']}": growth["percent"]}
    return {
        "year": year,
        "figures": figures,
        "headline": [figures[key] for key in HEADLINE_FIGURES if key in figures],
        "comparisons": figure_comparisons(figures, records),
    }


def numbers_page() -> dict:
    """Everything the public "WeGO in numbers" page shows (five aggregate queries)."""
    overview = region_overview()
    by_country = members_by_country()
    return {
        "overview": overview,
        "by_country": by_country,
        "country_counts": {item["code"]: item["count"] for item in by_country},
        "growth": member_growth(),
        "quarters": events_per_quarter(),
        "awards": award_results_by_region(),
    }


# --- The annual report -------------------------------------------------------------------------


def overview_at_end_of(year: int) -> dict:
    """Members per region and type at the end of ``year``, with totals (one query)."""
    rows = (
        directory_queryset()
        .filter(members_at_end_of(year))
        .order_by()
        .values("region", "member_type")
        .annotate(n=Count("id"))
    )
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        region = row["region"] or NO_REGION
        table.setdefault(region, dict.fromkeys(MemberType.values, 0))[row["member_type"]] = row["n"]
    empty = dict.fromkeys(MemberType.values, 0)
    lines = [
        {
            "region": region,
            "label": _region_label(region),
            "counts": [table.get(region, empty)[t] for t in MemberType.values],
            "total": sum(table.get(region, empty).values()),
        }
        for region in [*Region.values, NO_REGION]
        if region in table or region != NO_REGION
    ]
    type_totals = [sum(line["counts"][i] for line in lines) for i in range(len(MemberType.values))]
    return {
        "types": [label for _value, label in MemberType.choices],
        "lines": lines,
        "type_totals": type_totals,
        "total": sum(type_totals),
    }


def growth_since(year: int, *, years_back: int = 2) -> dict:
    """Members at the end of ``year`` against ``years_back`` years before (one query)."""
    base = year - years_back
    figures = (
        directory_queryset()
        .order_by()
        .aggregate(
            now=Count("id", filter=members_at_end_of(year)),
            then=Count("id", filter=members_at_end_of(base)),
            unknown=Count("id", filter=Q(joined_on__isnull=True)),
            later=Count("id", filter=Q(joined_on__gt=_year_end(year))),
        )
    )
    now, then = figures["now"], figures["then"]
    percent = round((now - then) * 100 / then) if then else None
    return {
        "year": year,
        "base_year": base,
        "members": now,
        "base_members": then,
        "added": now - then,
        "percent": percent,
        "unknown_dates": figures["unknown"],
        "joined_later": figures["later"],
    }


@dataclass
class NewMembers:
    first_year: int
    last_year: int
    groups: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(group["members"]) for group in self.groups)


def new_members(year: int) -> NewMembers:
    """Members approved in ``year`` and the year before, by type (one query).

    The annual report's new-member table covers the members approved since the previous
    Executive Committee, which spans two calendar years (the 2020 report lists approvals from
    October 2019 to August 2020); the portal shows both calendar years.
    """
    first = year - 1
    rows = list(
        directory_queryset()
        .filter(joined_on__gte=datetime.date(first, 1, 1), joined_on__lte=_year_end(year))
        .order_by("joined_on", "sort_name", "id")
        .values("name", "member_type", "country", "region", "joined_on")
    )
    by_type: dict[str, list[dict]] = {value: [] for value in MemberType.values}
    for row in rows:
        row["country_name"] = countries.name(row["country"]) if row["country"] else ""
        by_type[row["member_type"]].append(row)
    counts_at_end = dict(
        directory_queryset()
        .filter(members_at_end_of(year))
        .order_by()
        .values_list("member_type")
        .annotate(n=Count("id"))
        .values_list("member_type", "n")
    )
    groups = []
    for value in MemberType.values:
        members = by_type[value]
        total = counts_at_end.get(value, 0)
        before = total - len(members)
        groups.append(
            {
                "type": value,
                "label": TYPE_PLURALS[value],
                "members": members,
                "count": len(members),
                "percent": round(len(members) * 100 / before) if before > 0 else None,
            }
        )
    return NewMembers(first_year=first, last_year=year, groups=groups)


def mou_partners_signed(year: int) -> list[Organization]:
    """MOU partners whose memorandum was signed in ``year`` (one query)."""
    return list(
        Organization.objects.filter(
            relationship=Relationship.MOU_PARTNER,
            status=OrganizationStatus.ACTIVE,
            joined_on__year=year,
        ).order_by("joined_on", "sort_name", "id")
    )


def events_of_year(year: int) -> list[dict]:
    """The year's public events by quarter (then year-round / undated), with hosts (3 queries)."""
    events = list(
        public_events()
        .filter(year=year)
        .prefetch_related(
            Prefetch(
                "host_links",
                queryset=EventHost.objects.select_related("organization").order_by("position"),
            ),
            Prefetch("sponsors", queryset=EventSponsor.objects.order_by("position", "name")),
        )
        .order_by("sort_at", "sort_rank", "window_start", "title", "id")
    )
    groups: dict[int | None, list[Event]] = {}
    for event in events:
        event.host_names = event.host_text or ", ".join(
            link.organization.name for link in event.host_links.all()
        )
        event.sponsor_names = ", ".join(sponsor.name for sponsor in event.sponsors.all())
        groups.setdefault(event.quarter, []).append(event)
    result = []
    for quarter in [1, 2, 3, 4, None]:
        if quarter not in groups:
            continue
        items = groups[quarter]
        result.append(
            {
                "quarter": quarter,
                "label": f"Q{quarter} {year}" if quarter else _("Year-round or date to be decided"),
                "events": items,
                "participants": sum(e.participant_count or 0 for e in items),
            }
        )
    return result


SELECTED_STATUSES = [ApplicationStatus.BENEFICIARY_SELECTED]


def program_highlights(year: int) -> list[dict]:
    """Per call: applications received in ``year`` and beneficiaries selected (two queries).

    An application counts as received when it was submitted through the portal in the year.
    A result recorded from the annual report (no submission date) is not an application the
    portal received: a call with only such results has ``received`` None ("not recorded"),
    since the report does not say how many applications there were.
    """
    start = datetime.datetime.combine(datetime.date(year, 1, 1), datetime.time.min, REPORT_ZONE)
    end = datetime.datetime.combine(datetime.date(year + 1, 1, 1), datetime.time.min, REPORT_ZONE)
    submitted_in_year = Q(submitted_at__gte=start) & Q(submitted_at__lt=end)
    recorded_in_year = (
        Q(submitted_at__isnull=True)
        & ~Q(status=ApplicationStatus.DRAFT)
        & Q(created_at__gte=start)
        & Q(created_at__lt=end)
    )
    rows = (
        Application.objects.filter(submitted_in_year | recorded_in_year)
        .order_by()
        .values("call_id", "call__title", "call__program__name")
        .annotate(received=Count("id", filter=submitted_in_year))
    )
    calls = {
        row["call_id"]: {
            "call": row["call__title"],
            "program": row["call__program__name"],
            "received": row["received"] or None,
            "selected": [],
        }
        for row in rows
    }
    transitions = (
        ApplicationTransition.objects.filter(
            to_status__in=SELECTED_STATUSES, at__gte=start, at__lt=end
        )
        .select_related("application__organization", "application__call__program")
        .order_by("at", "id")
    )
    for transition in transitions:
        application = transition.application
        line = calls.setdefault(
            application.call_id,
            {
                "call": application.call.title,
                "program": application.call.program.name,
                "received": None,
                "selected": [],
            },
        )
        line["selected"].append(
            {
                "organization": application.organization,
                "at": transition.at.astimezone(REPORT_ZONE).date(),
            }
        )
    return sorted(calls.values(), key=lambda line: (line["program"], line["call"]))


def award_results(year: int) -> dict | None:
    """The published results of the edition held in ``year`` (three queries), or None."""
    edition = (
        Edition.objects.filter(year=year, results_published=True, is_public=True)
        .prefetch_related(Prefetch("categories", queryset=Category.objects.order_by("position")))
        .first()
    )
    if edition is None:
        return None
    entries = (
        Entry.objects.filter(published_results(), edition=edition)
        .select_related("category", "organization")
        .order_by("category__position", "category__name", "-result", "entrant_name", "id")
    )
    by_category: dict[int, dict] = {
        category.pk: {"category": category, "winners": [], "special_mentions": []}
        for category in edition.categories.all()
    }
    count = 0
    for entry in entries:
        group = by_category.get(entry.category_id)
        if group is None:
            continue
        count += 1
        key = "winners" if entry.result == Result.WINNER else "special_mentions"
        group[key].append(entry)
    return {
        "edition": edition,
        "categories": [g for g in by_category.values() if g["winners"] or g["special_mentions"]],
        "count": count,
    }


def annual_report(year: int) -> dict:
    """Every data section of the annual report of ``year`` (a fixed number of queries)."""
    data = {
        "year": year,
        "overview": overview_at_end_of(year),
        "growth": growth_since(year),
        "growth_points": member_growth(first_year=year - 2, last_year=year),
        "new_members": new_members(year),
        "mou_partners": mou_partners_signed(year),
        "quarters": events_of_year(year),
        "programs": program_highlights(year),
        "awards": award_results(year),
    }
    published = published_figures(year)
    data["published"] = published
    for group in data["new_members"].groups:
        group["published_percent"] = published.get(f"new_{group['type']}s_growth")
    data["comparisons"] = figure_comparisons(published, records_of(data))
    return data


# --- Published figures -------------------------------------------------------------------------


def published_figures(year: int) -> dict[str, PublishedFigure]:
    """The public figures WeGO published for ``year``, by key (one query)."""

    return {
        figure.key: figure
        for figure in PublishedFigure.objects.filter(year=year, is_public=True).order_by(
            "position", "id"
        )
    }


def published_member_count() -> PublishedFigure | None:
    """The latest public published member count, or None (one query)."""
    return PublishedFigure.objects.filter(is_public=True, key="members").order_by("-year").first()


def records_of(data: dict) -> dict[str, int | None]:
    """What the portal's records give for the keys of the published figures, from the
    figures already computed for a page (``overview``, ``growth``, ``new_members``…)."""
    records: dict[str, int | None] = {}
    overview = data.get("overview")
    if overview:
        records["members"] = overview["total"]
        for index, value in enumerate(MemberType.values):
            records[f"{value}s"] = overview["type_totals"][index]
        local = MemberType.values.index(MemberType.LOCAL_GOVERNMENT)
        for line in overview["lines"]:
            if line["region"]:
                records[f"region_{line['region']}"] = line["counts"][local]
    growth = data.get("growth")
    if isinstance(growth, dict) and "percent" in growth:
        records[f"growth_since_{growth['base_year']}"] = growth["percent"]
    new = data.get("new_members")
    if new is not None:
        for group in new.groups:
            records[f"new_{group['type']}s"] = group["count"]
            records[f"new_{group['type']}s_growth"] = group["percent"]
    if "mou_partners" in data:
        records["mou_partners"] = len(data["mou_partners"])
    return records


def figure_comparisons(published: dict, records: dict[str, int | None]) -> list[dict]:
    """Each published figure beside the portal's own value where the records give one."""
    rows = []
    for key, figure in published.items():
        has_record = key in records
        value = records.get(key)
        rows.append(
            {
                "figure": figure,
                "has_record": has_record,
                "records": value,
                "differs": has_record and value != figure.value,
            }
        )
    return rows


def published_report_runs():
    """The annual report PDFs offered to visitors: finished, published runs, newest year first."""
    from .enums import RunState
    from .models import ReportRun

    return (
        ReportRun.objects.filter(published_at__isnull=False, state=RunState.DONE)
        .exclude(pdf="")
        .order_by("-year", "language")
    )


PUBLISHED_REPORTS_CACHE_KEY = "reports:published"


def published_reports_for_page() -> list[dict]:
    """``published_report_runs`` as the numbers page lists them, cached until one is published
    or withdrawn (the services delete the key)."""
    from django.core.cache import cache

    reports = cache.get(PUBLISHED_REPORTS_CACHE_KEY)
    if reports is None:
        reports = list(published_report_runs().values("pk", "year", "language"))
        cache.set(PUBLISHED_REPORTS_CACHE_KEY, reports, 24 * 60 * 60)
    return reports
