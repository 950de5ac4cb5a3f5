import pytest
from django.conf import settings
from django.urls import reverse

from members import services
from members.enums import MemberType, OrganizationStatus, Region, Relationship
from members.models import Organization
from members.selectors import directory_queryset, directory_search
from tests.factories.accounts import UserFactory
from tests.factories.members import OfficeFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
DIRECTORY = reverse("members:directory")


def names(response) -> list[str]:
    return [org.name for org in response.context["page"].object_list]


@pytest.fixture
def network(db):
    chengdu = OfficeFactory(slug="east-asia", name="East Asia Regional Office")
    abuja = OfficeFactory(
        slug="africa", name="Africa Regional Office", country="NG", regions=["africa"]
    )
    OrganizationFactory(name="Seoul", country="KR", office=chengdu, joined_on="2010-09-01")
    OrganizationFactory(name="São Paulo", country="BR", region=Region.AMERICAS, city="São Paulo")
    OrganizationFactory(
        name="Abuja", country="NG", region=Region.AFRICA, office=abuja, joined_on="2019-12-03"
    )
    OrganizationFactory(
        name="UCWARE",
        country="",
        region="",
        member_type=MemberType.CORPORATION,
        joined_on="2019-10-28",
    )
    OrganizationFactory(
        name="Seoul Digital Foundation", member_type=MemberType.INSTITUTION, joined_on="2019-12-16"
    )
    OrganizationFactory(name="Old City", status=OrganizationStatus.FORMER)
    OrganizationFactory(
        name="Smart City Institute Japan", country="JP", relationship=Relationship.MOU_PARTNER
    )


def test_directory_lists_active_members_only_with_a_count(client, network):
    response = client.get(DIRECTORY)

    assert response.status_code == 200
    assert names(response) == ["Abuja", "São Paulo", "Seoul", "Seoul Digital Foundation", "UCWARE"]
    assert "5 members" in response.content.decode()


def test_directory_filters_by_type_and_region(client, network):
    response = client.get(DIRECTORY, {"type": "local_government", "region": ["africa", "americas"]})

    assert names(response) == ["Abuja", "São Paulo"]


def test_directory_filters_by_country_office_and_joined_year(client, network):
    assert names(client.get(DIRECTORY, {"country": "ng"})) == ["Abuja"]
    assert names(client.get(DIRECTORY, {"office": "east-asia"})) == ["Seoul"]
    assert names(client.get(DIRECTORY, {"joined": "2019"})) == [
        "Abuja",
        "Seoul Digital Foundation",
        "UCWARE",
    ]


def test_directory_search_ignores_case_and_accents(client, network):
    assert names(client.get(DIRECTORY, {"q": "sao PAULO"})) == ["São Paulo"]
    assert names(client.get(DIRECTORY, {"q": "nigeria"})) == ["Abuja"]


@pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="typo tolerance uses pg_trgm (CI runs PostgreSQL)"
)
def test_directory_search_forgives_typos_on_postgresql(client, network):
    response = client.get(DIRECTORY, {"q": "Seol"})

    assert names(response)[0] == "Seoul"
    assert "Abuja" not in names(response)


def test_name_text_holds_the_names_and_city_without_the_country_names(network):
    seoul = Organization.objects.get(name="Seoul")
    sao_paulo = Organization.objects.get(name="São Paulo")

    assert seoul.name_text == "seoul"
    assert "korea" in seoul.search_text
    assert sao_paulo.name_text == "sao paulo"
    assert "brazil" in sao_paulo.search_text


@pytest.mark.parametrize("query", ["韩国", "KOREA", "brasil"])
def test_directory_search_finds_members_by_their_countrys_name_in_any_language(
    client, network, query
):
    found = names(client.get(DIRECTORY, {"q": query}))

    expected = ["São Paulo"] if query == "brasil" else ["Seoul", "Seoul Digital Foundation"]
    assert sorted(found) == expected


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="the trigram indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("query", "substring"), [("首尔", False), ("巴黎", False), ("seol", True), ("сеул", True)]
)
def test_directory_search_asks_only_what_a_trigram_index_can_answer(network, query, substring):
    """A query without a word of three characters has no trigram to look a substring up by:
    a LIKE would read the whole table (two seconds at 100,000 organizations), so it is not
    asked; similarity to the names and the country's names are."""
    sql, _params = directory_search(directory_queryset(), query).query.sql_with_params()
    where = sql.split(" WHERE ", 1)[1]

    assert ("LIKE" in where) is substring
    assert '"members_organization"."name_text" %%>' in where  # %> escaped


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="the trigram indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("query", "cheap"), [("korea", "LIKE"), ("韩国", '"members_organization"."country" IN')]
)
def test_directory_search_tests_the_substring_or_country_before_the_similarity(
    network, query, cheap
):
    """PostgreSQL rechecks the rows the indexes found against the condition left to right: with
    the cheap test first, the rows it matches (a whole country's) skip the similarity."""
    sql, _params = directory_search(directory_queryset(), query).query.sql_with_params()
    matches = sql.split(" WHERE ", 1)[1]

    assert matches.index(cheap) < matches.index('"members_organization"."name_text" %%>')


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="the ranking is pg_trgm's similarity")
def test_directory_search_ranks_by_similarity_then_name(client):
    """Names like the query first (most alike first: similarity 1, 0.83), then the other
    members of the country the query names, by name (on PostgreSQL these come from an index
    alone: their names are not compared with the query)."""
    for name, country in [
        ("Busan", "KR"),
        ("Oreo Town", "KR"),
        ("Korean City", "US"),
        ("Seoul", "KR"),
        ("Korea Smart Hub", "FR"),
        ("Anyang", "KR"),
        ("Paris", "FR"),
        ("Koera Institute", "FR"),  # 0.33: below the threshold, and not in Korea
    ]:
        OrganizationFactory(name=name, country=country)

    found = names(client.get(DIRECTORY, {"q": "korea"}))

    assert found == ["Korea Smart Hub", "Korean City", "Anyang", "Busan", "Oreo Town", "Seoul"]


