import pytest

from health.enums import HealthTopic
from programs.models import SmartCityArea
from tests.factories.catalog import ProjectFactory
from tests.factories.health import InitiativeFactory, SupplierCategoryFactory, SupplierFactory

pytestmark = pytest.mark.django_db
PROJECTS = "/api/v1/catalog/projects/"
INITIATIVES = "/api/v1/health/initiatives/"
SUPPLIERS = "/api/v1/health/suppliers/"


def field(response, name):
    return [row[name] for row in response.json()["results"]]


def test_projects_are_the_published_ones_with_the_catalog_filters(api, seoul, makati):
    water = SmartCityArea.objects.get(slug="water-management")
    ProjectFactory(title="Flood sensors", organization=seoul, published=True, areas=[water])
    ProjectFactory(title="Manila bay", organization=makati, country="PH", published=True)
    ProjectFactory(title="Draft", organization=seoul)

    everything = api.get(PROJECTS)
    by_area = api.get(PROJECTS, {"area": "water-management"})
    by_country = api.get(PROJECTS, {"country": "ph"})

    assert sorted(field(everything, "title")) == ["Flood sensors", "Manila bay"]
    assert field(by_area, "title") == ["Flood sensors"]
    assert field(by_area, "areas") == [["water-management"]]
    assert field(by_country, "title") == ["Manila bay"]


def test_a_draft_project_is_a_404(api, seoul):
    ProjectFactory(slug="draft", organization=seoul)

    assert api.get(f"{PROJECTS}draft/").status_code == 404


def test_projects_paginate_by_page(api, seoul):
    for _ in range(3):
        ProjectFactory(organization=seoul, published=True)

    first = api.get(PROJECTS, {"page_size": 2})
    second = api.get(first.json()["next"])
    beyond = api.get(PROJECTS, {"page": 9})

    assert (first.json()["count"], len(first.json()["results"])) == (3, 2)
    assert len(second.json()["results"]) == 1
    assert beyond.status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_projects_query_count_is_constant(api, seoul, django_assert_num_queries, count):
    for _ in range(count):
        ProjectFactory(organization=seoul, published=True)

    with django_assert_num_queries(4):  # count, page, areas, images
        response = api.get(PROJECTS)

    assert len(response.json()["results"]) == count


def test_initiatives_are_the_published_ones_with_filters(api, seoul, makati):
    InitiativeFactory(title="Testing", organization=seoul, published=True)
    InitiativeFactory(
        title="Tracing", organization=makati, topic=HealthTopic.CONTACT_TRACING, published=True
    )
    draft = InitiativeFactory(title="Draft", organization=seoul)

    by_topic = api.get(INITIATIVES, {"topic": "contact_tracing"})
    by_member = api.get(INITIATIVES, {"member": "seoul"})

    assert field(by_topic, "title") == ["Tracing"]
    assert field(by_member, "title") == ["Testing"]
    assert api.get(f"{INITIATIVES}{draft.pk}/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_initiatives_query_count_is_constant(api, seoul, django_assert_num_queries, count):
    for _ in range(count):
        InitiativeFactory(organization=seoul, published=True)

    with django_assert_num_queries(2):  # count, page
        response = api.get(INITIATIVES)

    assert len(response.json()["results"]) == count


def test_suppliers_filter_by_category_without_contact_details(api):
    kits = SupplierCategoryFactory(slug="test-kits")
    SupplierFactory(name="Kits Co", slug="kits", categories=[kits])
    SupplierFactory(name="Masks Co", slug="masks")
    SupplierFactory(name="Hidden", slug="hidden", is_published=False)

    everything = api.get(SUPPLIERS)
    kits_only = api.get(SUPPLIERS, {"category": "test-kits"})

    assert field(everything, "name") == ["Kits Co", "Masks Co"]
    assert field(kits_only, "name") == ["Kits Co"]
    assert "contact_email" not in everything.json()["results"][0]
    assert api.get(f"{SUPPLIERS}hidden/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_suppliers_query_count_is_constant(api, django_assert_num_queries, count):
    for _ in range(count):
        SupplierFactory()

    with django_assert_num_queries(3):  # count, page, categories
        response = api.get(SUPPLIERS)

    assert len(response.json()["results"]) == count
