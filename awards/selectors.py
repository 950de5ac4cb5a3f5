"""Reads of the WeGO Awards that span relations. The HTML views and (later) the API share them.

Each list is built here once with the ``select_related``/``prefetch_related`` it needs, so a
page's query count does not grow with its rows.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from members.models import Organization

from .enums import EntryStatus, Phase, Result, Stage
from .models import (
    CRITERIA,
    Category,
    ConflictOfInterest,
    Edition,
    Entry,
    EntryDocument,
    EntryImage,
    Judge,
    Score,
)
from .rules import EDITOR_ROLES, organization_is_eligible

# --- Public pages ------------------------------------------------------------------------------


def public_editions() -> QuerySet[Edition]:
    """The editions archive: public editions, newest first, with their counts (one query)."""
    return (
        Edition.objects.filter(is_public=True)
        .annotate(
            category_count=Count("categories", distinct=True),
            award_count=Count(
                "entries",
                filter=Q(
                    results_published=True,
                    entries__status=EntryStatus.SUBMITTED,
                    entries__result__in=Result.values,
                ),
                distinct=True,
            ),
        )
        .order_by("-year")
    )


ARCHIVE_FILTERS = {
    "open": lambda qs, now: qs.filter(
        stage=Stage.OPEN, entries_open_at__lte=now, entries_close_at__gt=now
    ),
    "results": lambda qs, now: qs.filter(results_published=True),
}


def filter_editions(queryset: QuerySet[Edition], show: str) -> QuerySet[Edition]:
    apply = ARCHIVE_FILTERS.get(show)
    return apply(queryset, timezone.now()) if apply else queryset


def edition_for_public_page(year: int) -> Edition:
    """A public edition with its categories and judges (each judge's categories too)."""
    return (
        Edition.objects.filter(is_public=True)
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("position", "name")),
            Prefetch(
                "judges",
                queryset=Judge.objects.order_by("position", "name").prefetch_related(
                    Prefetch("categories", queryset=Category.objects.order_by("position"))
                ),
            ),
        )
        .get(year=year)
    )


