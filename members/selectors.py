"""Reads that span relations: the directory, profiles, overviews. Views and the API share them."""

import functools
import re
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils import translation
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname

from wego_portal.caching import CacheVersion
from wego_portal.facets import (
    cached_grouped_counts,
    choice_items,
    country_items,
    grouping_sets_counts,
    grouping_sets_sql,
    year_items,
)

from .enums import MemberType, OrganizationStatus, Region, Relationship
from .models import Office, Organization, OrganizationUser, fold
from .rules import SECRETARIAT_GROUP


def secretariat_users() -> QuerySet:
    """Active staff of the Secretariat (superusers or the "Secretariat" group), by id."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name=SECRETARIAT_GROUP))
        .distinct()
        .order_by("pk")
    )


def organization_people(organization: Organization | int | None) -> QuerySet:
    """The active people who act for ``organization`` (an object or an id), by id.

    What every notice "to the city" is sent to; ``None`` (a record of the secretariat's own)
    has nobody.
    """
    User = get_user_model()
    if organization is None:
        return User.objects.none()
    organization_id = organization if isinstance(organization, int) else organization.pk
    return (
        User.objects.filter(organization_roles__organization_id=organization_id, is_active=True)
        .distinct()
        .order_by("pk")
    )


def public_organizations() -> QuerySet[Organization]:
    """Organizations anyone may see: active members and partners."""
    return Organization.objects.filter(status=OrganizationStatus.ACTIVE).select_related("office")


def directory_queryset() -> QuerySet[Organization]:
    """The member directory: active members (partners are listed apart)."""
    return (
        public_organizations().filter(relationship=Relationship.MEMBER).order_by("sort_name", "id")
    )


def _in_every_language(field: str) -> list[str]:
    return [build_localized_fieldname(field, code) for code, _name in settings.LANGUAGES]


#: What the API's organization list shows, as columns: each translated text in every language
#: (the fallback is chosen when it is shown), the office's slug, the cursor's ``sort_name``.
ORGANIZATION_ROW_COLUMNS = (
    "slug",
    "sort_name",
    *_in_every_language("name"),
    *_in_every_language("description"),
    "member_type",
    "relationship",
    "membership_class",
    "country",
    "region",
    "city",
    "office__slug",
    "joined_on",
    "website",
    "contact_email",
    "logo_thumbnail",
)


def organization_rows(queryset: QuerySet[Organization]) -> QuerySet:
    """``queryset`` as dictionaries of ``ORGANIZATION_ROW_COLUMNS`` (one query, the office
    joined): a list page without a model instance per organization and per office, whose
    construction cost more than the query itself."""
    return queryset.values(*ORGANIZATION_ROW_COLUMNS)


#: What a directory card (members/_org_card.html) shows: the name in every language (the
#: active one falls back to the others), never the office nor the descriptions, contacts and
#: figures that make an organization's row wide.
CARD_FIELDS = (
    "name",
    *_in_every_language("name"),
    "slug",
    "logo_thumbnail",
    "member_type",
    "country",
    "region",
    "joined_on",
)


def as_cards(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """``queryset`` loading only what a card shows (half the time to fetch and build a page
    of 24 organizations)."""
    return queryset.select_related(None).only(*CARD_FIELDS)


def partner_queryset() -> QuerySet[Organization]:
    return (
        public_organizations()
        .filter(relationship=Relationship.MOU_PARTNER)
        .order_by("sort_name", "id")
    )


def directory_search(queryset: QuerySet[Organization], query: str) -> QuerySet[Organization]:
    """Match name, city or country, forgiving missing accents and (on PostgreSQL) typos.

    Every organization stores its folded (lower-case, accent-free) names, city and country
    names as ``search_text``, and its names and city alone as ``name_text``; the query is
    folded the same way. PostgreSQL matches a substring of ``search_text`` or a trigram word
    similarity to ``name_text`` at or above ``pg_trgm.word_similarity_threshold`` (set per
    connection in settings, so "Seol" finds Seoul), best matches first, each served by a GIN
    trigram index. A query without a word of three characters ("首尔", "巴黎": no trigram to
    look a substring up by) matches by similarity and by the country's names instead, so it
    never reads the whole table. SQLite, the laptop default, matches every word as a substring.
    """
    folded = fold(query)
    if not folded:
        return queryset
    if settings.USING_POSTGRES:
        # The cheap test first: PostgreSQL rechecks each row the indexes found against the
        # whole condition, left to right, so a row the substring (or country) matched skips
        # the trigram similarity, the costly part. A country's name matches all its members
        # (up to 1,900 at 100,000 organizations): half the time of the count and of the page.
        if any(len(word) >= 3 for word in _WORDS.findall(folded)):
            matches = Q(search_text__contains=folded)
        else:
            matches = Q(country__in=countries_named(folded))
        matches |= Q(name_text__trigram_word_similar=folded)
        return (
            queryset.annotate(similarity=TrigramWordSimilarity(folded, "name_text"))
            .filter(matches)
            .order_by("-similarity", "sort_name", "id")
        )
    for word in folded.split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


_WORDS = re.compile(r"\w+")


@functools.cache
def _country_names() -> dict[str, str]:
    """Each country's folded names in every language of the portal, joined (once a process)."""
    names: dict[str, list[str]] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for country in countries:
                folded = fold(str(country.name))
                known = names.setdefault(country.code, [])
                if folded not in known:
                    known.append(folded)
    return {code: " ".join(folded) for code, folded in names.items()}


def countries_named(folded: str) -> list[str]:
    """The codes of the countries one of whose names contains ``folded`` (already folded)."""
    return [code for code, names in _country_names().items() if folded in names]


#: The directory's page orders of a search, over the columns of ``DirectorySearch``'s rows:
#: relevance (the name's similarity, then name) and the other sorts the page offers.
SEARCH_ORDERS = {
    "name": "similarity DESC, sort_name, id",
    "newest": "joined_on DESC NULLS LAST, sort_name, id",
    "country": "country, sort_name, id",
}
_NAME_MATCHES = "directory_name_matches"
_NAME_MATCH_IDS = "SELECT id FROM directory_name_matches"
_MATCH_COLUMNS = (
    "id",
    "member_type",
    "region",
    "country",
    "office_id",
    "joined_year",
    "joined_on",
    "sort_name",
)


class DirectorySearch:
    """A directory search on PostgreSQL, as the union of two parts that never overlap:

    - the organizations whose names or city match the query (a substring of ``name_text``, or
      a trigram word similarity at or above the threshold), ranked by that similarity: the
      trigram index finds them, and they are read from the table once (a ``WITH`` clause
      both the counts and the page read);
    - the other organizations of the countries one of whose names contains the query
      (``countries_named``), by name: read from the covering index
      ``members_org_directory_country`` alone, never from the table.

    Together they are what ``directory_search`` matches (``search_text`` is ``name_text``
    followed by the country's names; a query of several words that names no country, such as
    "Paris France", is also looked for in ``search_text``), but a country's thousands of
    members cost an index scan, not a visit to each of their rows (at 1,000,000
    organizations a country's name took 100-300 ms; now about 10). The order differs in one
    way: a country's members that only the country matched follow the name matches in name
    order, instead of by their names' (low) similarity to the country's name. Both parts
    search ``base``: the directory with its other filters.

    A new search is one query for the counts per facet and the ids of the page asked for
    (``window``), and one for those cards; another page, one query. The search is a sequence
    of cards for Django's ``Paginator`` (whose ``count`` the facets give).
    """

    def __init__(
        self,
        base: QuerySet[Organization],
        query: str,
        sort: str = "name",
        *,
        window: tuple[int, int] | None = None,
    ) -> None:
        """``window``: the rows (from, to) of the page asked for, read with the counts."""
        self.folded = fold(query)
        self.order = SEARCH_ORDERS.get(sort, SEARCH_ORDERS["name"])
        self.window = window
        self._page_ids: tuple[int, list[int]] | None = None
        base = base.order_by().select_related(None).annotate(joined_year=ExtractYear("joined_on"))
        codes = countries_named(self.folded)
        names = Q(name_text__trigram_word_similar=self.folded)
        if any(len(word) >= 3 for word in _WORDS.findall(self.folded)):
            names |= Q(name_text__contains=self.folded)
            if " " in self.folded and not codes:
                # "Paris France": a city and its country, which only ``search_text`` holds
                # side by side.
                names |= Q(search_text__contains=self.folded)
        self._names = base.filter(names).annotate(
            similarity=TrigramWordSimilarity(self.folded, "name_text")
        )
        self._countries = (
            base.filter(country__in=codes).exclude(
                id__in=RawSQL(_NAME_MATCH_IDS, ())  # noqa: S611  # nosec B611  # a constant
            )
            if codes
            else None
        )

    def _parts(self) -> tuple[str, list, list[tuple[str, list]]] | None:
        """The ``WITH`` clause of the name matches and its parameters, and each part's query
        of ``_MATCH_COLUMNS`` and ``similarity`` with its parameters; None when a filter can
        match nothing."""
        try:
            names_sql, names_params = self._names.values(
                *_MATCH_COLUMNS, "similarity"
            ).query.sql_with_params()
        except EmptyResultSet:
            return None
        with_sql = f"WITH {_NAME_MATCHES} AS MATERIALIZED ({names_sql}) "
        columns = ", ".join(_MATCH_COLUMNS)
        parts = [
            (f"SELECT {columns}, similarity::float8 AS similarity FROM {_NAME_MATCHES}", [])  # noqa: S608  # nosec B608
        ]
        if self._countries is not None:
            countries_sql, params = self._countries.values(*_MATCH_COLUMNS).query.sql_with_params()
            parts.append(
                (
                    f"SELECT {columns}, 0::float8 AS similarity FROM ({countries_sql}) AS c",  # noqa: S608  # nosec B608
                    list(params),
                )
            )
        return with_sql, list(names_params), parts

    def grouped_counts(self) -> tuple[int, dict[str, dict]]:
        """The number of results and the counts per facet value, and the ids of the page the
        search was made for (``window``), in one query: the name matches are read once."""
        found = self._parts()
        if found is None:
            return 0, {key: {} for key in FACET_COLUMNS}
        with_sql, params, parts = found
        union = " UNION ALL ".join(sql for sql, _params in parts)
        for _sql, part_params in parts:
            params += part_params
        counted = grouping_sets_sql(union, list(FACET_COLUMNS.values()))
        sql = with_sql + counted
        if self.window is not None:
            start, stop = self.window
            page_sql, page_params = self._page_sql(parts, start, stop, "p.id")
            blanks = ", ".join(["NULL"] * (2 * len(FACET_COLUMNS) + 1))
            # The facets' rows, then one row of the page's ids in order.
            sql = (
                f"{with_sql}SELECT counted.*, NULL::bigint[] FROM ({counted}) AS counted "  # noqa: S608  # nosec B608
                f"UNION ALL SELECT {blanks}, ARRAY({page_sql})::bigint[]"
            )
            params += page_params
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if self.window is not None:
            pages = [row for row in rows if row[-1] is not None]
            self._page_ids = (self.window[0], list(pages[0][-1]) if pages else [])
            rows = [row[:-1] for row in rows if row[-1] is None]
        return grouping_sets_counts(rows, list(FACET_COLUMNS))

    def _page_sql(self, parts, start: int, stop: int, columns: str) -> tuple[str, list]:
        """``columns`` of the rows from ``start`` to ``stop`` in order (each part gives its
        first ``stop`` rows in that order, a country's members in the index's order, and the
        page is cut from their union), as ``p``; ``o`` is the organization."""
        union, params = [], []
        for sql, part_params in parts:
            union.append(f"({sql} ORDER BY {self.order} LIMIT %s)")
            params += [*part_params, stop]
        table = Organization._meta.db_table
        outer_order = ", ".join(f"p.{term.strip()}" for term in self.order.split(","))
        # Constant column names and orders, and Django's compiled (parametrized) SQL.
        sql = (
            f"SELECT {columns} FROM (SELECT * FROM ({' UNION ALL '.join(union)}) AS m "  # noqa: S608  # nosec B608
            f"ORDER BY {self.order} LIMIT %s OFFSET %s) AS p "
            f"JOIN {table} AS o ON o.id = p.id ORDER BY {outer_order}"
        )
        return sql, [*params, stop - start, start]

    def __getitem__(self, window: slice) -> list[Organization]:
        """The organizations of the cards from ``window.start`` to ``window.stop``, in order:
        the cards of the page counted with the facets (``window``), else one query."""
        start, stop = window.start or 0, window.stop
        if stop is None or stop <= start:
            return []
        if self._page_ids is not None and self._page_ids[0] == start:
            ids = self._page_ids[1][: stop - start]
            cards = as_cards(Organization.objects.filter(pk__in=ids)).order_by()
            found = {card.pk: card for card in cards}
            return [found[pk] for pk in ids if pk in found]
        parts = self._parts()
        if parts is None:
            return []
        with_sql, params, part_list = parts
        columns = ", ".join(f"o.{column}" for column in _card_columns())
        sql, page_params = self._page_sql(part_list, start, stop, columns)
        return list(Organization.objects.raw(with_sql + sql, [*params, *page_params]))


@functools.cache
def _card_columns() -> list[str]:
    """The columns of a card (``CARD_FIELDS``) and the id."""
    fields = [Organization._meta.get_field(name) for name in CARD_FIELDS]
    return ["id", *(field.column for field in fields)]


# Facet key -> column of the directory query it counts.
FACET_COLUMNS = {
    "type": "member_type",
    "region": "region",
    "country": "country",
    "office": "office_id",
    "joined": "joined_year",
}
DIRECTORY_VERSION_KEY = "members:directory-version"
FACETS_CACHE_SECONDS = 300


#: Bumped whenever an organization or an office changes (``services.directory_changed``), so
#: cached facet counts, pages and API answers are never stale.
DIRECTORY_VERSION = CacheVersion(DIRECTORY_VERSION_KEY)
directory_version = DIRECTORY_VERSION.current
bump_directory_version = DIRECTORY_VERSION.bump


def directory_facets(
    queryset: QuerySet[Organization], *, cache_key: str, search: DirectorySearch | None = None
) -> dict:
    """The result count and the counts per filter value within the current results (those
    of ``search`` when one is given, else of ``queryset``).

    One aggregate query (cached per filter combination until an organization changes) plus
    one for the office names.
    """
    total, counts = cached_grouped_counts(
        queryset.annotate(joined_year=ExtractYear("joined_on")),
        FACET_COLUMNS,
        cache_key=cache_key,
        prefix="members",
        version=DIRECTORY_VERSION,
        timeout=FACETS_CACHE_SECONDS,
        count=search.grouped_counts if search is not None else None,
    )
    offices = Office.objects.values_list("id", "slug", "name")
    return {
        "total": total,
        "type": choice_items(MemberType.choices, counts["type"]),
        "region": choice_items(Region.choices, counts["region"]),
        "country": country_items(counts["country"]),
        "office": [
            {"value": slug, "label": name, "count": counts["office"].get(str(pk), 0)}
            for pk, slug, name in offices
        ],
        "joined": year_items({int(year): n for year, n in counts["joined"].items()}),
    }


#: Seconds a rendered profile is shared. An edit of the organization shows at once (a new
#: directory version); its events, news, awards, projects and seats within this time.
PROFILE_SHARED_SECONDS = 60


def profile_version() -> str:
    """The version of the cached profiles: the directory's version and the clock's window."""
    return f"{directory_version()}.{int(time.time() // PROFILE_SHARED_SECONDS)}"


def organization_for_profile(slug: str) -> Organization:
    """A public organization (its areas are read by the profile's shared sections, only when
    those are rendered)."""
    return public_organizations().get(slug=slug)


def organizations_of_user(user) -> QuerySet[Organization]:
    return (
        Organization.objects.filter(people__user=user)
        .select_related("office")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=OrganizationUser.objects.select_related("user").order_by(
                    "role", "user__email"
                ),
            )
        )
        .order_by("sort_name")
    )


