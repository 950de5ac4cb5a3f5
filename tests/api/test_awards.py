import pytest

from awards.enums import Result
from tests.factories.awards import CategoryFactory, EditionFactory, EntryFactory

pytestmark = pytest.mark.django_db
EDITIONS = "/api/v1/award-editions/"
MINE = "/api/v1/me/award-entries/"


@pytest.fixture
def published(seoul):
    edition = EditionFactory(year=2020, number=4, published=True)
    category = CategoryFactory(edition=edition, name="Smart Governance", slug="governance")
    EntryFactory(category=category, organization=seoul, project_title="Seoul Talk", winner=True)
    EntryFactory(category=category, project_title="Not awarded", submitted=True)
    return edition


def test_editions_list_newest_first_with_counts(api, published):
    EditionFactory(year=2022, number=5)
    EditionFactory(year=2024, number=6, is_public=False)

    response = api.get(EDITIONS)

    assert [(e["year"], e["category_count"], e["award_count"]) for e in response.json()] == [
        (2022, 0, 0),
        (2020, 1, 1),
    ]


def test_edition_detail_has_categories_and_published_results(api, published):
    response = api.get(f"{EDITIONS}2020/")

    body = response.json()
    assert [c["slug"] for c in body["categories"]] == ["governance"]
    assert [
        (r["category"]["slug"], [w["project_title"] for w in r["winners"]]) for r in body["results"]
    ] == [("governance", ["Seoul Talk"])]


def test_unpublished_results_are_not_shown(api, seoul):
    edition = EditionFactory(year=2030, number=9)
    EntryFactory(category__edition=edition, organization=seoul, winner=True)

    response = api.get(f"{EDITIONS}2030/")

    assert response.json()["results"] == []


def test_a_hidden_edition_is_a_404(api):
    EditionFactory(year=2031, number=10, is_public=False)

    assert api.get(f"{EDITIONS}2031/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_editions_query_count_is_constant(api, django_assert_num_queries, count):
    for n in range(count):
        EditionFactory(year=2100 + n, number=100 + n)

    with django_assert_num_queries(1):
        response = api.get(EDITIONS)

    assert len(response.json()) == count


def test_my_entries_need_a_user(api):
    assert api.get(MINE).status_code == 401


def test_my_entries_are_my_organizations_only(api, seoul_editor, seoul, makati):
    mine = EntryFactory(organization=seoul, project_title="Mine")
    theirs = EntryFactory(organization=makati, project_title="Theirs")
    api.force_authenticate(seoul_editor)

    listed = api.get(MINE)
    other = api.get(f"{MINE}{theirs.pk}/")
    own = api.get(f"{MINE}{mine.pk}/")

    assert [e["project_title"] for e in listed.json()] == ["Mine"]
    assert other.status_code == 404
    assert own.json()["organization"] == "seoul"


def test_my_entry_result_is_hidden_until_published(api, seoul_editor, seoul):
    entry = EntryFactory(organization=seoul, result=Result.WINNER, submitted=True)
    api.force_authenticate(seoul_editor)

    assert api.get(f"{MINE}{entry.pk}/").json()["result"] == ""


@pytest.mark.parametrize("count", [2, 20])
def test_my_entries_query_count_is_constant(
    api, seoul_editor, seoul, django_assert_num_queries, count
):
    for _ in range(count):
        EntryFactory(organization=seoul)
    api.force_authenticate(seoul_editor)

    with django_assert_num_queries(1):
        response = api.get(MINE)

    assert len(response.json()) == count
