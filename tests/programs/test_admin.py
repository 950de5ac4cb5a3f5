"""The back office: scoped lists, one button per legal move, review, messages, export."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from programs import services
from programs.enums import ApplicationKind, ApplicationStatus, MessageVisibility
from programs.models import Application, Milestone, Review
from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationFactory
from tests.factories.programs import (
    ApplicationAttachmentFactory,
    ReviewFactory,
    SolutionFinderDetailsFactory,
)

pytestmark = pytest.mark.django_db

S = ApplicationStatus
SF = ApplicationKind.SOLUTION_FINDER
PI = ApplicationKind.PROJECT_IMPLEMENTER
CHANGELIST = reverse("admin:programs_application_changelist")


def change_url(application):
    return reverse("admin:programs_application_change", args=[application.pk])


def move_url(application, status):
    return reverse("admin:programs_application_move", args=[application.pk, status])


def listed(response):
    return sorted(a.organization.name for a in response.context["cl"].result_list)


# --- Scope -------------------------------------------------------------------------------------


@pytest.fixture
def two_regions(make_application, abuja):
    return {
        "seoul": make_application(kind=PI, status=S.SUBMITTED),
        "abuja": make_application(kind=SF, status=S.SUBMITTED, organization=abuja),
    }


def test_secretariat_sees_every_application(client, secretariat, two_regions):
    client.force_login(secretariat)

    assert listed(client.get(CHANGELIST)) == ["Abuja", "Seoul"]


def test_regional_staff_see_only_their_regions_applications(client, africa_staff, two_regions):
    client.force_login(africa_staff)

    listing = client.get(CHANGELIST)
    foreign = client.get(change_url(two_regions["seoul"]))
    own = client.get(change_url(two_regions["abuja"]))

    assert listed(listing) == ["Abuja"]
    assert foreign.status_code == 302  # the admin sends a missing object to the index
    assert own.status_code == 200


def test_a_reviewer_sees_only_the_applications_assigned_to_them(client, reviewer, two_regions):
    ReviewFactory(application=two_regions["abuja"], reviewer=reviewer)
    client.force_login(reviewer)

    listing = client.get(CHANGELIST)
    unassigned = client.get(change_url(two_regions["seoul"]))
    unassigned_move = client.get(move_url(two_regions["seoul"], S.UNDER_REVIEW))
    unassigned_file = client.get(reverse("programs:letter", args=[two_regions["seoul"].pk]))
    assigned = client.get(change_url(two_regions["abuja"]))

    assert listed(listing) == ["Abuja"]
    assert unassigned.status_code == 302
    assert unassigned_move.status_code == 404
    assert unassigned_file.status_code == 404
    assert assigned.status_code == 200
    assert assigned.context["moves"] == []  # reviewers score; they do not decide


def test_a_secretariat_reviewer_sees_everything(client, secretariat, two_regions):
    ReviewFactory(application=two_regions["abuja"], reviewer=secretariat)
    client.force_login(secretariat)

    assert listed(client.get(CHANGELIST)) == ["Abuja", "Seoul"]


def test_staff_without_a_role_in_programs_cannot_open_the_list(client, two_regions):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(CHANGELIST).status_code == 403


def test_list_filters_and_search(client, secretariat, two_regions, areas, pi_call):
    client.force_login(secretariat)
    seoul = two_regions["seoul"]

    by_call = client.get(CHANGELIST, {"call__id__exact": pi_call.pk})
    by_region = client.get(CHANGELIST, {"organization__region": "africa"})
    by_area = client.get(CHANGELIST, {"areas__id__exact": areas["water-management"].pk})
    by_office = client.get(
        CHANGELIST, {"organization__office__id__exact": seoul.organization.office_id}
    )
    by_name = client.get(CHANGELIST, {"q": "abuj"})
    by_reference = client.get(CHANGELIST, {"q": seoul.reference})

    assert listed(by_call) == ["Seoul"]
    assert listed(by_region) == ["Abuja"]
    assert listed(by_area) == ["Abuja", "Seoul"]
    assert listed(by_office) == ["Seoul"]
    assert listed(by_name) == ["Abuja"]
    assert listed(by_reference) == ["Seoul"]


@pytest.mark.parametrize("count", [2, 20])
def test_admin_list_query_count_is_constant(
    client, secretariat, seoul, sf_call, django_assert_num_queries, count
):
    for _ in range(count):
        details = SolutionFinderDetailsFactory(
            application__organization=OrganizationFactory(office=seoul.office),
            application__call=sf_call,
        )
        ReviewFactory(application=details.application)
    client.force_login(secretariat)
    client.get(CHANGELIST)  # warm the session

    # (no date hierarchy; the table's size, estimated or counted, is one query at any size)
    with django_assert_num_queries(8):
        response = client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == count


# --- Moves -------------------------------------------------------------------------------------


def test_the_change_page_offers_one_button_per_legal_move(client, secretariat, make_application):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    client.force_login(secretariat)

    response = client.get(change_url(application))

    assert [move["status"] for move in response.context["moves"]] == [
        S.CLARIFICATION_REQUESTED,
        S.SHORTLISTED,
        S.DECLINED,
    ]
    assert move_url(application, S.SHORTLISTED) in response.content.decode()


def test_a_move_asks_for_confirmation_then_calls_the_service(client, secretariat, make_application):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    client.force_login(secretariat)

    ask = client.get(move_url(application, S.SHORTLISTED))
    done = client.post(
        move_url(application, S.SHORTLISTED),
        {"expected_status": application.status, "note": "Strong co-funding."},
    )

    application.refresh_from_db()
    assert "Note to the city" in ask.content.decode()
    assert done.url == change_url(application)
    assert application.status == S.SHORTLISTED
    assert application.transitions.get().note == "Strong co-funding."


def test_an_illegal_move_is_refused_with_the_workflows_message(
    client, secretariat, make_application
):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    client.force_login(secretariat)

    response = client.post(
        move_url(application, S.COMPLETED),
        {"expected_status": application.status, "note": "x"},
        follow=True,
    )

    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    assert "cannot become “Completed”" in response.content.decode()


def test_a_clarification_request_needs_questions(client, secretariat, make_application):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)
    client.force_login(secretariat)

    response = client.post(
        move_url(application, S.CLARIFICATION_REQUESTED),
        {"expected_status": application.status, "note": ""},
    )

    application.refresh_from_db()
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert application.status == S.UNDER_REVIEW


def test_a_reviewer_cannot_make_a_move(client, reviewer, make_application):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    ReviewFactory(application=application, reviewer=reviewer)
    client.force_login(reviewer)

    response = client.post(
        move_url(application, S.SHORTLISTED), {"expected_status": application.status, "note": "x"}
    )

    application.refresh_from_db()
    assert response.status_code == 403
    assert application.status == S.UNDER_REVIEW


def test_partners_are_chosen_from_corporations_and_institutions_matching_first(
    client, secretariat, make_application, areas
):
    application = make_application(kind=SF, status=S.FEEDBACK_GIVEN)
    matching = OrganizationFactory(name="WeavAir", member_type="corporation", country="CA")
    matching.areas.set([areas["water-management"]])
    OrganizationFactory(name="Agency A", member_type="institution")
    OrganizationFactory(name="Busan", member_type="local_government")
    client.force_login(secretariat)

    ask = client.get(move_url(application, S.PARTNERS_CONNECTED))
    client.post(
        move_url(application, S.PARTNERS_CONNECTED),
        {"expected_status": application.status, "partners": [matching.pk], "note": "Meet"},
    )

    choices = [label for _value, label in ask.context["form"].fields["partners"].choices]
    assert choices == [
        "WeavAir (Corporation, Canada) — 1 matching area",
        "Agency A (Institution, South Korea)",
    ]
    application.refresh_from_db()
    assert application.status == S.PARTNERS_CONNECTED
    assert list(application.stakeholders.values_list("organization__name", flat=True)) == [
        "Seoul",
        "WeavAir",
    ]


def test_the_consulting_company_is_selected_in_the_back_office(
    client, secretariat, make_application
):
    application = make_application(kind=PI, status=S.BENEFICIARY_SELECTED)
    company = OrganizationFactory(name="FATOS Corporation", member_type="corporation")
    client.force_login(secretariat)

    client.post(
        move_url(application, S.CONSULTING_COMPANY_SELECTED),
        {"expected_status": application.status, "company": company.pk, "note": ""},
    )

    application.refresh_from_db()
    assert application.status == S.CONSULTING_COMPANY_SELECTED
    assert application.stakeholders.get(role="consulting_company").organization == company


def test_bulk_start_review_asks_then_moves_each(client, secretariat, make_application, abuja):
    first = make_application(kind=PI, status=S.SUBMITTED)
    second = make_application(kind=SF, status=S.SUBMITTED, organization=abuja)
    draft = make_application(kind=SF, status=S.DRAFT)
    data = {"action": "start_review", "_selected_action": [first.pk, second.pk, draft.pk]}
    client.force_login(secretariat)

    ask = client.post(CHANGELIST, data)
    client.post(CHANGELIST, {**data, "confirmed": "yes", "note": "Review started"})

    assert [a.pk for a in ask.context["applications"]] == sorted(
        [first.pk, second.pk], reverse=True
    )
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {first.pk: S.UNDER_REVIEW, second.pk: S.UNDER_REVIEW, draft.pk: S.DRAFT}


# --- Review ------------------------------------------------------------------------------------


def test_reviewers_are_assigned_and_score_and_the_page_shows_average_and_spread(
    client, secretariat, reviewer, make_application
):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    client.force_login(secretariat)
    client.post(
        reverse("admin:programs_application_assign", args=[application.pk]),
        {"reviewer": reviewer.pk},
    )
    ReviewFactory(
        application=application,
        relevance=3,
        feasibility=3,
        impact=3,
        cofunding=3,
        readiness=3,
        recommendation="support_with_changes",
        completed_at="2026-01-01T00:00:00Z",
    )
    client.force_login(reviewer)
    review_url = reverse("admin:programs_application_review", args=[application.pk])
    scores = {"relevance": 5, "feasibility": 4, "impact": 5, "cofunding": 5, "readiness": 4}

    form = client.get(review_url)
    client.post(review_url, {**scores, "recommendation": "support", "summary": "Excellent"})
    page = client.get(change_url(application))

    review = Review.objects.get(reviewer=reviewer)
    assert "Score from 1 (poor) to 5 (excellent)" in form.content.decode()
    assert review.is_complete and review.average == Decimal("4.6")
    summary = page.context["score"]
    assert (summary.completed, summary.average, summary.spread) == (
        2,
        Decimal("3.8"),
        Decimal("1.6"),
    )
    assert "Average 3.8 / 5, spread 1.6" in page.content.decode()


def test_review_page_shows_the_answers_beside_the_form_with_documents_as_links(
    client, reviewer, make_application
):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    ReviewFactory(application=application, reviewer=reviewer)
    attachment = ApplicationAttachmentFactory(application=application, original_name="budget.pdf")
    client.force_login(reviewer)

    html = client.get(
        reverse("admin:programs_application_review", args=[application.pk])
    ).content.decode()

    layout = html.split('<div class="wego-review">', 1)[1]
    assert layout.index("The city's answers") < layout.index('<form method="post"')
    assert f'<a href="{attachment.get_absolute_url()}">budget.pdf</a>' in html
    assert 'class="wego-review__cancel"' in html


def test_a_score_outside_1_to_5_is_refused(client, reviewer, make_application):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    ReviewFactory(application=application, reviewer=reviewer)
    client.force_login(reviewer)

    response = client.post(
        reverse("admin:programs_application_review", args=[application.pk]),
        {"relevance": 7, "recommendation": "support"},
    )

    assert response.status_code == 200
    assert Review.objects.get().relevance is None


def test_staff_post_internal_notes_and_shared_messages(client, secretariat, make_application):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)
    client.force_login(secretariat)
    url = reverse("admin:programs_application_message", args=[application.pk])

    client.post(url, {"body": "Budget looks thin", "visibility": "internal"})
    client.post(url, {"body": "Thank you", "visibility": "shared"})

    assert list(application.messages.values_list("body", "visibility")) == [
        ("Budget looks thin", MessageVisibility.INTERNAL),
        ("Thank you", MessageVisibility.SHARED),
    ]


# --- Plan, calls, export -----------------------------------------------------------------------


def inline_data(response) -> dict:
    """The change form's inline formsets as the browser would post them back."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.forms))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.forms:
            for field in form:
                value = field.value()
                if value not in (None, False):
                    data[field.html_name] = value.pk if hasattr(value, "pk") else value
    return data


