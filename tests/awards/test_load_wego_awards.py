"""The 4th WeGO Awards (2020) from the annual report: 6 categories, 6 judges, 18 results."""

import io

import pytest
from django.core.management import call_command

from awards.enums import EntryStatus, Result
from awards.models import Category, Edition, Entry, Judge
from members.management.commands import load_wego_data
from members.models import Organization
from tests.module_data import loaded_for_the_module

pytestmark = pytest.mark.django_db

MEMBER_WINNERS = {
    "Goyang",
    "Moscow",
    "Makati",
    "Seongnam",
    "Jeju",
    "São Paulo",
    "Jakarta",
    "Sejong",
    "Mexico City",
}
NOT_IN_MEMBER_DATA = {
    "Belo Horizonte",
    "Lima",
    "Istanbul",
    "Mashhad",
    "Tehran",
    "George Town",
    "Iskandar Malaysia",
}


def load(command="load_wego_data"):
    call_command(command, stdout=io.StringIO())


def load_members_and_awards() -> None:
    """The members data set, then the awards (the other apps' loaders are not ours to run)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load_wego_data, "APP_LOADERS", ["load_wego_awards"])
        load()


@pytest.fixture(scope="module")
def _members_and_awards_for_the_module(request, django_db_setup, django_db_blocker):
    with loaded_for_the_module(request, django_db_blocker, load_members_and_awards) as data:
        yield data


@pytest.fixture
def loaded(_members_and_awards_for_the_module, db):
    """The members and the awards, loaded once for the module; each test's changes rolled back."""
    _members_and_awards_for_the_module.check_loaded()


def snapshot():
    return sorted(
        Entry.objects.values_list(
            "id",
            "category__name",
            "entrant_name",
            "organization_id",
            "project_title",
            "result",
            "updated_at",
        )
    )


def test_the_fourth_edition_with_its_categories_and_judges(loaded):
    edition = Edition.objects.get()

    assert (edition.number, edition.year, edition.title) == (4, 2020, "4th WeGO Awards 2020")
    assert edition.is_public and edition.results_published
    assert list(edition.categories.values_list("name", flat=True)) == [
        "Efficient Government",
        "Emerging Technology",
        "Mobility",
        "Open and Inclusive City",
        "Safe City",
        "Sustainable City",
    ]
    assert Category.objects.get(name="Emerging Technology").keywords == [
        "AI",
        "Drones",
        "Blockchain",
        "Virtual and Augmented Reality",
        "Edge Computing",
    ]
    assert Judge.objects.count() == 6
    assert Judge.objects.get(name="Shipra Narang Suri").affiliation == "UN-Habitat"


def test_eighteen_results_two_winners_and_a_special_mention_per_category(loaded):
    entries = Entry.objects.all()

    assert entries.count() == 18
    assert entries.filter(result=Result.WINNER).count() == 12
    assert entries.filter(result=Result.SPECIAL_MENTION).count() == 6
    assert set(entries.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}
    for category in Category.objects.all():
        assert sorted(category.entries.values_list("result", flat=True)) == [
            "special_mention",
            "winner",
            "winner",
        ]
    assert entries.get(entrant_name="Goyang", category__name="Safe City").project_title == (
        "Smart IoT Walkways"
    )


def test_winning_members_are_linked_to_their_profiles(loaded):
    linked = Entry.objects.exclude(organization=None).select_related("organization")

    assert {e.entrant_name for e in linked} == MEMBER_WINNERS
    assert all(e.organization.name == e.entrant_name for e in linked)
    assert linked.count() == 10  # Goyang won twice
    assert Organization.objects.get(name="São Paulo").award_entries.get().project_title == (
        "Free Fab Lab, SP Network"
    )


def test_winners_outside_the_member_data_are_recorded_without_inventing_members(loaded):
    unlinked = Entry.objects.filter(organization=None)

    assert set(unlinked.values_list("entrant_name", flat=True)) == NOT_IN_MEMBER_DATA
    assert unlinked.count() == 8  # Belo Horizonte won twice
    assert not Organization.objects.filter(name__in=NOT_IN_MEMBER_DATA).exists()
    assert unlinked.get(entrant_name="Lima").entrant_country.code == "PE"


def test_loading_again_changes_nothing(loaded):
    before = (snapshot(), Organization.objects.count(), Category.objects.count())

    load("load_wego_awards")
    load()

    assert (snapshot(), Organization.objects.count(), Category.objects.count()) == before
    assert Edition.objects.count() == 1 and Judge.objects.count() == 6


def test_results_loaded_before_the_members_are_linked_on_the_next_run(monkeypatch):
    load("load_wego_awards")
    assert not Entry.objects.exclude(organization=None).exists()

    monkeypatch.setattr(load_wego_data, "APP_LOADERS", ["load_wego_awards"])
    load()

    assert Entry.objects.exclude(organization=None).count() == 10
    assert Entry.objects.count() == 18


def test_the_data_set_sends_no_email(mailoutbox):
    load_members_and_awards()

    assert mailoutbox == []


def test_a_winning_members_profile_lists_its_awards(client, loaded):
    goyang = Organization.objects.get(name="Goyang")

    html = client.get(goyang.get_absolute_url()).content.decode()

    assert "Goyang Smart City" in html and "Smart IoT Walkways" in html
    assert "Special mention" in html and "Winner" in html
