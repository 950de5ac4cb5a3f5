import pytest
from django.db import IntegrityError, transaction

from awards.enums import EntryStatus, Result
from awards.models import Edition, Entry, project_key
from tests.factories.awards import EntryFactory, ScoreFactory

pytestmark = pytest.mark.django_db


def test_project_key_ignores_case_accents_and_punctuation():
    assert project_key("São Paulo: Free Fab Lab!") == project_key("sao paulo free fab lab")


def test_one_entry_per_project_per_edition_is_a_database_constraint(draft, other_category, seoul):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            edition=draft.edition,
            category=other_category,
            organization=seoul,
            entrant_name="Seoul",
            project_title="SEOUL safe return",
        )

    assert Entry.objects.filter(organization=seoul).count() == 1


def test_a_withdrawn_entry_frees_its_project(draft, other_category, seoul):
    Entry.objects.filter(pk=draft.pk).update(status=EntryStatus.WITHDRAWN)

    again = Entry.objects.create(
        edition=draft.edition,
        category=other_category,
        organization=seoul,
        entrant_name="Seoul",
        project_title="Seoul Safe Return",
    )

    assert again.project_key == draft.project_key


def test_two_cities_may_enter_projects_with_the_same_title(draft, makati):
    other = EntryFactory(
        category=draft.category, organization=makati, project_title=draft.project_title
    )

    assert other.project_key == draft.project_key


def test_historical_entrants_without_membership_are_unique_per_project(category):
    Entry.objects.create(
        edition=category.edition,
        category=category,
        entrant_name="Lima",
        project_title="Air quality",
        status=EntryStatus.SUBMITTED,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            edition=category.edition,
            category=category,
            entrant_name="Lima",
            project_title="Air Quality",
            status=EntryStatus.SUBMITTED,
        )


def test_only_a_submitted_entry_can_hold_a_result(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=draft.pk).update(result=Result.WINNER)


@pytest.mark.parametrize("mark", [0, 11])
def test_marks_outside_one_to_ten_are_refused_by_the_database(judge, category, seoul, mark):
    entry = EntryFactory(category=category, organization=seoul, submitted=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreFactory(judge=judge, entry=entry, impact=mark)


def test_edition_deadline_must_follow_the_opening(edition):
    edition.entries_close_at = edition.entries_open_at

    with pytest.raises(IntegrityError), transaction.atomic():
        edition.save()


def test_edition_title_and_phases(edition):
    assert edition.title == "5th WeGO Awards 2023"
    assert edition.current_phase == "entries_open"
    assert edition.accepts_entries() is True
    assert edition.judging_open() is False
    assert Edition(number=1, year=2011, results_published=True).current_phase == (
        "results_published"
    )
