import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import services
from awards.enums import Result
from tests.factories.awards import (
    CategoryFactory,
    EditionFactory,
    EntryDocumentFactory,
    EntryFactory,
    EntryImageFactory,
    JudgeFactory,
    close_entries,
    publish_results,
)
from tests.factories.members import OrganizationFactory

pytestmark = pytest.mark.django_db
ARCHIVE = reverse("awards:list")


def test_the_archive_lists_public_editions_newest_first(client):
    EditionFactory(number=3, year=2017, published=True)
    EditionFactory(number=4, year=2020, published=True)
    EditionFactory(number=5, year=2023, is_public=False)

    response = client.get(ARCHIVE)

    assert [e.year for e in response.context["page"].object_list] == [2020, 2017]
    assert "2 editions" in response.content.decode()


def test_the_archive_filters_editions_open_for_entries(client, edition):
    EditionFactory(number=4, year=2020, published=True)

    response = client.get(ARCHIVE, {"show": "open"})

    assert [e.year for e in response.context["page"].object_list] == [2023]
    assert [(f["value"], f["count"]) for f in response.context["filters"]] == [
        ("", 2),
        ("open", 1),
        ("results", 1),
    ]


def test_the_archive_has_an_empty_state(client, db):
    response = client.get(ARCHIVE)

    assert "No editions to show" in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_archive_query_count_is_constant(client, django_assert_num_queries, count):
    for _ in range(count):
        edition = EditionFactory(published=True)
        EntryFactory(category=CategoryFactory(edition=edition), winner=True)

    # filter counts, page count, page rows
    with django_assert_num_queries(3):
        response = client.get(ARCHIVE)

    assert response.status_code == 200


@pytest.fixture
def decided(edition, category, seoul, secretariat):
    """Judging over: Seoul (a member) won, Lima (not a member) has a special mention."""
    edition.entries_open_at = edition.entries_open_at.replace(year=2020)
    edition.entries_close_at = edition.entries_open_at.replace(month=12)
    edition.save()
    winner = EntryFactory(
        category=category,
        organization=seoul,
        project_title="Seoul Safe Return",
        summary="Safe walks home at night for 40,000 people a year.",
        submitted=True,
    )
    lima = EntryFactory(
        category=category,
        organization=None,
        entrant_name="Lima",
        entrant_country="PE",
        project_title="Air quality totems",
        submitted=True,
    )
    EntryFactory(category=category, project_title="Not awarded", submitted=True)
    EntryImageFactory(entry=winner, caption="Seoul Safe Return app")
    close_entries(winner.edition, judging=False)
    services.entry_record_result(entry=winner, result=Result.WINNER, recorded_by=secretariat)
    services.entry_record_result(entry=lima, result=Result.SPECIAL_MENTION, recorded_by=secretariat)
    return winner, lima


def test_the_edition_page_shows_categories_and_judges(client, edition, category):
    JudgeFactory(edition=edition, name="Philip Bane", affiliation="Smart Cities Council")

    html = client.get(edition.get_absolute_url()).content.decode()

    assert "5th WeGO Awards 2023" in html
    assert "Safe City" in html and "Open data" in html
    assert "Philip Bane" in html and "Smart Cities Council" in html
    assert "Entries are open until" in html


def test_winners_appear_only_once_the_results_are_published(client, decided, secretariat):
    winner, _lima = decided
    url = winner.edition.get_absolute_url()

    before = client.get(url).content.decode()
    publish_results(winner.edition, secretariat)
    after = client.get(url).content.decode()

    assert "Seoul Safe Return" not in before
    assert "Air quality totems" not in before
    assert "Seoul Safe Return" in after
    assert "Safe walks home at night" in after
    assert f'href="{winner.organization.get_absolute_url()}"' in after
    assert "Lima, Peru" in after
    assert "Not awarded" not in after
    image = winner.images.get()
    assert reverse("awards:image_thumbnail", args=[image.pk]) in after


@pytest.mark.parametrize("count", [2, 20])
def test_edition_page_query_count_is_constant(client, django_assert_num_queries, count):
    edition = EditionFactory(published=True)
    categories = [CategoryFactory(edition=edition) for _ in range(3)]
    for n in range(count):
        JudgeFactory(edition=edition, categories=categories[:2])
        entry = EntryFactory(
            category=categories[n % 3], organization=OrganizationFactory(), winner=True
        )
        EntryImageFactory(entry=entry)

    # edition, categories, judges, judges' categories, awarded entries, their images
    with django_assert_num_queries(7):  # + its related news
        response = client.get(edition.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["results"]) == min(count, 3)


def test_a_hidden_edition_is_not_found(client):
    edition = EditionFactory(is_public=False)

    assert client.get(edition.get_absolute_url()).status_code == 404


def test_an_awarded_entry_has_a_public_page_after_publishing(client, decided, secretariat):
    winner, _lima = decided
    url = reverse("awards:entry", args=[winner.edition.year, winner.pk])

    before = client.get(url)
    publish_results(winner.edition, secretariat)
    after = client.get(url)

    assert before.status_code == 404
    assert after.status_code == 200
    assert "Resolution time fell from 21 to 4 days" in after.content.decode()


