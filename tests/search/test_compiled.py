"""The site search ranks every source in one query whose SQL is compiled once per source and
language and only bound afterwards (search.compiled), finding exactly what each source's own
queryset finds."""

import datetime

import pytest
from django.conf import settings
from django.utils import translation

from search import compiled, selectors
from search.sources import SOURCES
from tests.factories.awards import CategoryFactory, EditionFactory, EntryFactory
from tests.factories.catalog import ProjectFactory
from tests.factories.events import EventFactory
from tests.factories.members import OrganizationFactory
from tests.factories.news import ArticleFactory
from tests.factories.programs import CallFactory, ProgramFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="the compiled SQL is PostgreSQL's generic search"
)

GENERIC = [key for key, source in SOURCES.items() if source.custom_search is None]
PLACEHOLDER = compiled.PLACEHOLDER


@pytest.fixture
def fresh(monkeypatch):
    """Nothing compiled yet (the compiled SQL lives as long as the process)."""
    monkeypatch.setattr(compiled, "_compiled", {})


@pytest.fixture
def site(monkeypatch):
    monkeypatch.setattr(selectors, "RANK_WINDOW", 3)
    seoul = OrganizationFactory(name="Seoul", slug="seoul", country="KR")
    OrganizationFactory(name="Seongnam", slug="seongnam", country="KR")
    OrganizationFactory(name="Harbour City", slug="harbour-city", country="GB")
    for n in range(5):  # more than the window
        EventFactory(title=f"Harbour forum {n}", title_ko=f"항구 포럼 {n}")
    EventFactory(title="Seoul water week", summary="Rivers and harbours.")
    ArticleFactory(published=True, title="Seoul opens a harbour", summary="100% renewable.")
    ArticleFactory(title="Harbour draft")  # not published
    ProgramFactory(name="Smart harbour program", summary_ko="항구 도시의 프로그램")
    CallFactory(title="Harbour call 2026")
    edition = EditionFactory(published=True, year=2022)
    EntryFactory(
        category=CategoryFactory(edition=edition),
        organization=seoul,
        project_title="Seoul smart harbour",
        winner=True,
    )
    ProjectFactory(organization=seoul, published=True, title="Harbour sensors")
    return seoul


QUERIES = [
    "harbour",
    "Seoul",
    "seol",
    "harbor",
    "항구",
    '"harbour forum"',
    "harbour -forum",
    "100%",
    "' OR 1=1 --",
    "nothing-matches-this",
]


def _expected(query: str) -> dict[str, tuple[list, int]]:
    """Each source's own queryset, compiled for this query: its best five ids and its count."""
    expected = {}
    for key, source in SOURCES.items():
        found = selectors.search_source(source, query)
        ids = list(found.values_list("pk", flat=True)[:5])
        if ids:
            expected[key] = (ids, found.count())
    return expected


@postgres_only
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_one_ranking_query_finds_what_each_source_finds_compiled_or_bound(
    site, fresh, language
):
    found = set()
    with translation.override(language):
        for query in QUERIES:
            expected = _expected(query)
            assert selectors.best_matches(query) == expected, query  # compiled here
            assert selectors.best_matches(query) == expected, query  # only bound
            found |= set(expected)
        # The events beyond the window are counted as one more (capped shows "more than").
        assert selectors.best_matches("harbour")["events"][1] == 3 + 1

    assert found == {"members", "events", "news", "programs", "calls", "winners", "projects"}


@postgres_only
def test_the_page_language_s_column_is_searched_with_its_own_compiled_sql(site, fresh):
    with translation.override("en"):
        assert "programs" not in selectors.best_matches("프로그램")

    with translation.override("ko"):
        assert "programs" in selectors.best_matches("프로그램")


@postgres_only
def test_only_the_member_directory_s_search_is_compiled_again_for_another_query(
    site, fresh, monkeypatch
):
    compiled_for = []
    best = selectors._best

    def counting(source, query, per_group):
        compiled_for.append(source.key)
        return best(source, query, per_group)

    monkeypatch.setattr(selectors, "_best", counting)

    with translation.override("en"):
        selectors.site_search("harbour")
        first, compiled_for[:] = list(compiled_for), []
        selectors.site_search("seoul")
        second, compiled_for[:] = list(compiled_for), []
    with translation.override("fr"):
        selectors.site_search("seoul")
        french = list(compiled_for)

    assert first == list(SOURCES)
    assert second == ["members"]
    assert french == list(SOURCES)


@postgres_only
@pytest.mark.parametrize("key", GENERIC)
def test_every_generic_source_compiles_to_sql_that_serves_every_query(key):
    assert compiled.reusable(*selectors._best(SOURCES[key], PLACEHOLDER, 5)) is not None


def test_a_reused_query_binds_the_words_where_the_placeholder_was():
    found = compiled.reusable("SELECT %s, %s, %s", ["simple", PLACEHOLDER, PLACEHOLDER])

    assert found is not None
    assert found.bind("seoul") == ("SELECT %s, %s, %s", ["simple", "seoul", "seoul"])


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        # The words wrapped for LIKE: another query would need other SQL.
        ("SELECT %s WHERE name LIKE %s", [PLACEHOLDER, f"%{PLACEHOLDER}%"]),
        # The words inside the SQL itself.
        (f"SELECT %s, '{PLACEHOLDER}'", [PLACEHOLDER]),
        # A moment bound when the queryset was built would stay frozen.
        ("SELECT %s, %s", [PLACEHOLDER, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)]),
        ("SELECT %s WHERE day IN (%s)", [PLACEHOLDER, [datetime.date(2026, 1, 1)]]),
        # The words not bound at all.
        ("SELECT %s", ["seoul"]),
    ],
)
def test_sql_that_would_not_serve_every_query_is_compiled_per_request(sql, params):
    assert compiled.reusable(sql, params) is None


@postgres_only
@pytest.mark.parametrize("rows", [2, 20])
def test_the_search_page_runs_the_same_queries_however_many_rows_match(
    client, rows, django_assert_num_queries
):
    for n in range(rows):
        EventFactory(title=f"Harbour forum {n}")
        ArticleFactory(published=True, title=f"Harbour news {n}")
        ProjectFactory(published=True, title=f"Harbour sensors {n}")
    client.get("/search/", {"q": "harbour"})  # compiles

    # Every source ranked and counted, then the events, projects and news read.
    with django_assert_num_queries(1 + 3):
        response = client.get("/search/", {"q": "harbour"})

    groups = {group.source.key: group.total for group in response.context["groups"]}
    assert groups == {"events": rows, "projects": rows, "news": rows}
