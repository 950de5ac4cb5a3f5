"""The directory page's search on PostgreSQL (``members.selectors.DirectorySearch``): the
names part and the country part, the same results and counts as ``directory_search``, the
country part read from its covering index alone."""

import re

import pytest
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.urls import reverse

from members.enums import MemberType, OrganizationStatus, Region
from members.filters import DirectoryFilter
from members.models import Organization
from members.selectors import (
    FACET_COLUMNS,
    DirectorySearch,
    directory_queryset,
    directory_search,
)
from tests.factories.members import OfficeFactory, OrganizationFactory
from wego_portal.facets import grouped_counts

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.USING_POSTGRES,
        reason="DirectorySearch is PostgreSQL's (pg_trgm, covering index); CI runs PostgreSQL",
    ),
]

QUERIES = [
    "korea",  # a country's name (English): the country part
    "韩国",  # the same in Chinese: no three-character word
    "brasil",  # in Portuguese, Spanish
    "seol",  # a typo: the names' similarity
    "sao paulo",  # a name and city, accents folded
    "paris france",  # a city and its country side by side
    "south korea",  # a country's name of two words
    "city",  # in many names
    "首尔",  # a name in Chinese
    "nothing like it",
]


@pytest.fixture
def world(db):
    office = OfficeFactory(slug="east-asia")
    rows = [
        ("Seoul", "KR", MemberType.LOCAL_GOVERNMENT, "2010-09-01", office),
        ("Busan", "KR", MemberType.LOCAL_GOVERNMENT, "2012-05-01", None),
        ("Seoul Digital Foundation", "KR", MemberType.INSTITUTION, "2019-12-16", office),
        ("Korea Smart City Association", "US", MemberType.INSTITUTION, "2015-01-01", None),
        ("Korean Air Smart Lab", "FR", MemberType.CORPORATION, None, None),
        ("São Paulo", "BR", MemberType.LOCAL_GOVERNMENT, "2011-03-01", None),
        ("Paris", "FR", MemberType.LOCAL_GOVERNMENT, "2014-06-01", None),
        ("Lyon City", "FR", MemberType.LOCAL_GOVERNMENT, "2016-06-01", None),
        ("Abuja City", "NG", MemberType.LOCAL_GOVERNMENT, "2019-12-03", None),
    ]
    for name, country, member_type, joined_on, seat in rows:
        OrganizationFactory(
            name=name,
            country=country,
            member_type=member_type,
            joined_on=joined_on,
            office=seat,
            region=Region.AFRICA if country == "NG" else Region.ASIA_PACIFIC,
        )
    OrganizationFactory(name="Old Korea City", country="KR", status=OrganizationStatus.FORMER)
    Organization.objects.filter(name="Seoul").update(name_zh_hans="首尔")
    seoul = Organization.objects.get(name="Seoul")
    seoul.save()  # the Chinese name joins name_text and search_text


def _all(search: DirectorySearch) -> list[Organization]:
    return search[0:1000]


def _expected_counts(queryset) -> tuple[int, dict]:
    return grouped_counts(queryset.annotate(joined_year=ExtractYear("joined_on")), FACET_COLUMNS)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("filters", [{}, {"member_type": MemberType.LOCAL_GOVERNMENT}])
def test_the_search_finds_and_counts_what_the_single_query_search_does(world, query, filters):
    base = directory_queryset().filter(**filters)
    expected = directory_search(base, query)

    search = DirectorySearch(base, query)

    assert sorted(o.pk for o in _all(search)) == sorted(expected.values_list("pk", flat=True))
    assert search.grouped_counts() == _expected_counts(expected)


