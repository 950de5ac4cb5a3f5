"""Reads of the project catalog, shared by the HTML views, the admin, the member profiles, the
(later) API and "WeGO in numbers". What the public sees is decided here once."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Count, F, Prefetch, Q, QuerySet

from members.enums import Region
from members.models import Organization, fold
from members.rules import organization_roles
from programs.models import SmartCityArea
from wego_portal.facets import (
    choice_items,
    country_items,
    related_items,
    value_counts,
    year_items,
)

from .enums import ProjectSource, ProjectStatus
from .models import Project, ProjectImage

#: How many projects the "Similar projects" block shows.
SIMILAR_LIMIT = 4


def _card_prefetches() -> list:
    return [
        Prefetch("areas", queryset=SmartCityArea.objects.order_by("position", "name")),
        Prefetch("images", queryset=ProjectImage.objects.order_by("position", "id")),
    ]


def published_projects() -> QuerySet[Project]:
    """The public catalog, newest first, each with its city, areas and images (three queries
    for a page of any length)."""
    return (
        Project.objects.filter(status=ProjectStatus.PUBLISHED)
        .select_related("organization")
        .prefetch_related(*_card_prefetches())
        .order_by("-published_at", "title", "id")
    )


def project_search(queryset: QuerySet[Project], query: str) -> QuerySet[Project]:
    """Full-text search: on PostgreSQL a weighted search vector (title, then summary and city,
    then problem, solution and results), English stemming ("floods" finds "flood"), best
    matches first, or the whole phrase in the folded text (so "sao paulo" finds "São Paulo");
    elsewhere every word must appear in the folded text (accents ignored)."""
    query = " ".join(query.split())[:200]
    if not query:
        return queryset
    if settings.USING_POSTGRES:
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", "city_name", weight="B", config="english")
            + SearchVector("problem", "solution", "results", weight="C", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        return (
            queryset.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(Q(document=search) | Q(search_text__contains=fold(query)))
            .order_by("-rank", "-published_at", "id")
        )
    for word in fold(query).split()[:8]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def project_facets(queryset: QuerySet[Project]) -> dict[str, list[dict]]:
    """Counts per area, region, country, start year and source within ``queryset`` (five
    queries)."""
    areas = SmartCityArea.objects.order_by("position", "name")
    return {
        "area": related_items(areas, "catalog_projects", queryset),
        "region": choice_items(Region.choices, value_counts(queryset, "region")),
        "country": country_items(value_counts(queryset, "country")),
        "year": year_items(value_counts(queryset, "start_year")),
        "source": choice_items(ProjectSource.choices, value_counts(queryset, "source")),
    }


def project_for_page(slug: str) -> Project:
    """A published project with everything its page shows. Raises ``Project.DoesNotExist``."""
    return (
        published_projects()
        .select_related("award_entry__edition", "award_entry__category", "application__call")
        .prefetch_related(
            Prefetch("partners", queryset=Organization.objects.order_by("sort_name")),
        )
        .get(slug=slug)
    )


def similar_projects(project: Project, *, limit: int = SIMILAR_LIMIT) -> list[Project]:
    """Published projects of the same region sharing at least one area, most shared areas
    first (one query, plus two for their areas and images). Uses ``project.areas`` as
    prefetched by ``project_for_page``."""
    area_ids = [area.pk for area in project.areas.all()]
    if not area_ids:
        return []
    return list(
        Project.objects.filter(status=ProjectStatus.PUBLISHED, region=project.region)
        .exclude(pk=project.pk)
        .filter(areas__in=area_ids)
        .annotate(shared_areas=Count("areas"))
        .select_related("organization")
        .prefetch_related(*_card_prefetches())
        .order_by("-shared_areas", F("start_year").desc(nulls_last=True), "title", "id")[:limit]
    )


def projects_of_organization(organization, *, limit: int = 12) -> list[Project]:
    """Published projects of a member (its city's, or as a partner), for its profile."""
    return list(
        Project.objects.filter(status=ProjectStatus.PUBLISHED)
        .filter(Q(organization=organization) | Q(partners=organization))
        .distinct()
        .order_by(F("start_year").desc(nulls_last=True), "title", "id")[:limit]
    )


def projects_of_user(user) -> QuerySet[Project]:
    """Every project of the organizations ``user`` acts for, in any status."""
    return (
        Project.objects.filter(organization_id__in=list(organization_roles(user)))
        .select_related("organization")
        .order_by("-updated_at", "-id")
    )


def project_for_portal() -> QuerySet[Project]:
    return Project.objects.select_related("organization").prefetch_related(
        *_card_prefetches(),
        Prefetch("partners", queryset=Organization.objects.order_by("sort_name")),
    )


def projects_awaiting_review() -> QuerySet[Project]:
    return Project.objects.filter(status=ProjectStatus.SUBMITTED)


# --- Candidates for one-click publication ------------------------------------------------------


def award_entries_not_in_catalog() -> QuerySet:
    """Winners and special mentions of published WeGO Awards results not yet in the catalog.

    Reads ``awards.Entry`` (status, result, edition.results_published / is_public) as that
    app defines an awarded, public entry.
    """
    from awards.enums import EntryStatus, Result
    from awards.models import Entry

    return (
        Entry.objects.filter(
            status=EntryStatus.SUBMITTED,
            result__in=Result.values,
            edition__results_published=True,
            edition__is_public=True,
            catalog_project__isnull=True,
        )
        .select_related("edition", "category", "organization")
        .order_by("-edition__year", "category__position", "-result", "entrant_name", "id")
    )


def completed_projects_not_in_catalog() -> QuerySet:
    """Completed Project Implementer projects not yet in the catalog."""
    from programs.enums import ApplicationKind, ApplicationStatus
    from programs.models import Application

    return (
        Application.objects.filter(
            kind=ApplicationKind.PROJECT_IMPLEMENTER,
            status=ApplicationStatus.COMPLETED,
            catalog_project__isnull=True,
        )
        .select_related("organization", "project", "call")
        .order_by("-status_changed_at", "-id")
    )


# --- Figures -----------------------------------------------------------------------------------


def catalog_figures() -> dict:
    """Headline figures for "WeGO in numbers" (two aggregate queries)."""
    published = Project.objects.filter(status=ProjectStatus.PUBLISHED)
    figures = published.aggregate(
        projects=Count("id"),
        countries=Count("country", distinct=True, filter=~Q(country="")),
        member_cities=Count("organization", distinct=True),
    )
    figures["areas"] = (
        SmartCityArea.objects.filter(catalog_projects__status=ProjectStatus.PUBLISHED)
        .distinct()
        .count()
    )
    return figures
