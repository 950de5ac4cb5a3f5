"""The site search: across types, grouped, ranked, highlighted, typo-tolerant on PostgreSQL."""

import re

import pytest
from django.conf import settings
from django.db import connection

from events.enums import EventStatus
from members.enums import OrganizationStatus
from search.selectors import highlight, site_search
from tests.factories.awards import CategoryFactory, EditionFactory, EntryFactory
from tests.factories.catalog import ProjectFactory
from tests.factories.events import EventFactory
from tests.factories.members import OrganizationFactory
from tests.factories.programs import CallFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="typo tolerance uses PostgreSQL's pg_trgm"
)


@pytest.fixture
def site():
    seoul = OrganizationFactory(name="Seoul", slug="seoul", country="KR")
    OrganizationFactory(name="Seongnam", slug="seongnam", country="KR")
    OrganizationFactory(name="Ulaanbaatar", slug="ulaanbaatar", country="MN")
    OrganizationFactory(name="Seoul Former Agency", slug="former", status=OrganizationStatus.FORMER)
    EventFactory(
        title="Smart Health Responder webinar",
        slug="shr-webinar",
        summary="Sharing COVID-19 measures of Seoul with local governments.",
    )
    EventFactory(title="Secret Seoul planning", slug="secret", status=EventStatus.DRAFT)
    CallFactory(title="Project Implementer 2021", slug="pi-2021")
    edition = EditionFactory(published=True, year=2020)
    EntryFactory(
        category=CategoryFactory(edition=edition),
        organization=seoul,
        project_title="Seoul Talk citizen app",
        winner=True,
    )
    ProjectFactory(organization=seoul, published=True, title="Seoul smart parking")
    ProjectFactory(organization=seoul, title="Seoul unpublished draft")
    return seoul


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@postgres_only
def test_a_typo_finds_the_member_first(client, site):
    response = client.get("/search/", {"q": "Seol"})

    main = _main(response)
    assert response.status_code == 200
    members = re.search(r'id="group-members".*?</section>', main, re.S).group(0)
    links = re.findall(r'<a href="(/members/[^"]+)"', members)
    assert links[0] == "/members/seoul/"
    assert "/members/former/" not in main


def test_results_are_grouped_by_type_and_only_public(client, site):
    response = client.get("/search/", {"q": "Seoul"})

    main = _main(response)
    groups = re.findall(r'<section aria-labelledby="group-(\w+)"', main)
    assert groups == ["members", "events", "winners", "projects"]
    assert "Secret Seoul planning" not in main
    assert "unpublished draft" not in main
    assert "/members/former/" not in main
    assert "<mark>Seoul</mark> Talk citizen app" in main


def test_filtering_by_type_lists_that_type_paginated_with_the_query_in_the_url(client, site):
    for n in range(23):
        OrganizationFactory(name=f"Seoul District {n:02d}", slug=f"seoul-district-{n}")

    first = _main(client.get("/search/", {"q": "Seoul", "type": "members"}))
    second = _main(client.get("/search/", {"q": "Seoul", "type": "members", "page": 2}))

    links = [re.findall(r'<a href="(/members/[^"]+)"', page) for page in (first, second)]
    assert len(links[0]) == 20
    everything = links[0] + links[1]
    assert len(everything) == len(set(everything))  # no row on both pages
    assert {"/members/seoul/"} | {f"/members/seoul-district-{n}/" for n in range(23)} <= set(
        everything
    )
    assert 'href="?q=Seoul&amp;type=members&amp;page=2"' in first
    assert 'value="Seoul"' in first
    assert "/events/" not in first


def test_an_unknown_type_searches_everything(client, site):
    main = _main(client.get("/search/", {"q": "Seoul", "type": "nonsense"}))

    assert 'id="group-members"' in main


def test_no_query_shows_the_form_only(client, site):
    main = _main(client.get("/search/"))

    assert 'name="q"' in main
    assert "search-result" not in main


def test_every_page_has_the_search_box_in_its_header(client):
    html = client.get("/members/").content.decode()
    header = html[html.index("<header") : html.index("</header>")]

    assert header.count('action="/search/"') == 2  # the bar, and the phone menu
    assert '<label class="visually-hidden" for="site-search-q">' in header


def test_highlight_escapes_the_text_and_marks_each_word():
    assert highlight("<b>Seoul</b> & Busan", "seoul busan") == (
        "&lt;b&gt;<mark>Seoul</mark>&lt;/b&gt; &amp; <mark>Busan</mark>"
    )
    assert highlight("Seoul", "<script>") == "Seoul"


def test_highlight_escapes_quotes_and_cuts_around_the_first_match():
    text = "A long story. " * 30 + "The \"Seoul\" & 'Busan' forum."

    cut = highlight(text, "busan seoul", length=40)

    assert (
        cut
        == "…ory. The &quot;<mark>Seoul</mark>&quot; &amp; &#x27;<mark>Busan</mark>&#x27; forum.…"
    )
    assert highlight(text, "busan") == highlight(text, "BUSAN")


def test_hostile_queries_are_answered(client, site):
    for query in ["'\"><script>", "x" * 5000, "\x00", "!!! & | :*", "-"]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "<script>" not in _main(response)


def test_without_postgres_every_word_must_appear(settings, site):
    settings.USING_POSTGRES = False

    groups = {group.source.key: group for group in site_search("seoul talk")}

    assert list(groups) == ["winners"]
    assert groups["winners"].total == 1


@postgres_only
def test_a_search_runs_a_bounded_number_of_queries(client, site, django_assert_max_num_queries):
    with django_assert_max_num_queries(2 * 9 + 12):
        client.get("/search/", {"q": "Seoul"})
    assert connection.vendor == "postgresql"