def region_overview() -> dict:
    """The annual report's "member overview": members per region and type, with totals."""
    rows = directory_queryset().order_by().values("region", "member_type").annotate(n=Count("id"))
    table = {region: dict.fromkeys(MemberType.values, 0) for region in [*Region.values, ""]}
    for row in rows:
        table.setdefault(row["region"] or "", dict.fromkeys(MemberType.values, 0))
        table[row["region"] or ""][row["member_type"]] = row["n"]
    lines = []
    for region, counts in table.items():
        total = sum(counts.values())
        if region == "" and total == 0:
            continue
        lines.append(
            {
                "region": region,
                "label": Region(region).label if region else "Region not recorded",
                "counts": [counts[t] for t in MemberType.values],
                "total": total,
            }
        )
    type_totals = [sum(line["counts"][i] for line in lines) for i in range(len(MemberType.values))]
    return {
        "types": [label for _v, label in MemberType.choices],
        "lines": lines,
        "type_totals": type_totals,
        "total": sum(type_totals),
    }


def members_by_country() -> list[dict]:
    rows = (
        directory_queryset()
        .exclude(country="")
        .order_by()
        .values("country")
        .annotate(n=Count("id"))
    )
    return sorted(
        (
            {"code": r["country"], "name": countries.name(r["country"]), "count": r["n"]}
            for r in rows
        ),
        key=lambda item: (-item["count"], item["name"]),
    )


