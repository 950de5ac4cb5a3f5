import datetime

import pytest

from awards import services
from awards.enums import EntryStatus, Result, Stage
from awards.models import ConflictOfInterest, Entry, Score
from notifications.models import Notification
from tests.factories.accounts import UserFactory
from tests.factories.awards import (
    CategoryFactory,
    EditionFactory,
    EntryFactory,
    JudgeFactory,
    ScoreFactory,
    close_entries,
    publish_results,
)
from tests.factories.members import OrganizationUserFactory

pytestmark = pytest.mark.django_db

MARKS = {
    "innovation": 8,
    "impact": 9,
    "sustainability": 7,
    "replicability": 6,
    "citizen_benefit": 10,
}


def project(**overrides):
    data = {
        "project_title": "Seoul Safe Return",
        "summary": "Safe walks home at night.",
        "problem": "Night-time safety.",
        "solution": "An app linked to CCTV and patrols.",
        "ict_used": "Mobile app, CCTV, IoT.",
        "results_impact": "40,000 escorted trips a year.",
        "started_on": datetime.date(2019, 5, 1),
        "partners": "Seoul Metropolitan Police",
    }
    return {**data, **overrides}


# --- Drafting and submitting -------------------------------------------------------------------


def test_entry_create_saves_a_draft_of_the_city(edition, category, seoul, seoul_editor):
    entry = services.entry_create(
        edition=edition,
        organization=seoul,
        category=category,
        created_by=seoul_editor,
        data=project(summary=""),
    )

    assert (entry.status, entry.entrant_name, entry.entrant_country.code) == (
        "draft",
        "Seoul",
        "KR",
    )
    assert entry.created_by == seoul_editor
    assert entry.missing_for_submission() == ["summary"]


def test_a_corporation_cannot_enter(edition, category, corporation_editor):
    corporation = corporation_editor.organization_roles.get().organization

    with pytest.raises(services.EntryError, match="Only active local-government members"):
        services.entry_create(
            edition=edition,
            organization=corporation,
            category=category,
            created_by=corporation_editor,
            data=project(),
        )

    assert Entry.objects.count() == 0


def test_a_suspended_member_cannot_enter(edition, category, seoul, seoul_editor):
    seoul.status = "suspended"
    seoul.save()

    with pytest.raises(services.EntryError):
        services.entry_create(
            edition=edition,
            organization=seoul,
            category=category,
            created_by=seoul_editor,
            data=project(),
        )


def test_entry_create_refuses_a_closed_edition(edition, category, seoul, seoul_editor):
    close_entries(edition)

    with pytest.raises(services.EntryError, match="not open for entries"):
        services.entry_create(
            edition=edition,
            organization=seoul,
            category=category,
            created_by=seoul_editor,
            data=project(),
        )


def test_the_same_project_cannot_be_entered_twice_even_in_another_category(
    draft, other_category, seoul, seoul_editor
):
    with pytest.raises(services.DuplicateProjectError):
        services.entry_create(
            edition=draft.edition,
            organization=seoul,
            category=other_category,
            created_by=seoul_editor,
            data=project(project_title="seoul SAFE return"),
        )

    assert Entry.objects.count() == 1


def test_a_withdrawn_project_may_be_entered_again(draft, seoul, seoul_editor):
    services.entry_withdraw(entry=draft, withdrawn_by=seoul_editor)

    again = services.entry_create(
        edition=draft.edition,
        organization=seoul,
        category=draft.category,
        created_by=seoul_editor,
        data=project(),
    )

    assert again.status == EntryStatus.DRAFT
    assert Entry.objects.filter(status=EntryStatus.WITHDRAWN).count() == 1


def test_entry_update_changes_a_draft(draft, other_category, seoul_editor):
    services.entry_update(
        entry=draft,
        changed_by=seoul_editor,
        data={"summary": "New summary"},
        category=other_category,
    )

    draft.refresh_from_db()
    assert (draft.summary, draft.category) == ("New summary", other_category)


