"""Large sources keep their search document in the row (PostgreSQL), in every language, and a
word found in every row costs the same at any size (only the latest matches are ranked)."""

import re

import pytest
from django.conf import settings
from django.db import connection

from search import selectors
from search.sources import SOURCES
from tests.factories.events import EventFactory
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="stored documents are PostgreSQL generated columns"
)

STORED = [key for key, source in SOURCES.items() if source.stored_document]


def _generated_expression(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
            "JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = %s::regclass AND a.attname = 'search_document' "
            "AND a.attgenerated = 's'",
            [table],
        )
        row = cursor.fetchone()
    assert row, f"{table} has no generated search_document column"
    return row[0]


def test_the_sources_that_grow_have_stored_documents():
    assert set(STORED) == {"events", "news", "publications", "projects"}


@postgres_only
@pytest.mark.parametrize("key", STORED)
def test_the_stored_document_covers_every_field_in_every_language(key):
    source = SOURCES[key]
    model = source.queryset().model
    weighted = set(
        re.findall(
            r"COALESCE\((\w+), .*?'([A-D])'::\"char\"", _generated_expression(model._meta.db_table)
        )
    )
    columns = {field.column for field in model._meta.concrete_fields}
    expected = set()
    for field, weight in source.fields:
        expected.add((field, weight))
        for code, _name in settings.LANGUAGES:
            column = f"{field}_{code.replace('-', '_')}"
            if code != settings.LANGUAGE_CODE and column in columns:
                expected.add((column, weight))
    assert expected <= weighted
    assert len(expected) > len(source.fields)


@postgres_only
def test_an_event_written_through_the_orm_is_found_in_every_language_it_has():
    EventFactory(title="Urban resilience forum", title_ko="도시 회복력 포럼", city="Ulaanbaatar")

    for query in ["resilience", "회복력", "ulaanbaatar", "resilence"]:
        groups = {group.source.key: group for group in selectors.site_search(query)}
        assert "events" in groups, query
        assert "forum" in str(groups["events"].hits[0].title).lower(), query


@postgres_only
def test_a_changed_title_changes_what_finds_it():
    event = EventFactory(title="Digital twin lab")
    event.title = "Mobility data lab"
    event.save()

    assert "events" not in {group.source.key for group in selectors.site_search("twin")}
    assert "events" in {group.source.key for group in selectors.site_search("mobility")}


@postgres_only
def test_a_common_word_ranks_only_the_latest_matches_and_says_so(client, monkeypatch):
    monkeypatch.setattr(selectors, "RANK_WINDOW", 6)
    events = [EventFactory(title=f"Climate forum {n}") for n in range(8)]

    groups = {group.source.key: group for group in selectors.site_search("climate")}
    assert (groups["events"].total, groups["events"].more) == (6, True)
    shown = {hit.url for hit in groups["events"].hits}
    assert len(shown) == 5
    assert events[0].get_absolute_url() not in shown

    page = client.get("/search/", {"q": "climate"}).content.decode()
    assert "More than 6 results" in page
    assert "(6+)" in page
    assert "The latest 6 results in" in page

    listing = client.get("/search/", {"q": "climate", "type": "events"})
    assert len(listing.context["page"].hits) == 6
    assert listing.context["more"] is True
    assert "Add words to narrow the search." in listing.content.decode()


@postgres_only
def test_a_word_in_fewer_rows_than_the_window_is_counted_exactly(monkeypatch):
    monkeypatch.setattr(selectors, "RANK_WINDOW", 3)
    for n in range(3):
        ArticleFactory(published=True, title=f"Heatwave response {n}")

    groups = {group.source.key: group for group in selectors.site_search("heatwave")}

    assert (groups["news"].total, groups["news"].more) == (3, False)


@postgres_only
def test_the_site_search_runs_one_query_plus_one_per_source_found_however_many_rows_match(
    django_assert_num_queries,
):
    EventFactory(title="Water forum")
    with django_assert_num_queries(1 + 1):  # every source ranked; the events read
        selectors.site_search("forum")
    for n in range(12):
        EventFactory(title=f"Water forum {n}")
        ArticleFactory(published=True, title=f"Water forum news {n}")
    with django_assert_num_queries(1 + 2):
        groups = {group.source.key: group for group in selectors.site_search("forum")}
    assert groups["events"].total == 13
    assert groups["news"].total == 12