def test_a_countrys_name_lists_the_names_like_it_first_then_the_country_by_name(world):
    found = [o.name for o in _all(DirectorySearch(directory_queryset(), "korea"))]

    assert found == [
        "Korea Smart City Association",  # similarity 1 (in the United States)
        "Korean Air Smart Lab",  # 0.83 (in France)
        "Busan",  # then the members in Korea the name did not match, by name
        "Seoul",
        "Seoul Digital Foundation",
    ]


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("newest", lambda o: (-(o.joined_on.toordinal() if o.joined_on else 0), o.sort_name)),
        ("country", lambda o: (o.country.code, o.sort_name)),
    ],
)
def test_the_other_sorts_order_every_result(world, sort, key):
    found = _all(DirectorySearch(directory_queryset(), "korea", sort))

    assert [o.pk for o in found] == [o.pk for o in sorted(found, key=key)]
    assert len(found) == 5


def test_pages_cut_the_same_order(world):
    search = DirectorySearch(directory_queryset(), "korea")
    whole = [o.pk for o in _all(search)]

    assert [o.pk for o in search[0:2]] + [o.pk for o in search[2:4]] == whole[:4]
    assert [o.pk for o in search[4:6]] == whole[4:]
    assert search[6:8] == []


def test_the_page_asked_for_is_read_with_the_counts(world, django_assert_num_queries):
    """The name matches are read once: the counts and the page's ids in one query, then the
    cards of those ids."""
    alone = [o.pk for o in DirectorySearch(directory_queryset(), "korea")[2:4]]
    search = DirectorySearch(directory_queryset(), "korea", window=(2, 4))

    with django_assert_num_queries(1):
        total, counts = search.grouped_counts()
    with django_assert_num_queries(1):
        cards = search[2:4]

    assert total == 5 and counts["country"] == {"KR": 3, "US": 1, "FR": 1}
    assert [o.pk for o in cards] == alone
    with django_assert_num_queries(1):  # another page: its own query
        assert len(search[0:2]) == 2


def test_a_filter_that_can_match_nothing_gives_nothing(world):
    search = DirectorySearch(Organization.objects.none(), "korea", window=(0, 24))

    assert search.grouped_counts() == (0, {key: {} for key in FACET_COLUMNS})
    assert search[0:24] == []


def test_a_countrys_members_are_read_from_the_covering_index_alone(world):
    """The country part needs no row of the table (at 1,000,000 organizations its plan is an
    "Index Only Scan using members_org_directory_country", "Heap Fetches: 0"): whatever the
    page's other filters, it reads only columns that index holds, or that its condition
    fixes (status, relationship)."""
    index = next(i for i in Organization._meta.indexes if i.name == "members_org_directory_country")
    held = {Organization._meta.get_field(name).column for name in [*index.fields, *index.include]}
    fixed = {"status", "relationship"}
    filters = DirectoryFilter(
        {
            "q": "korea",
            "type": "local_government",
            "region": "asia_pacific",
            "joined": "2010",
            "office": "east-asia",
        },
        queryset=directory_queryset(),
        search_apart=True,
    )
    search = DirectorySearch(filters.qs, "korea", window=(0, 24))

    _with, _params, parts = search._parts()
    by_country, _part_params = parts[1]
    read = set(re.findall(r'"members_organization"\."(\w+)"', by_country))

    assert read and read <= held | fixed, read - held - fixed
    assert index.condition == Q(status="active", relationship="member")


def test_the_directory_page_searches_and_pages(client, world):
    page_one = client.get(reverse("members:directory"), {"q": "korea"})
    cards = [o.name for o in page_one.context["page"].object_list]

    assert cards[:2] == ["Korea Smart City Association", "Korean Air Smart Lab"]
    assert page_one.context["page"].paginator.count == 5
    assert "5 members" in page_one.content.decode()

    newest = client.get(reverse("members:directory"), {"q": "korea", "sort": "newest"})
    assert newest.context["page"].object_list[0].name == "Seoul Digital Foundation"


@pytest.mark.parametrize("page", ["999999999999999999999", "-3", "x", "1e9", "2"])
def test_any_page_number_of_a_search_gets_a_page(client, world, page):
    response = client.get(reverse("members:directory"), {"q": "korea", "page": page})

    assert response.status_code == 200
    shown = response.context["page"]
    assert shown.number == (1 if page in {"-3", "x"} else shown.paginator.num_pages)
    assert len(shown.object_list) == 5
