"""Reads: who sees which application, partner suggestions, review summaries."""

from decimal import Decimal

import pytest
from django.utils import timezone

from programs import selectors
from programs.enums import ApplicationKind, ApplicationStatus
from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from tests.factories.programs import ReviewFactory, SolutionComponentFactory, StakeholderFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus
SF = ApplicationKind.SOLUTION_FINDER
PI = ApplicationKind.PROJECT_IMPLEMENTER


@pytest.fixture
def applications(make_application, abuja):
    return {
        "seoul": make_application(kind=PI, status=S.SUBMITTED),
        "abuja": make_application(kind=SF, status=S.UNDER_REVIEW, organization=abuja),
    }


def visible(user):
    return sorted(a.organization.name for a in selectors.applications_visible_to(user))


def test_applications_visible_to_each_kind_of_user(
    applications, seoul_editor, secretariat, east_asia_staff, africa_staff, reviewer
):
    ReviewFactory(application=applications["seoul"], reviewer=reviewer)

    assert visible(seoul_editor) == ["Seoul"]
    assert visible(secretariat) == ["Abuja", "Seoul"]
    assert visible(east_asia_staff) == ["Seoul"]
    assert visible(africa_staff) == ["Abuja"]
    assert visible(reviewer) == ["Seoul"]
    assert visible(UserFactory()) == []
    assert visible(UserFactory(is_staff=True)) == []


def test_an_inactive_or_anonymous_user_sees_nothing(applications, seoul_editor):
    from django.contrib.auth.models import AnonymousUser

    seoul_editor.is_active = False

    assert visible(seoul_editor) == []
    assert visible(AnonymousUser()) == []


def test_a_staff_member_of_a_city_sees_only_staff_scope_in_the_back_office(
    applications, seoul, reviewer
):
    OrganizationUserFactory(organization=seoul, user=reviewer)

    assert visible(reviewer) == ["Seoul"]
    assert list(selectors.backoffice_applications(reviewer)) == []


def test_partner_suggestions_match_the_applications_areas(make_application, areas):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)  # water management
    SolutionComponentFactory(application=application, area=areas["public-safety"])
    both = OrganizationFactory(name="InsightAir", member_type="corporation")
    both.areas.set([areas["water-management"], areas["public-safety"], areas["tourism"]])
    one = OrganizationFactory(name="Agency", member_type="institution")
    one.areas.set([areas["public-safety"]])
    unrelated = OrganizationFactory(name="DamoGO", member_type="corporation")
    unrelated.areas.set([areas["tourism"]])
    city = OrganizationFactory(name="Busan", member_type="local_government")
    city.areas.set([areas["water-management"]])
    suspended = OrganizationFactory(name="Old Corp", member_type="corporation", status="former")
    suspended.areas.set([areas["water-management"]])

    suggestions = selectors.partner_suggestions(application)

    assert [(o.name, o.matching, o.matching_areas) for o in suggestions] == [
        ("InsightAir", 2, ["Public Safety", "Water Management"]),
        ("Agency", 1, ["Public Safety"]),
    ]


def test_partner_suggestions_leave_out_existing_stakeholders(make_application, areas):
    application = make_application(kind=SF, status=S.PARTNERS_CONNECTED)
    partner = OrganizationFactory(name="WeavAir", member_type="corporation")
    partner.areas.set([areas["water-management"]])
    StakeholderFactory(application=application, organization=partner, role="strategic_partner")

    assert selectors.partner_suggestions(application) == []


def test_partner_suggestions_need_areas(make_application):
    application = make_application(kind=SF)
    application.areas.clear()
    application.components.all().delete()

    assert selectors.partner_suggestions(application) == []


def test_review_summary_gives_average_and_spread_of_completed_reviews(make_application):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    now = timezone.now()
    ReviewFactory(
        application=application,
        relevance=5,
        feasibility=5,
        impact=4,
        cofunding=4,
        readiness=5,
        recommendation="support",
        completed_at=now,
    )
    ReviewFactory(
        application=application,
        relevance=2,
        feasibility=3,
        impact=2,
        cofunding=3,
        readiness=2,
        recommendation="do_not_support",
        completed_at=now,
    )
    ReviewFactory(application=application, relevance=1)  # not complete: left out

    summary = selectors.review_summary(selectors.application_reviews(application))

    assert (summary.reviews, summary.completed) == (3, 2)
    assert (summary.average, summary.spread) == (Decimal("3.5"), Decimal("2.2"))
    assert [(c["key"], c["average"], c["low"], c["high"]) for c in summary.criteria] == [
        ("relevance", Decimal("3.5"), 2, 5),
        ("feasibility", Decimal("4.0"), 3, 5),
        ("impact", Decimal("3.0"), 2, 4),
        ("cofunding", Decimal("3.5"), 3, 4),
        ("readiness", Decimal("3.5"), 2, 5),
    ]


def test_status_counts_follow_the_workflow_order(make_application, abuja, pi_call):
    make_application(kind=PI, status=S.SUBMITTED)
    make_application(kind=PI, status=S.SUBMITTED, organization=abuja)

    counts = {row["status"]: row["count"] for row in selectors.status_counts(pi_call)}

    assert counts[S.SUBMITTED] == 2
    assert counts[S.SHORTLISTED] == 0
    assert S.FEEDBACK_GIVEN not in counts  # a Solution Finder status
