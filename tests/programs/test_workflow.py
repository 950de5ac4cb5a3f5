"""Every transition of both workflows, legal and illegal, through the services that make them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from programs import services, workflow
from programs.enums import ApplicationKind, ApplicationStatus, StakeholderRole
from programs.errors import (
    ApplicationIncomplete,
    CallClosedError,
    NotEligibleError,
    TransitionNotAllowed,
)
from programs.models import Application, ApplicationTransition, SolutionFinderDetails
from tests.factories.members import OrganizationFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus
SF = ApplicationKind.SOLUTION_FINDER
PI = ApplicationKind.PROJECT_IMPLEMENTER

LEGAL = [
    (kind, source, target)
    for kind, moves in workflow.TRANSITIONS.items()
    for source, targets in moves.items()
    for target in sorted(targets)
]
ILLEGAL = [
    (kind, source, target)
    for kind in (SF, PI)
    for source in workflow.statuses_for(kind)
    for target in S.values
    if target != S.DRAFT and target not in workflow.next_statuses(kind, source)
]


def move(application, target, *, city, staff, partner):
    """Make the move to ``target`` with the one service that makes it."""
    if target == S.SUBMITTED:
        return services.application_submit(application=application, submitted_by=city)
    if target == S.WITHDRAWN:
        return services.application_withdraw(application=application, by=city, reason="Sorry")
    if target == S.UNDER_REVIEW and application.status == S.CLARIFICATION_REQUESTED:
        return services.application_answer_clarification(
            application=application, answered_by=city, answer="Here are the figures."
        )
    extra = {}
    if target == S.PARTNERS_CONNECTED:
        extra["partners"] = [partner]
    if target == S.CONSULTING_COMPANY_SELECTED:
        extra["company"] = partner
    return services.application_staff_move(
        application=application, to_status=target, by=staff, note=f"Note for {target}", **extra
    )


@pytest.fixture
def partner(db):
    return OrganizationFactory(name="Breeze Technologies", member_type="corporation", country="DE")


@pytest.mark.parametrize(("kind", "source", "target"), LEGAL)
def test_every_legal_transition_is_made_and_recorded(
    make_application, seoul_editor, secretariat, partner, kind, source, target
):
    application = make_application(kind=kind, status=source)
    city_move = workflow.is_city_move(source, target)
    actor = seoul_editor if city_move else secretariat

    move(application, target, city=seoul_editor, staff=secretariat, partner=partner)

    application.refresh_from_db()
    record = ApplicationTransition.objects.get(application=application)
    assert application.status == target
    assert (record.from_status, record.to_status, record.by) == (source, target, actor)
    assert abs(record.at - timezone.now()) < datetime.timedelta(seconds=10)
    assert application.status_changed_at == record.at


@pytest.mark.parametrize(("kind", "source", "target"), ILLEGAL)
def test_every_illegal_transition_is_refused_with_a_clear_message(
    make_application, seoul_editor, secretariat, partner, kind, source, target
):
    application = make_application(kind=kind, status=source)

    with pytest.raises(TransitionNotAllowed) as refused:
        move(application, target, city=seoul_editor, staff=secretariat, partner=partner)

    application.refresh_from_db()
    assert application.status == source
    assert not ApplicationTransition.objects.filter(application=application).exists()
    message = str(refused.value)
    assert f"“{S(source).label}” cannot become “{S(target).label}”" in message
    assert str(ApplicationKind(kind).label) in message


def test_illegal_message_lists_what_is_possible(make_application, secretariat):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.application_complete(application=application, by=secretariat)

    assert str(refused.value) == (
        "A Project Implementer application that is “Under review” cannot become “Completed”. "
        "From “Under review” it can only become: Clarification requested, Shortlisted, "
        "Declined, Withdrawn."
    )


def test_final_status_message_says_it_is_final(make_application, secretariat):
    application = make_application(kind=SF, status=S.DECLINED)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.application_start_review(application=application, by=secretariat)

    assert "“Declined” is final" in str(refused.value)


def test_staff_cannot_make_the_citys_move_back_to_review(make_application, secretariat):
    application = make_application(kind=SF, status=S.CLARIFICATION_REQUESTED)

    with pytest.raises(TransitionNotAllowed, match="Only the city can make this change"):
        services.application_start_review(application=application, by=secretariat)

    application.refresh_from_db()
    assert application.status == S.CLARIFICATION_REQUESTED


def test_city_cannot_make_staff_decisions(make_application, seoul_editor):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)

    with pytest.raises(PermissionDenied):
        services.application_shortlist(application=application, by=seoul_editor)

    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW


def test_another_city_cannot_submit_or_withdraw(make_application, abuja_editor):
    draft = make_application(kind=SF, status=S.DRAFT)
    submitted = make_application(kind=PI, status=S.SUBMITTED)

    with pytest.raises(PermissionDenied):
        services.application_submit(application=draft, submitted_by=abuja_editor)
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=submitted, by=abuja_editor)


def test_regional_staff_decide_only_for_their_offices_members(
    make_application, abuja, east_asia_staff, africa_staff
):
    seoul_application = make_application(kind=PI, status=S.SUBMITTED)

    with pytest.raises(PermissionDenied):
        services.application_start_review(application=seoul_application, by=africa_staff)
    services.application_start_review(application=seoul_application, by=east_asia_staff)

    assert seoul_application.status == S.UNDER_REVIEW


def test_submit_after_the_call_closed_is_refused_and_the_draft_kept(
    make_application, seoul_editor, pi_call
):
    application = make_application(kind=PI, status=S.DRAFT)
    pi_call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    pi_call.save()

    with pytest.raises(CallClosedError) as refused:
        services.application_submit(application=application, submitted_by=seoul_editor)

    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert application.submitted_at is None
    assert application.project.title == "Smart flood warning"
    assert "closed on" in str(refused.value)
    assert "Your draft is kept" in str(refused.value)


def test_submit_before_the_call_opens_is_refused(make_application, seoul_editor, pi_call):
    application = make_application(kind=PI, status=S.DRAFT)
    pi_call.opens_at = timezone.now() + datetime.timedelta(days=1)
    pi_call.save()

    with pytest.raises(CallClosedError, match="you can submit from then"):
        services.application_submit(application=application, submitted_by=seoul_editor)


def test_submit_lists_exactly_what_is_missing(make_application, seoul_editor):
    application = make_application(kind=SF, status=S.DRAFT)
    SolutionFinderDetails.objects.filter(pk=application.pk).update(
        urban_challenges="", contact_email=""
    )
    application.components.update(need="")

    with pytest.raises(ApplicationIncomplete) as refused:
        services.application_submit(application=application, submitted_by=seoul_editor)

    assert [(m["section"].key, m["message"]) for m in refused.value.missing] == [
        ("challenges", "Describe the urban challenges your city faces"),
        ("package", "Add at least one component to your solution package"),
        ("package", "Say what is needed for component 1"),
        ("contact", "Enter the contact person's e-mail address"),
    ]
    assert Application.objects.get(pk=application.pk).status == S.DRAFT


def test_submit_refuses_an_ineligible_organization(make_application, seoul_editor, pi_call):
    application = make_application(kind=PI, status=S.DRAFT)
    pi_call.eligible_member_types = ["corporation"]
    pi_call.save()

    with pytest.raises(NotEligibleError):
        services.application_submit(application=application, submitted_by=seoul_editor)


def test_selection_links_the_beneficiary_and_the_consulting_company(
    make_application, secretariat, partner
):
    application = make_application(kind=PI, status=S.SHORTLISTED)

    services.application_select_beneficiary(application=application, by=secretariat)
    services.application_select_consulting_company(
        application=application, by=secretariat, company=partner
    )

    roles = sorted(application.stakeholders.values_list("organization__name", "role"))
    assert roles == [
        ("Breeze Technologies", StakeholderRole.CONSULTING_COMPANY),
        ("Seoul", StakeholderRole.BENEFICIARY_CITY),
    ]


def test_a_city_cannot_be_chosen_as_consulting_company(make_application, secretariat, abuja):
    application = make_application(kind=PI, status=S.BENEFICIARY_SELECTED)

    with pytest.raises(services.ProgramError, match="partners are corporations or institutions"):
        services.application_select_consulting_company(
            application=application, by=secretariat, company=abuja
        )

    application.refresh_from_db()
    assert application.status == S.BENEFICIARY_SELECTED


def test_connecting_partners_needs_at_least_one(make_application, secretariat):
    application = make_application(kind=SF, status=S.FEEDBACK_GIVEN)

    with pytest.raises(services.ProgramError, match="Choose at least one partner"):
        services.application_connect_partners(application=application, by=secretariat, partners=[])


def test_clarification_needs_questions(make_application, secretariat):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)

    with pytest.raises(services.ProgramError, match="Write the questions"):
        services.application_request_clarification(
            application=application, by=secretariat, questions="  "
        )
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW


def test_review_and_clarification_loop_back_and_forth(make_application, seoul_editor, secretariat):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)

    for round_number in (1, 2):
        services.application_request_clarification(
            application=application, by=secretariat, questions=f"Question {round_number}?"
        )
        services.application_answer_clarification(
            application=application, answered_by=seoul_editor, answer=f"Answer {round_number}."
        )

    steps = list(application.transitions.values_list("from_status", "to_status"))
    assert (
        steps
        == [
            (S.UNDER_REVIEW, S.CLARIFICATION_REQUESTED),
            (S.CLARIFICATION_REQUESTED, S.UNDER_REVIEW),
        ]
        * 2
    )


def test_the_table_gives_each_kind_its_own_path():
    assert workflow.statuses_for(SF) == [
        S.DRAFT,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.CLARIFICATION_REQUESTED,
        S.FEEDBACK_GIVEN,
        S.PARTNERS_CONNECTED,
        S.IN_IMPLEMENTATION,
        S.CLOSED,
        S.DECLINED,
        S.WITHDRAWN,
    ]
    assert workflow.statuses_for(PI) == [
        S.DRAFT,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.CLARIFICATION_REQUESTED,
        S.SHORTLISTED,
        S.BENEFICIARY_SELECTED,
        S.CONSULTING_COMPANY_SELECTED,
        S.FEASIBILITY_STUDY,
        S.PILOT_PROJECT,
        S.COMPLETED,
        S.DECLINED,
        S.WITHDRAWN,
    ]
    assert len(LEGAL) == 32