def test_entry_update_refuses_a_category_of_another_edition(draft, seoul_editor):
    foreign = CategoryFactory()

    with pytest.raises(services.EntryError, match="another edition"):
        services.entry_update(entry=draft, changed_by=seoul_editor, data={}, category=foreign)


def test_entry_submit_before_the_deadline_acknowledges_the_city(
    draft, seoul, seoul_editor, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = OrganizationUserFactory(organization=seoul, user=UserFactory(email="b@seoul.test"))

    with django_capture_on_commit_callbacks(execute=True):
        services.entry_submit(entry=draft, submitted_by=seoul_editor)

    draft.refresh_from_db()
    assert draft.status == EntryStatus.SUBMITTED
    assert draft.submitted_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == [colleague.user.email, "editor@seoul.test"]
    assert mailoutbox[0].subject == (
        "Entry submitted to the 5th WeGO Awards 2023: Seoul Safe Return"
    )


def test_entry_submit_after_the_deadline_is_refused_and_the_draft_kept(
    draft, seoul_editor, mailoutbox
):
    close_entries(draft.edition)

    with pytest.raises(services.EntryError, match="deadline has passed"):
        services.entry_submit(entry=draft, submitted_by=seoul_editor)

    draft.refresh_from_db()
    assert draft.status == EntryStatus.DRAFT
    assert (
        draft.summary
        == "A city app that lets citizens report problems and follow their resolution."
    )
    assert mailoutbox == []


def test_entry_update_after_the_deadline_is_refused(draft, seoul_editor):
    close_entries(draft.edition)

    with pytest.raises(services.EntryError, match="deadline has passed"):
        services.entry_update(entry=draft, changed_by=seoul_editor, data={"summary": "Late"})


def test_an_incomplete_entry_cannot_be_submitted(draft, seoul_editor):
    Entry.objects.filter(pk=draft.pk).update(problem="", started_on=None)

    with pytest.raises(services.EntryError, match="the problem, project start date"):
        services.entry_submit(entry=draft, submitted_by=seoul_editor)


def test_a_city_submits_at_most_the_editions_maximum(edition, category, seoul, seoul_editor):
    edition.max_entries_per_city = 2
    edition.save()
    EntryFactory.create_batch(2, category=category, organization=seoul, submitted=True)
    third = EntryFactory(category=category, organization=seoul)

    with pytest.raises(services.EntryError, match="already submitted 2 entries"):
        services.entry_submit(entry=third, submitted_by=seoul_editor)


def test_a_submitted_entry_cannot_be_changed_or_resubmitted(draft, seoul_editor):
    services.entry_submit(entry=draft, submitted_by=seoul_editor)

    with pytest.raises(services.EntryError, match="Only a draft"):
        services.entry_update(entry=draft, changed_by=seoul_editor, data={"summary": "x"})
    with pytest.raises(services.EntryError, match="already submitted"):
        services.entry_submit(entry=draft, submitted_by=seoul_editor)


def test_withdrawing_a_submitted_entry(draft, seoul_editor):
    services.entry_submit(entry=draft, submitted_by=seoul_editor)

    services.entry_withdraw(entry=draft, withdrawn_by=seoul_editor)

    draft.refresh_from_db()
    assert draft.status == EntryStatus.WITHDRAWN
    assert draft.withdrawn_at is not None


def test_no_withdrawal_after_the_results(category, seoul, seoul_editor):
    entry = EntryFactory(category=category, organization=seoul, winner=True)
    category.edition.results_published = True
    category.edition.stage = Stage.PUBLISHED
    category.edition.save()

    with pytest.raises(services.EntryError, match="results are published"):
        services.entry_withdraw(entry=entry, withdrawn_by=seoul_editor)


# --- Judging -----------------------------------------------------------------------------------


@pytest.fixture
def judging(edition, category, judge, seoul):
    close_entries(edition)
    return EntryFactory(category=category, organization=seoul, submitted=True)


def test_a_judge_scores_an_assigned_entry(judging, judge):
    score = services.score_save(judge=judge, entry=judging, marks=MARKS, comments="Strong.")

    assert (score.marks, score.mean, score.comments) == ([8, 9, 7, 6, 10], 8.0, "Strong.")


def test_scoring_again_corrects_the_score(judging, judge):
    services.score_save(judge=judge, entry=judging, marks=MARKS)

    services.score_save(judge=judge, entry=judging, marks={**MARKS, "impact": 3})

    assert list(Score.objects.values_list("impact", flat=True)) == [3]


def test_a_declared_conflict_blocks_scoring(judging, judge):
    services.conflict_declare(judge=judge, entry=judging, reason="I advised Seoul.")

    with pytest.raises(services.JudgingError, match="conflict of interest"):
        services.score_save(judge=judge, entry=judging, marks=MARKS)

    assert Score.objects.count() == 0
    assert ConflictOfInterest.objects.get().reason == "I advised Seoul."


def test_declaring_a_conflict_removes_the_judges_earlier_score(judging, judge):
    services.score_save(judge=judge, entry=judging, marks=MARKS)

    services.conflict_declare(judge=judge, entry=judging)
    services.conflict_declare(judge=judge, entry=judging)  # idempotent

    assert Score.objects.count() == 0
    assert ConflictOfInterest.objects.count() == 1


def test_a_judge_cannot_score_a_category_not_assigned(judging, judge, other_category, makati):
    elsewhere = EntryFactory(category=other_category, organization=makati, submitted=True)

    with pytest.raises(services.JudgingError, match="not among those assigned"):
        services.score_save(judge=judge, entry=elsewhere, marks=MARKS)


def test_drafts_are_not_judged(judging, judge, makati):
    draft = EntryFactory(category=judging.category, organization=makati)

    with pytest.raises(services.JudgingError, match="Only submitted"):
        services.score_save(judge=judge, entry=draft, marks=MARKS)


def test_no_scoring_before_the_deadline(judge, category, seoul):
    entry = EntryFactory(category=category, organization=seoul, submitted=True)

    with pytest.raises(services.JudgingError, match="while the judging panel is open"):
        services.score_save(judge=judge, entry=entry, marks=MARKS)


def test_no_scoring_after_the_panel_closed(judging, judge, secretariat):
    services.edition_close_panel(edition=judging.edition, closed_by=secretariat)

    with pytest.raises(services.JudgingError, match="while the judging panel is open"):
        services.score_save(judge=judge, entry=judging, marks=MARKS)


def test_marks_must_cover_every_criterion_from_one_to_ten(judging, judge):
    with pytest.raises(services.JudgingError, match="every criterion"):
        services.score_save(judge=judge, entry=judging, marks={"impact": 5})
    with pytest.raises(services.JudgingError, match="from 1 to 10"):
        services.score_save(judge=judge, entry=judging, marks={**MARKS, "impact": 11})


def test_assigning_categories_of_another_edition_is_refused(judge):
    with pytest.raises(services.JudgingError):
        services.judge_assign_categories(
            judge=judge, categories=[CategoryFactory()], assigned_by=None
        )


def test_a_judge_with_an_account_is_told_once(
    edition, category, other_category, mailoutbox, django_capture_on_commit_callbacks
):
    judge = JudgeFactory(edition=edition, user=UserFactory(email="panel@judge.test"))

    with django_capture_on_commit_callbacks(execute=True):
        services.judge_assign_categories(judge=judge, categories=[category], assigned_by=None)
        services.judge_assign_categories(
            judge=judge, categories=[category, other_category], assigned_by=None
        )

    assert [m.to for m in mailoutbox] == [["panel@judge.test"]]
    assert "/awards/judging/" in mailoutbox[0].body
    assert set(judge.categories.all()) == {category, other_category}


# --- Results -----------------------------------------------------------------------------------


@pytest.fixture
def decided(edition, category, seoul, makati, seoul_editor, makati_editor, secretariat):
    """Two submitted entries (Seoul wins), a Makati draft and a withdrawn Makati entry."""
    close_entries(edition, judging=False)
    winner = EntryFactory(category=category, organization=seoul, submitted=True)
    other = EntryFactory(category=category, organization=makati, submitted=True)
    EntryFactory(category=category, organization=makati)
    EntryFactory(category=category, organization=makati, status=EntryStatus.WITHDRAWN)
    services.entry_record_result(entry=winner, result=Result.WINNER, recorded_by=secretariat)
    return winner, other


def test_recording_a_result_needs_a_submitted_entry(draft, secretariat):
    close_entries(draft.edition, judging=False)

    with pytest.raises(services.ResultsError, match="Only a submitted"):
        services.entry_record_result(entry=draft, result=Result.WINNER, recorded_by=secretariat)


def test_publishing_tells_every_entrant_city_exactly_once(
    decided, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    winner, _other = decided

    with django_capture_on_commit_callbacks(execute=True):
        edition = publish_results(winner.edition, secretariat)
    with (
        pytest.raises(services.ResultsError, match="already published"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.edition_publish_results(edition=edition, published_by=secretariat)

    mails = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 2
    assert set(mails) == {"editor@seoul.test", "editor@makati.test"}
    assert mails["editor@seoul.test"].subject == (
        "Congratulations: your city received an award in the 5th WeGO Awards 2023"
    )
    assert "Winner" in mails["editor@seoul.test"].body
    assert mails["editor@makati.test"].subject == (
        "The results of the 5th WeGO Awards 2023 are published"
    )
    assert Notification.objects.filter(kind="awards.results_published").count() == 2
    assert (edition.results_published, edition.results_published_by) == (True, secretariat)
    assert edition.panel_closed() is True


def test_publishing_needs_a_recorded_result(edition, category, seoul, secretariat):
    close_entries(edition, judging=False)
    EntryFactory(category=category, organization=seoul, submitted=True)

    with pytest.raises(services.ResultsError, match="Record at least one winner"):
        services.edition_move(edition=edition, to_stage=Stage.RESULTS_RECORDED, by=secretariat)

    edition.refresh_from_db()
    assert edition.results_published is False


def test_results_cannot_change_after_publishing(decided, secretariat):
    winner, other = decided
    publish_results(winner.edition, secretariat)

    with pytest.raises(services.ResultsError, match="already published"):
        services.entry_record_result(entry=other, result=Result.WINNER, recorded_by=secretariat)


def test_closing_the_panel_is_refused_before_the_deadline(edition, secretariat):
    with pytest.raises(services.ResultsError, match="before the entry deadline"):
        services.edition_close_panel(edition=edition, closed_by=secretariat)


def test_closing_the_panel_ends_judging_now(judging, secretariat):
    edition = services.edition_close_panel(edition=judging.edition, closed_by=secretariat)

    assert edition.panel_closed() is True
    assert edition.judging_open() is False
    assert edition.current_phase == "judging"


def test_scores_of_other_editions_are_unaffected(judging, judge):
    other_edition = EditionFactory(judging=True)
    other_judge = JudgeFactory(
        edition=other_edition, categories=[CategoryFactory(edition=other_edition)]
    )
    entry = EntryFactory(category=other_judge.categories.get(), submitted=True)
    ScoreFactory(judge=other_judge, entry=entry)

    services.conflict_declare(judge=judge, entry=judging)

    assert Score.objects.filter(judge=other_judge).count() == 1


def test_withdrawing_on_a_stale_status_is_refused(draft, seoul_editor):
    services.entry_withdraw(entry=draft, withdrawn_by=seoul_editor, expected_status="draft")

    with pytest.raises(services.EntryChangedMeanwhile, match="it is now “Withdrawn”"):
        services.entry_withdraw(entry=draft, withdrawn_by=seoul_editor, expected_status="draft")