def offices_with_counts() -> QuerySet[Office]:
    return (
        Office.objects.annotate(
            member_count=Count(
                "organizations",
                filter=Q(
                    organizations__status=OrganizationStatus.ACTIVE,
                    organizations__relationship=Relationship.MEMBER,
                ),
            )
        )
        .select_related("approval_decision")
        .order_by("kind", "opened_year", "name")
    )


def network_figures() -> dict:
    """Headline figures for the home page (two aggregate queries)."""
    figures = (
        directory_queryset()
        .order_by()
        .aggregate(
            members=Count("id"),
            local_governments=Count("id", filter=Q(member_type=MemberType.LOCAL_GOVERNMENT)),
            countries=Count("country", distinct=True, filter=~Q(country="")),
        )
    )
    return {**figures, "offices": Office.objects.count()}


# --- The public profile ------------------------------------------------------------------------

#: Program results a profile shows: the public outcome of a selection, never a draft or review.
PUBLIC_PROGRAM_OUTCOMES = (
    "beneficiary_selected",
    "consulting_company_selected",
    "feasibility_study",
    "pilot_project",
    "completed",
    "partners_connected",
    "in_implementation",
)


def wego_roles(organization: Organization) -> list[str]:
    """What the member is in WeGO beyond membership: president city, seat of an office (two
    queries). Seats on governing bodies are listed by the governance app's own section."""
    from django.utils.translation import gettext as _

    from .models import AboutPage

    roles = []
    about = AboutPage.objects.only("president_organization_id", "president_title").first()
    if about is not None and about.president_organization_id == organization.pk:
        roles.append(_("President city: WeGO's President is the head of this member"))
    if organization.member_type != MemberType.LOCAL_GOVERNMENT:
        return roles  # an office is seated in a city, not in a company or an institution
    names = {fold(organization.name), fold(organization.city)} - {""}
    for office in Office.objects.filter(country=organization.country):
        city = fold(office.city)
        if city in names or f"{city} region" in names:  # "Ulyanovsk Region" seats Ulyanovsk's
            roles.append(_("Seat of the %(office)s") % {"office": office.name})
    return roles


def public_program_outcomes(organization: Organization) -> list:
    """The member's program results that are public: selections and their later stages (one
    query). Applications under review, drafts and declines are never shown."""
    from programs.models import Application

    return list(
        Application.objects.filter(organization=organization, status__in=PUBLIC_PROGRAM_OUTCOMES)
        .select_related("call__program")
        .order_by("-status_changed_at", "-id")[:10]
    )


def about_page():
    """The "About WeGO" page with its entries grouped by kind (two queries), or None."""
    from .enums import AboutEntryKind
    from .models import AboutEntry, AboutPage

    page = (
        AboutPage.objects.select_related("president_organization")
        .prefetch_related(
            Prefetch("entries", queryset=AboutEntry.objects.order_by("position", "id"))
        )
        .first()
    )
    if page is None:
        return None
    entries = list(page.entries.all())
    page.pillars = [e for e in entries if e.kind == AboutEntryKind.PILLAR]
    page.advisers = [e for e in entries if e.kind == AboutEntryKind.ADVISER]
    page.milestones = sorted(
        (e for e in entries if e.kind == AboutEntryKind.MILESTONE),
        key=lambda e: (e.year or 0, e.position, e.pk),
    )
    return page