def test_directory_cards_load_only_what_a_card_shows(client, network):
    response = client.get(DIRECTORY, {"q": "seoul"})

    seoul = response.context["page"].object_list[0]
    assert {"description", "search_text", "contact_email", "office_id"} <= (
        seoul.get_deferred_fields()
    )
    assert not {"name", "name_ko", "slug", "member_type", "country", "region"} & (
        seoul.get_deferred_fields()
    )


@pytest.mark.parametrize("language", ["en", "ko", "ar"])
def test_member_type_and_region_labels_are_djangos_in_every_language(language):
    from django.db.models import Model
    from django.utils import translation

    organizations = [
        Organization(member_type=member_type, region=region)
        for member_type in MemberType.values
        for region in [*Region.values, ""]
    ]
    with translation.override(language):
        for organization in organizations:
            fields = Organization._meta
            assert organization.get_member_type_display() == Model._get_FIELD_display(
                organization, fields.get_field("member_type")
            )
            assert organization.get_region_display() == Model._get_FIELD_display(
                organization, fields.get_field("region")
            )


def test_directory_facets_count_the_current_results(client, network):
    response = client.get(DIRECTORY, {"type": "local_government"})

    facets = response.context["facets"]
    assert {f["value"]: f["count"] for f in facets["region"]} == {
        "africa": 1,
        "europe": 0,
        "middle_east": 0,
        "americas": 1,
        "asia_pacific": 1,
    }
    assert [(f["value"], f["count"]) for f in facets["joined"]] == [(2019, 1), (2010, 1)]


def test_directory_sorts_newest_first(client, network):
    response = client.get(DIRECTORY, {"sort": "newest", "joined": "2019"})

    assert names(response) == ["Seoul Digital Foundation", "Abuja", "UCWARE"]


def test_directory_selected_filters_link_to_the_view_without_them(client, network):
    response = client.get(DIRECTORY, {"type": "corporation", "q": "uc"})

    chips = {chip["label"]: chip["url"] for chip in response.context["selected"]}
    assert chips["Corporation"] == "?q=uc"
    assert chips["“uc”"] == "?type=corporation"


def test_directory_paginates_24_per_page(client):
    for n in range(30):
        OrganizationFactory(name=f"Town {n:02d}")

    first = client.get(DIRECTORY)
    second = client.get(DIRECTORY, {"page": 2})

    assert len(names(first)) == 24
    assert names(second) == [f"Town {n:02d}" for n in range(24, 30)]
    assert 'href="?page=2"' in first.content.decode()


def test_directory_empty_state_says_what_to_do(client, network):
    response = client.get(DIRECTORY, {"q": "atlantis"})

    assert names(response) == []
    assert "No members match" in response.content.decode()


def test_partners_are_shown_apart_from_members(client, network):
    response = client.get(reverse("members:partners"))

    assert [org.name for org in response.context["page"].object_list] == [
        "Smart City Institute Japan"
    ]
    assert "Smart City Institute Japan" not in names(client.get(DIRECTORY))


def test_profile_shows_the_facts(client, network):
    response = client.get(reverse("members:profile", kwargs={"slug": network_slug("Abuja")}))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 lang="en">Abuja</h1>' in html
    assert "3 December 2019" in html
    assert "Africa Regional Office" in html


def network_slug(name):
    from members.models import Organization

    return Organization.objects.get(name=name).slug


def test_profile_of_a_former_member_is_not_found(client, network):
    response = client.get(reverse("members:profile", kwargs={"slug": network_slug("Old City")}))

    assert response.status_code == 404