def test_an_entry_without_an_award_never_gets_a_public_page(client, decided, secretariat):
    winner, _lima = decided
    publish_results(winner.edition, secretariat)
    other = winner.edition.entries.get(project_title="Not awarded")

    assert (
        client.get(reverse("awards:entry", args=[other.edition.year, other.pk])).status_code == 404
    )


# --- The member profile ------------------------------------------------------------------------


def test_a_member_profile_lists_the_awards_its_city_won(client, seoul):
    edition = EditionFactory(number=4, year=2020, published=True)
    EntryFactory(
        category=CategoryFactory(edition=edition, name="Safe City"),
        organization=seoul,
        project_title="Seoul Safe Return",
        winner=True,
    )

    html = client.get(seoul.get_absolute_url()).content.decode()

    assert "WeGO Awards" in html
    assert "4th WeGO Awards 2020" in html
    assert "Seoul Safe Return" in html and "Safe City" in html and "Winner" in html


def test_the_profile_fragment_costs_one_query(seoul, django_assert_num_queries):
    edition = EditionFactory(published=True)
    for _ in range(3):
        EntryFactory(category=CategoryFactory(edition=edition), organization=seoul, winner=True)

    with django_assert_num_queries(1):
        html = render_to_string("awards/_profile_awards.html", {"organization": seoul})

    assert html.count("<tr>") == 4  # header + 3 awards


def test_profile_query_count_does_not_grow_with_awards(client, seoul):
    edition = EditionFactory(published=True)

    def queries_with(count: int) -> int:
        for _ in range(count - seoul.award_entries.count()):
            EntryFactory(category=CategoryFactory(edition=edition), organization=seoul, winner=True)
        cache.clear()  # the profile is shared once rendered: count its rendering
        with CaptureQueriesContext(connection) as captured:
            client.get(seoul.get_absolute_url())
        return len(captured)

    assert queries_with(1) == queries_with(3)


# --- Images and documents ----------------------------------------------------------------------


def test_images_are_private_until_the_entry_is_awarded_and_published(
    client, decided, secretariat, makati_editor
):
    winner, _lima = decided
    image = winner.images.get()
    url = reverse("awards:image", args=[image.pk])

    anonymous_before = client.get(url)
    client.force_login(makati_editor)
    other_city_before = client.get(url)
    client.logout()
    publish_results(winner.edition, secretariat)
    anonymous_after = client.get(url)

    assert anonymous_before.status_code == 404
    assert other_city_before.status_code == 404
    assert anonymous_after.status_code == 200
    assert anonymous_after["Content-Type"] == "image/png"
    assert anonymous_after["X-Content-Type-Options"] == "nosniff"
    assert b"".join(anonymous_after.streaming_content).startswith(b"\x89PNG")


def test_documents_are_private_to_the_city_staff_and_its_judges(
    client, category, seoul, seoul_editor, makati_editor, secretariat, judge, judge_user
):
    entry = EntryFactory(category=category, organization=seoul, submitted=True)
    document = EntryDocumentFactory(entry=entry, is_public=True)
    url = reverse("awards:document", args=[document.pk])

    def status(user):
        client.logout()
        if user:
            client.force_login(user)
        return client.get(url).status_code

    assert status(None) == 404
    assert status(makati_editor) == 404
    assert status(seoul_editor) == 200
    assert status(secretariat) == 200
    assert status(judge_user) == 200


def test_a_judge_with_a_conflict_cannot_download_the_entrys_documents(
    client, category, seoul, judge, judge_user
):
    entry = EntryFactory(category=category, organization=seoul, submitted=True)
    document = EntryDocumentFactory(entry=entry)
    judge.conflicts.create(entry=entry)
    client.force_login(judge_user)

    assert client.get(reverse("awards:document", args=[document.pk])).status_code == 404


def test_after_results_only_documents_marked_public_are_shown(client, decided, secretariat):
    winner, _lima = decided
    shared = EntryDocumentFactory(entry=winner, title="Impact evaluation", is_public=True)
    private = EntryDocumentFactory(entry=winner, title="Budget annex", is_public=False)
    not_awarded = winner.edition.entries.get(project_title="Not awarded")
    elsewhere = EntryDocumentFactory(entry=not_awarded, is_public=True)
    publish_results(winner.edition, secretariat)

    page = client.get(reverse("awards:entry", args=[winner.edition.year, winner.pk]))
    shared_response = client.get(reverse("awards:document", args=[shared.pk]))

    html = page.content.decode()
    assert "Impact evaluation" in html and "Budget annex" not in html
    assert shared_response.status_code == 200
    assert shared_response["Content-Disposition"].startswith("attachment")
    assert b"".join(shared_response.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("awards:document", args=[private.pk])).status_code == 404
    assert client.get(reverse("awards:document", args=[elsewhere.pk])).status_code == 404