def _awarded(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    return queryset.filter(
        status=EntryStatus.SUBMITTED,
        result__in=Result.values,
        edition__results_published=True,
        edition__is_public=True,
    )


def public_awarded_entries() -> QuerySet[Entry]:
    """Every entry with a public page: the winners and special mentions of published editions."""
    return _awarded(Entry.objects.all())


def latest_winners(*, limit: int = 3) -> list[Entry]:
    """Winners of the most recent edition whose results are published (the home page)."""
    edition = (
        Edition.objects.filter(is_public=True, results_published=True).order_by("-year").first()
    )
    if edition is None:
        return []
    return list(
        awarded_entries(edition).filter(result=Result.WINNER).prefetch_related(None)[:limit]
    )


def awarded_entries(edition: Edition) -> QuerySet[Entry]:
    """The published winners and special mentions of ``edition``, with their images."""
    return (
        _awarded(Entry.objects.filter(edition=edition))
        .select_related("category", "organization", "edition")
        .prefetch_related(Prefetch("images", queryset=EntryImage.objects.order_by("id")))
        .order_by("category__position", "category__name", "-result", "entrant_name", "id")
    )


@dataclass
class CategoryResults:
    category: Category
    winners: list[Entry] = field(default_factory=list)
    special_mentions: list[Entry] = field(default_factory=list)


def results_by_category(edition: Edition) -> list[CategoryResults]:
    """Each category of a published edition with its winners and special mentions.

    Uses the edition's prefetched categories; empty until the results are published.
    """
    if not edition.results_published:
        return []
    groups = {category.pk: CategoryResults(category) for category in edition.categories.all()}
    for entry in awarded_entries(edition):
        group = groups.get(entry.category_id)
        if group is None:
            continue
        if entry.result == Result.WINNER:
            group.winners.append(entry)
        else:
            group.special_mentions.append(entry)
    return [group for group in groups.values() if group.winners or group.special_mentions]


def public_entry(*, year: int, pk: int) -> Entry:
    """An awarded entry of a published edition, with its images and public documents."""
    return (
        _awarded(Entry.objects.all())
        .select_related("edition", "category", "organization")
        .prefetch_related(
            Prefetch("images", queryset=EntryImage.objects.order_by("id")),
            Prefetch(
                "documents",
                queryset=EntryDocument.objects.filter(is_public=True).order_by("id"),
                to_attr="public_documents",
            ),
        )
        .get(edition__year=year, pk=pk)
    )


def awards_won_by(organization: Organization) -> QuerySet[Entry]:
    """The published awards of a member, newest edition first (one query)."""
    return (
        _awarded(Entry.objects.filter(organization=organization))
        .select_related("edition", "category")
        .order_by("-edition__year", "category__position", "-result", "id")
    )


# --- Member portal -----------------------------------------------------------------------------


def entries_of_user(user) -> QuerySet[Entry]:
    """Every entry of every organization the user acts for."""
    return (
        Entry.objects.filter(organization__people__user=user)
        .select_related("edition", "category", "organization")
        .order_by("-edition__year", "organization__sort_name", "created_at")
        .distinct()
    )


def open_editions() -> QuerySet[Edition]:
    """Editions accepting entries right now, with their categories."""
    now = timezone.now()
    return (
        Edition.objects.filter(stage=Stage.OPEN, entries_open_at__lte=now, entries_close_at__gt=now)
        .prefetch_related(Prefetch("categories", queryset=Category.objects.order_by("position")))
        .order_by("entries_close_at")
    )


def organizations_that_may_enter(user) -> list[Organization]:
    """The eligible members (active local governments) for which the user is an editor."""
    organizations = Organization.objects.filter(
        people__user=user, people__role__in=EDITOR_ROLES
    ).order_by("sort_name")
    return [org for org in organizations if organization_is_eligible(org)]


def entry_for_portal() -> QuerySet[Entry]:
    """The queryset a city's entry page looks an entry up in."""
    return Entry.objects.select_related("edition", "category", "organization").prefetch_related(
        Prefetch("images", queryset=EntryImage.objects.order_by("id")),
        Prefetch("documents", queryset=EntryDocument.objects.order_by("id")),
    )


# --- Judging -----------------------------------------------------------------------------------


def judge_seats_of(user) -> QuerySet[Judge]:
    """The user's seats on judging panels, newest edition first."""
    return (
        Judge.objects.filter(user=user)
        .select_related("edition")
        .prefetch_related(Prefetch("categories", queryset=Category.objects.order_by("position")))
        .order_by("-edition__year")
    )


def entries_for_judge_seats(seats: list[Judge]) -> dict[int, list[Entry]]:
    """The submitted entries of each seat's categories, in ONE query: seat id -> entries.

    Each entry is marked with the judge's own state: ``has_conflict`` and ``is_scored``.
    ``seats`` are one person's (``judge_seats_of``, categories prefetched): at most one seat
    per edition, so an entry's edition names its seat.
    """
    if not seats:
        return {}
    wanted = Q(pk__in=[])
    for seat in seats:
        wanted |= Q(
            edition_id=seat.edition_id,
            category_id__in=[category.pk for category in seat.categories.all()],
        )
    seat_of_edition = {seat.edition_id: seat.pk for seat in seats}
    entries = (
        Entry.objects.filter(wanted, status=EntryStatus.SUBMITTED)
        .select_related("category", "organization")
        .annotate(
            has_conflict=Exists(
                ConflictOfInterest.objects.filter(judge__in=seats, entry=OuterRef("pk"))
            ),
            is_scored=Exists(Score.objects.filter(judge__in=seats, entry=OuterRef("pk"))),
        )
        .order_by("category__position", "entrant_name", "project_title", "id")
    )
    by_seat: dict[int, list[Entry]] = {seat.pk: [] for seat in seats}
    for entry in entries:
        by_seat[seat_of_edition[entry.edition_id]].append(entry)
    return by_seat


def entry_for_judging() -> QuerySet[Entry]:
    return Entry.objects.select_related("edition", "category", "organization").prefetch_related(
        Prefetch("images", queryset=EntryImage.objects.order_by("id")),
        Prefetch("documents", queryset=EntryDocument.objects.order_by("id")),
    )


def judge_for(user, edition: Edition) -> Judge | None:
    return Judge.objects.filter(user=user, edition=edition).first()


def scores_visible_to(user, entry: Entry) -> QuerySet[Score]:
    """The scores of ``entry`` that ``user`` may read.

    The secretariat reads them all. A judge reads their own, and the other judges' only once
    the panel has closed. Anyone else (the entrant city included) reads none.
    """
    scores = (
        Score.objects.filter(entry=entry)
        .select_related("judge")
        .order_by("judge__position", "judge__name")
    )
    if user.has_perm("awards.view_all_award_scores"):
        return scores
    judge = judge_for(user, entry.edition) if user.is_authenticated else None
    if judge is None:
        return scores.none()
    if entry.edition.panel_closed():
        return scores
    return scores.filter(judge=judge)


# --- Secretariat -------------------------------------------------------------------------------


def _mean_expression():
    total = F(CRITERIA[0])
    for name in CRITERIA[1:]:
        total = total + F(name)
    return total


@dataclass
class RankedEntry:
    entry: Entry
    rank: int | None
    score_count: int
    conflict_count: int
    average: float | None
    criteria: dict[str, float | None]


def scoring_overview(edition: Edition) -> list[tuple[Category, list[RankedEntry]]]:
    """Per category, the submitted entries with their average marks and rank.

    ``average`` is the mean of every mark the entry received (all judges, all criteria, 1–10);
    entries are ranked within their category by it, highest first, equal averages sharing a
    rank (1, 2, 2, 4); unscored entries come last, unranked. Two queries, however many entries.
    """
    averages = {f"avg_{name}": Avg(name, output_field=FloatField()) for name in CRITERIA}
    rows = (
        Score.objects.filter(entry__edition=edition, entry__status=EntryStatus.SUBMITTED)
        .values("entry_id")
        .annotate(
            n=Count("id"),
            avg_total=Avg(_mean_expression(), output_field=FloatField()),
            **averages,
        )
        .order_by()
    )
    stats = {row["entry_id"]: row for row in rows}
    entries = (
        Entry.objects.filter(edition=edition, status=EntryStatus.SUBMITTED)
        .select_related("category", "organization")
        .annotate(conflict_count=Count("conflicts"))
        .order_by("category__position", "entrant_name", "id")
    )
    by_category: dict[int, tuple[Category, list[RankedEntry]]] = {}
    for entry in entries:
        row = stats.get(entry.pk)
        ranked = RankedEntry(
            entry=entry,
            rank=None,
            score_count=row["n"] if row else 0,
            conflict_count=entry.conflict_count,
            average=row["avg_total"] / len(CRITERIA) if row else None,
            criteria={name: row[f"avg_{name}"] if row else None for name in CRITERIA},
        )
        by_category.setdefault(entry.category_id, (entry.category, []))[1].append(ranked)
    overview = []
    for category, items in by_category.values():
        items.sort(
            key=lambda r: (r.average is None, -(r.average or 0), r.entry.entrant_name, r.entry.pk)
        )
        previous, rank = None, 0
        for position, item in enumerate(items, start=1):
            if item.average is None:
                break
            if item.average != previous:
                rank, previous = position, item.average
            item.rank = rank
        overview.append((category, items))
    overview.sort(key=lambda pair: (pair[0].position, pair[0].name))
    return overview


def phase_timeline(edition: Edition) -> list[dict]:
    """The edition's phases in order, each with its date (or None) and whether it is current."""
    current = edition.phase()
    order = [value for value, _label in Phase.choices]
    dates = {
        Phase.ANNOUNCED: edition.announced_on,
        Phase.ENTRIES_OPEN: edition.entries_open_at,
        Phase.ENTRIES_CLOSED: edition.entries_close_at,
        Phase.JUDGING: edition.judging_starts_at,
        Phase.RESULTS_PUBLISHED: edition.results_published_at or edition.results_due_on,
    }
    return [
        {
            "phase": value,
            "label": Phase(value).label,
            "date": dates[value],
            "current": value == current,
            "done": order.index(value) < order.index(current),
        }
        for value in order
    ]


def edition_missing_scores(edition: Edition) -> list[tuple[Entry, list[str]]]:
    """Submitted entries not yet scored by every judge of their panel (conflicts excused).

    Returns ``(entry, names of the judges whose score is missing)``; an entry whose panel has
    no judge at all is listed with an empty list. Four queries, whatever the edition's size.
    """
    entries = list(
        edition.entries.filter(status=EntryStatus.SUBMITTED)
        .select_related("category")
        .order_by("category__position", "project_title", "pk")
    )
    panels: dict[int, list[Judge]] = {}
    for judge in Judge.objects.filter(edition=edition).prefetch_related("categories"):
        for category in judge.categories.all():
            panels.setdefault(category.pk, []).append(judge)
    conflicts = set(
        ConflictOfInterest.objects.filter(entry__edition=edition).values_list(
            "judge_id", "entry_id"
        )
    )
    scored = set(Score.objects.filter(entry__edition=edition).values_list("judge_id", "entry_id"))
    missing = []
    for entry in entries:
        panel = [
            judge
            for judge in panels.get(entry.category_id, [])
            if (judge.pk, entry.pk) not in conflicts
        ]
        absent = [judge.name for judge in panel if (judge.pk, entry.pk) not in scored]
        if not panel or absent:
            missing.append((entry, absent))
    return missing