def test_overview_counts_members_by_region_and_type(client, network):
    response = client.get(reverse("members:overview"))

    overview = response.context["overview"]
    lines = {line["region"]: line["counts"] for line in overview["lines"]}
    assert lines["africa"] == [1, 0, 0]
    assert lines["asia_pacific"] == [1, 0, 1]
    assert lines[""] == [0, 1, 0]
    assert overview["total"] == 5


def test_offices_list_and_office_page_show_their_members(client, network):
    offices = client.get(reverse("members:offices"))
    office = client.get(reverse("members:office", kwargs={"slug": "africa"}))

    assert "Africa Regional Office" in offices.content.decode()
    assert [org.name for org in office.context["page"].object_list] == ["Abuja"]


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize("query", ["city", "korea"])  # in the names; the country's name
def test_directory_query_count_is_constant(client, django_assert_num_queries, count, query):
    office = OfficeFactory()
    for n in range(count):
        OrganizationFactory(office=office, joined_on=f"20{10 + n % 10}-01-01")

    # the count and every facet in one query, the office names, the page's rows (the cards
    # show only what the rows loaded: no query per card)
    with django_assert_num_queries(3):
        response = client.get(DIRECTORY, {"type": "local_government", "q": query})
    # the same filters again: counts come from the cache
    with django_assert_num_queries(2):
        client.get(DIRECTORY, {"type": "local_government", "q": query, "page": 1})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


def test_directory_counts_refresh_when_an_organization_changes(
    client, django_capture_on_commit_callbacks
):
    OrganizationFactory(name="Seoul")
    busan = OrganizationFactory(name="Busan", status=OrganizationStatus.SUSPENDED)
    assert "1 member" in client.get(DIRECTORY).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _reactivate(busan)

    assert "2 members" in client.get(DIRECTORY).content.decode()


def _reactivate(organization):
    """A write through the service, which moves the directory's cache version on."""
    officer = UserFactory(is_staff=True, is_superuser=True)
    services.organization_set_status(
        organization=organization, status=OrganizationStatus.ACTIVE, changed_by=officer
    )


@pytest.mark.parametrize("count", [2, 20])
def test_office_page_query_count_is_constant(client, django_assert_num_queries, count):
    office = OfficeFactory(slug="east-asia")
    for _ in range(count):
        OrganizationFactory(office=office)

    with django_assert_num_queries(3):
        client.get(reverse("members:office", kwargs={"slug": "east-asia"}))


def test_directory_page_is_cached_for_visitors_until_the_data_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    OrganizationFactory(name="Seoul")
    busan = OrganizationFactory(name="Busan", status=OrganizationStatus.SUSPENDED)
    first = client.get(DIRECTORY)

    with django_assert_num_queries(0):
        again = client.get(DIRECTORY)
    with django_capture_on_commit_callbacks(execute=True):
        _reactivate(busan)
    after_change = client.get(DIRECTORY)

    assert again.content == first.content
    assert "Cookie" in again["Vary"]
    assert "Busan" in after_change.content.decode()


def test_directory_is_never_served_from_the_page_cache_to_signed_in_users(client, user):
    OrganizationFactory(name="Seoul")
    client.get(DIRECTORY)  # a visitor fills the cache
    client.force_login(user)

    response = client.get(DIRECTORY)

    assert response.context is not None  # rendered, not replayed
    assert "Sign out" in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_a_signed_in_directory_view_costs_the_session_and_the_user_only(
    client, user, django_assert_num_queries, count
):
    for _ in range(count):
        OrganizationFactory()
    client.force_login(user)
    client.get(DIRECTORY, {"page": 2})  # records the session's activity; fills the list's cache

    # the session, the user: the list below the header is the cached fragment of this URL
    with django_assert_num_queries(2):
        response = client.get(DIRECTORY, {"page": 2})

    assert "Sign out" in response.content.decode()
    assert f"{count} members" in response.content.decode()


def test_the_signed_in_directory_shows_a_change_at_once(
    client, user, django_capture_on_commit_callbacks
):
    OrganizationFactory(name="Seoul")
    busan = OrganizationFactory(name="Busan", status=OrganizationStatus.SUSPENDED)
    client.force_login(user)
    assert "Busan" not in client.get(DIRECTORY).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _reactivate(busan)

    html = client.get(DIRECTORY).content.decode()
    assert "Busan" in html
    assert "2 members" in html


def test_the_cached_directory_list_is_kept_per_language(client, user):
    OrganizationFactory(name="Seoul", member_type=MemberType.LOCAL_GOVERNMENT)
    client.force_login(user)
    client.get(DIRECTORY)

    korean = client.get("/ko" + DIRECTORY).content.decode()

    assert "<h1>회원 디렉터리</h1>" in korean.split("<main")[1]


@pytest.mark.parametrize("year", ["0", "99999", "abc"])
def test_directory_ignores_an_impossible_joined_year(client, network, year):
    response = client.get(DIRECTORY, {"joined": year})

    assert response.status_code == 200
    assert len(names(response)) == 5
