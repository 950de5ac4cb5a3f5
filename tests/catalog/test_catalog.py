"""The public catalog: filters, full-text search, project pages and similar projects."""

import pytest
from django.conf import settings
from django.urls import reverse

from catalog import selectors
from catalog.enums import ProjectSource, ProjectStatus
from members.enums import Region
from programs.models import SmartCityArea
from tests.factories.catalog import ProjectFactory, ProjectImageFactory
from tests.factories.members import OrganizationFactory

pytestmark = pytest.mark.django_db
LIST = reverse("catalog:list")


@pytest.fixture
def areas(db):
    return {area.slug: area for area in SmartCityArea.objects.all()}


def titles(response) -> list[str]:
    return sorted(project.title for project in response.context["page"].object_list)


@pytest.fixture
def catalog(areas):
    ProjectFactory(
        title="Smart flood warning",
        country="KR",
        start_year=2019,
        solution="Sensors on the rivers send alerts before floods.",
        areas=[areas["water-management"], areas["disaster-risk-management"]],
        published=True,
    )
    ProjectFactory(
        title="My Safe City",
        country="MX",
        region=Region.AMERICAS,
        start_year=2018,
        source=ProjectSource.AWARD_ENTRY,
        summary="Panic buttons and cameras across the capital.",
        areas=[areas["public-safety"]],
        published=True,
    )
    ProjectFactory(
        title="São Paulo Fab Lab",
        city_name="São Paulo",
        country="BR",
        region=Region.AMERICAS,
        start_year=2019,
        source=ProjectSource.SECRETARIAT,
        summary="Free digital fabrication labs for citizens.",
        areas=[areas["innovation-startups"]],
        published=True,
    )
    ProjectFactory(title="Unpublished draft", areas=[areas["water-management"]])


def test_list_shows_published_projects_only(client, catalog):
    response = client.get(LIST)

    assert titles(response) == ["My Safe City", "Smart flood warning", "São Paulo Fab Lab"]
    assert "3 projects" in response.content.decode()


def test_list_filters_by_area_region_country_year_and_source(client, catalog):
    assert titles(client.get(LIST, {"area": "water-management"})) == ["Smart flood warning"]
    assert titles(client.get(LIST, {"area": ["water-management", "public-safety"]})) == [
        "My Safe City",
        "Smart flood warning",
    ]
    assert titles(client.get(LIST, {"region": "americas"})) == ["My Safe City", "São Paulo Fab Lab"]
    assert titles(client.get(LIST, {"country": "mx"})) == ["My Safe City"]
    assert titles(client.get(LIST, {"year": "2019"})) == [
        "Smart flood warning",
        "São Paulo Fab Lab",
    ]
    assert titles(client.get(LIST, {"source": "award_entry"})) == ["My Safe City"]


def test_facets_count_within_the_results(client, catalog):
    facets = client.get(LIST, {"region": "americas"}).context["facets"]

    by_area = {item["value"]: item["count"] for item in facets["area"]}
    assert (by_area["public-safety"], by_area["water-management"]) == (1, 0)
    assert {item["value"]: item["count"] for item in facets["source"]} == {
        "member": 0,
        "award_entry": 1,
        "project_implementer": 0,
        "secretariat": 1,
    }


def test_search_matches_words_of_the_texts(client, catalog):
    assert titles(client.get(LIST, {"q": "sensors"})) == ["Smart flood warning"]
    assert titles(client.get(LIST, {"q": "panic buttons"})) == ["My Safe City"]
    assert titles(client.get(LIST, {"q": "submarine"})) == []


def test_search_ignores_accents(client, catalog):
    assert titles(client.get(LIST, {"q": "sao paulo"})) == ["São Paulo Fab Lab"]


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="full-text search runs on PostgreSQL")
def test_full_text_search_stems_and_ranks_on_postgresql(client, catalog):
    response = client.get(LIST, {"q": "flood alert"})

    assert [p.title for p in response.context["page"].object_list] == ["Smart flood warning"]
    assert titles(client.get(LIST, {"q": "labs"})) == ["São Paulo Fab Lab"]


