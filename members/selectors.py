"""Reads that span relations: the directory, profiles, overviews. Views and the API share them."""

import functools
import re
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import translation
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname

from wego_portal.caching import CacheVersion
from wego_portal.facets import cached_grouped_counts, choice_items, country_items, year_items

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


def directory_facets(queryset: QuerySet[Organization], *, cache_key: str) -> dict:
    """The result count and the counts per filter value within the current results.

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