def test_the_plan_is_set_up_in_the_change_form(client, secretariat, make_application):
    application = make_application(kind=PI, status=S.SHORTLISTED)
    services.application_select_beneficiary(application=application, by=secretariat)
    client.force_login(secretariat)
    page = client.get(change_url(application))
    data = inline_data(page)
    prefix = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Milestone
    )
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-title": "Feasibility study",
            f"{prefix}-0-kind": "feasibility_study",
            f"{prefix}-0-due_on": "2027-03-31",
            f"{prefix}-0-status": "done",
        }
    )

    response = client.post(change_url(application), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    milestone = Milestone.objects.get()
    assert (milestone.title, str(milestone.due_on)) == ("Feasibility study", "2027-03-31")
    assert milestone.completed_on is not None  # set by the service for a done milestone
    assert "Beneficiary city" in page.content.decode()  # the stakeholder row is shown
    assert list(application.stakeholders.values_list("role", flat=True)) == ["beneficiary_city"]


def test_the_review_scores_are_shown_inline(client, secretariat, reviewer, make_application):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    ReviewFactory(
        application=application,
        reviewer=reviewer,
        relevance=4,
        feasibility=4,
        impact=4,
        cofunding=4,
        readiness=3,
        recommendation="support",
        completed_at="2026-01-01T00:00:00Z",
    )
    client.force_login(secretariat)

    response = client.get(change_url(application))

    review_inline = next(
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Review
    )
    assert len(review_inline.formset.forms) == 1
    assert "3.8" in response.content.decode()


def test_the_call_page_shows_counts_by_status(
    client, secretariat, make_application, pi_call, abuja
):
    make_application(kind=PI, status=S.SUBMITTED)
    make_application(kind=PI, status=S.DECLINED, organization=abuja)
    client.force_login(secretariat)

    response = client.get(reverse("admin:programs_call_change", args=[pi_call.pk]))

    html = response.content.decode()
    assert "Applications to this call, by status" in html
    assert 'status__exact=submitted">Submitted</a></th><td class="num">1</td>' in html
    assert 'status__exact=declined">Declined</a></th><td class="num">1</td>' in html
    assert 'status__exact=shortlisted">Shortlisted</a></th><td class="num">0</td>' in html


@pytest.mark.parametrize(("fmt", "reader"), [("0", "csv"), ("1", "xlsx")])
def test_export_applications_as_csv_or_xlsx(client, secretariat, two_regions, fmt, reader):
    client.force_login(secretariat)

    response = client.post(
        reverse("admin:programs_application_export") + "?organization__region=africa",
        {
            "format": fmt,
            "resource": "0",
            **{
                f"applicationresource_{f}": "on"
                for f in ["reference", "organization", "status", "areas"]
            },
        },
    )

    assert response.status_code == 200
    if reader == "csv":
        rows = response.content.decode().splitlines()
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [",".join(str(c.value) for c in row) for row in sheet.iter_rows()]
    assert rows == [
        "reference,organization,status,areas",
        f"{two_regions['abuja'].reference},Abuja,Submitted,Water Management",
    ]


def test_regional_staff_export_only_their_region(client, east_asia_staff, two_regions):
    client.force_login(east_asia_staff)

    response = client.post(
        reverse("admin:programs_application_export"),
        {"format": "0", "resource": "0", "applicationresource_organization": "on"},
    )

    assert response.content.decode().splitlines() == ["organization", "Seoul"]


def test_back_office_dashboard_shows_applications_awaiting_review(client, secretariat, two_regions):
    client.force_login(secretariat)

    response = client.get(reverse("admin:index"))

    assert "Applications awaiting review" in response.content.decode()