def test_unpublished_project_page_is_not_found(client, catalog):
    draft = selectors.Project.objects.get(title="Unpublished draft")

    assert client.get(reverse("catalog:detail", args=[draft.slug])).status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_count_is_constant(client, areas, django_assert_num_queries, count):
    for _ in range(count):
        project = ProjectFactory(areas=[areas["healthcare"], areas["education"]], published=True)
        ProjectImageFactory(project=project)

    # count, page, areas, images; facets: areas, region, country, year, source
    with django_assert_num_queries(9):
        response = client.get(LIST)

    assert response.context["page"].paginator.count == count


# --- Project page and similar projects ----------------------------------------------------------


def test_similar_projects_share_areas_and_region_most_shared_first(areas):
    water, risk, safety = (
        areas["water-management"],
        areas["disaster-risk-management"],
        areas["public-safety"],
    )
    project = ProjectFactory(title="Flood warning", areas=[water, risk], published=True)
    ProjectFactory(title="Two shared", areas=[water, risk, safety], published=True)
    ProjectFactory(title="One shared", areas=[risk], published=True)
    ProjectFactory(title="Other region", region=Region.EUROPE, areas=[water], published=True)
    ProjectFactory(title="No shared area", areas=[safety], published=True)
    ProjectFactory(title="Draft", areas=[water], status=ProjectStatus.DRAFT)

    similar = selectors.similar_projects(selectors.project_for_page(project.slug))

    assert [p.title for p in similar] == ["Two shared", "One shared"]


def test_project_page_shows_the_project_and_similar_ones(client, areas):
    city = OrganizationFactory(name="Busan", slug="busan")
    project = ProjectFactory(
        title="Flood warning",
        organization=city,
        figures=[{"value": "40", "label": "sensors"}],
        links=[{"title": "Site", "url": "https://flood.example.org"}],
        areas=[areas["water-management"]],
        published=True,
    )
    ProjectFactory(title="River cleaning drones", areas=[areas["water-management"]], published=True)

    response = client.get(project.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert "Busan" in body
    assert "sensors" in body
    assert 'href="https://flood.example.org"' in body
    assert [p.title for p in response.context["similar"]] == ["River cleaning drones"]


@pytest.mark.parametrize("count", [2, 20])
def test_similar_projects_query_count_is_constant(areas, django_assert_num_queries, count):
    water = areas["water-management"]
    project = ProjectFactory(areas=[water], published=True)
    for _ in range(count):
        ProjectImageFactory(project=ProjectFactory(areas=[water], published=True))
    page_project = selectors.project_for_page(project.slug)

    # the similar projects, their areas, their images
    with django_assert_num_queries(3):
        similar = selectors.similar_projects(page_project)
        [list(p.areas.all()) + list(p.images.all()) for p in similar]

    assert len(similar) == min(count, selectors.SIMILAR_LIMIT)


@pytest.mark.parametrize("count", [2, 20])
def test_project_page_query_count_is_constant(client, areas, django_assert_num_queries, count):
    water = areas["water-management"]
    project = ProjectFactory(areas=[water], published=True)
    for _ in range(count):
        ProjectFactory(areas=[water], published=True)
        ProjectImageFactory(project=project)

    # project, its areas, images, partners; similar projects, their areas and images
    with django_assert_num_queries(8):  # + its related news
        response = client.get(project.get_absolute_url())

    assert len(response.context["project"].images.all()) == count


def test_figures_for_wego_in_numbers(areas):
    ProjectFactory(country="KR", areas=[areas["healthcare"]], published=True)
    ProjectFactory(country="MX", areas=[areas["healthcare"], areas["education"]], published=True)
    ProjectFactory(country="BR")

    assert selectors.catalog_figures() == {
        "projects": 2,
        "countries": 2,
        "member_cities": 2,
        "areas": 2,
    }
