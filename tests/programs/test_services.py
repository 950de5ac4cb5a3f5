"""Drafts, reviews, messages and the plan, through the services the views and admin call."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from programs import services
from programs.enums import ApplicationKind, ApplicationStatus, MilestoneStatus
from programs.errors import AlreadyAppliedError, CallClosedError, EditConflict, NotEditable
from programs.models import Application, Review
from tests.factories.programs import CallFactory, MilestoneFactory, ReviewFactory
from tests.members.files import pdf_upload

pytestmark = pytest.mark.django_db

S = ApplicationStatus
SF = ApplicationKind.SOLUTION_FINDER
PI = ApplicationKind.PROJECT_IMPLEMENTER


def test_start_refuses_a_second_application_to_the_same_call(seoul, seoul_editor, sf_call):
    first = services.application_start(call=sf_call, organization=seoul, started_by=seoul_editor)

    with pytest.raises(AlreadyAppliedError) as refused:
        services.application_start(call=sf_call, organization=seoul, started_by=seoul_editor)

    assert refused.value.application == first
    assert Application.objects.count() == 1


def test_start_refuses_a_call_that_is_not_open(seoul, seoul_editor, pi_program):
    upcoming = CallFactory(
        program=pi_program, kind=PI, opens_at=timezone.now() + datetime.timedelta(days=3)
    )

    with pytest.raises(CallClosedError):
        services.application_start(call=upcoming, organization=seoul, started_by=seoul_editor)


def test_start_for_someone_elses_organization_is_denied(abuja, seoul_editor, sf_call):
    with pytest.raises(PermissionDenied):
        services.application_start(call=sf_call, organization=abuja, started_by=seoul_editor)


def test_section_save_refuses_a_stale_revision_and_says_who_saved(
    seoul, seoul_editor, seoul_colleague, sf_call
):
    draft = services.application_start(call=sf_call, organization=seoul, started_by=seoul_editor)
    services.application_section_save(
        application=draft,
        section_key="budget",
        data={"timeline": "2022"},
        saved_by=seoul_colleague,
        revision=0,
    )

    with pytest.raises(EditConflict) as conflict:
        services.application_section_save(
            application=draft,
            section_key="budget",
            data={"timeline": "2030"},
            saved_by=seoul_editor,
            revision=0,
        )

    draft.refresh_from_db()
    assert (conflict.value.by, conflict.value.revision) == ("Lee Seoul", 1)
    assert draft.solution_finder.timeline == "2022"
    assert draft.section_edits["budget"]["by"] == seoul_colleague.pk


def test_a_submitted_application_refuses_edits(make_application, seoul_editor):
    application = make_application(kind=PI, status=S.SUBMITTED)

    with pytest.raises(NotEditable, match="can no longer be changed"):
        services.application_section_save(
            application=application,
            section_key="project",
            data={"title": "Changed"},
            saved_by=seoul_editor,
        )


def test_replacing_the_letter_deletes_the_old_file_after_commit(
    seoul, seoul_editor, pi_call, django_capture_on_commit_callbacks
):
    draft = services.application_start(call=pi_call, organization=seoul, started_by=seoul_editor)
    services.application_section_save(
        application=draft,
        section_key="letter",
        data={"mayor_letter": pdf_upload("first.pdf")},
        saved_by=seoul_editor,
    )
    draft.refresh_from_db()
    old = draft.project.mayor_letter
    storage, old_name = old.storage, old.name

    with django_capture_on_commit_callbacks(execute=True):
        services.application_section_save(
            application=draft,
            section_key="letter",
            data={"mayor_letter": pdf_upload("second.pdf")},
            saved_by=seoul_editor,
        )

    draft.refresh_from_db()
    assert draft.project.mayor_letter_name == "second.pdf"
    assert not storage.exists(old_name)
    assert storage.exists(draft.project.mayor_letter.name)


def test_review_save_completes_a_review_and_only_its_reviewer_may(
    make_application, reviewer, secretariat
):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    review = ReviewFactory(application=application, reviewer=reviewer)
    scores = {"relevance": 4, "feasibility": 3, "impact": 5, "cofunding": 2, "readiness": 4}

    partial = services.review_save(review=review, reviewer=reviewer, data={"relevance": 4})
    complete_at = partial.completed_at
    done = services.review_save(
        review=review, reviewer=reviewer, data={**scores, "recommendation": "support"}
    )
    with pytest.raises(PermissionDenied):
        services.review_save(review=review, reviewer=secretariat, data={"relevance": 1})

    assert complete_at is None
    assert done.is_complete
    assert str(done.average) == "3.6"
    assert Review.objects.get().relevance == 4


def test_reviews_of_a_closed_application_cannot_change(make_application, reviewer):
    application = make_application(kind=SF, status=S.DECLINED)
    review = ReviewFactory(application=application, reviewer=reviewer)

    with pytest.raises(services.ProgramError, match="closed"):
        services.review_save(review=review, reviewer=reviewer, data={"relevance": 4})


def test_reviewers_are_staff_and_assigned_after_submission(
    make_application, secretariat, seoul_editor, reviewer
):
    draft = make_application(kind=SF)
    submitted = make_application(kind=PI, status=S.SUBMITTED)

    with pytest.raises(services.ProgramError, match="once the application is submitted"):
        services.review_assign(application=draft, reviewer=reviewer, assigned_by=secretariat)
    with pytest.raises(services.ProgramError, match="active back-office users"):
        services.review_assign(
            application=submitted, reviewer=seoul_editor, assigned_by=secretariat
        )
    with pytest.raises(PermissionDenied):
        services.review_assign(application=submitted, reviewer=reviewer, assigned_by=reviewer)


def test_a_completed_review_cannot_be_unassigned(make_application, secretariat):
    review = ReviewFactory(
        application=make_application(kind=PI, status=S.UNDER_REVIEW),
        completed_at=timezone.now(),
    )

    with pytest.raises(services.ProgramError):
        services.review_unassign(review=review, by=secretariat)


def test_the_city_cannot_post_an_internal_note(make_application, seoul_editor):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)

    with pytest.raises(PermissionDenied):
        services.message_send_from_staff(
            application=application, author=seoul_editor, body="x", visibility="internal"
        )


def test_a_city_message_on_a_draft_is_refused(make_application, seoul_editor):
    application = make_application(kind=SF)

    with pytest.raises(services.ProgramError, match="once the application is submitted"):
        services.message_send_from_city(application=application, author=seoul_editor, body="Hi")


def test_the_plan_exists_only_once_selected(make_application, secretariat):
    application = make_application(kind=PI, status=S.SHORTLISTED)
    milestone = MilestoneFactory.build(application=application)

    with pytest.raises(services.ProgramError, match="once it is selected"):
        services.milestone_save(milestone=milestone, changed_by=secretariat)


def test_a_done_milestone_gets_its_completion_date(make_application, secretariat):
    application = make_application(kind=PI, status=S.FEASIBILITY_STUDY)
    milestone = MilestoneFactory.build(application=application, status=MilestoneStatus.DONE)

    saved = services.milestone_save(milestone=milestone, changed_by=secretariat)

    assert saved.completed_on == timezone.localdate()


def test_a_reviewer_cannot_change_the_plan(make_application, reviewer):
    application = make_application(kind=PI, status=S.FEASIBILITY_STUDY)
    ReviewFactory(application=application, reviewer=reviewer)

    with pytest.raises(PermissionDenied):
        services.milestone_save(
            milestone=MilestoneFactory.build(application=application), changed_by=reviewer
        )


def test_recording_a_past_result_is_idempotent(seoul, pi_call):
    decided = timezone.now() - datetime.timedelta(days=400)

    first = services.application_record_result(
        call=pi_call,
        organization=seoul,
        status=S.BENEFICIARY_SELECTED,
        decided_at=decided,
        note="Selected.",
    )
    second = services.application_record_result(
        call=pi_call,
        organization=seoul,
        status=S.BENEFICIARY_SELECTED,
        decided_at=decided,
        note="Selected.",
    )

    assert first == second
    assert list(first.transitions.values_list("from_status", "to_status", "note")) == [
        ("", S.BENEFICIARY_SELECTED, "Selected.")
    ]
    assert list(first.stakeholders.values_list("role", flat=True)) == ["beneficiary_city"]
