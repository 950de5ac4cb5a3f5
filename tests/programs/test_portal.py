"""The member portal: a city drafts, completes, submits, answers and follows its application."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.enums import ApplicationKind, ApplicationStatus, MessageVisibility
from programs.models import Application, ApplicationAttachment, SolutionComponent
from tests.factories.accounts import UserFactory
from tests.factories.programs import (
    ApplicationAttachmentFactory,
    CallDocumentFactory,
    CallFactory,
    SolutionFinderDetailsFactory,
)
from tests.members.files import pdf_upload, renamed_executable_upload

pytestmark = pytest.mark.django_db

S = ApplicationStatus
SF = ApplicationKind.SOLUTION_FINDER
PI = ApplicationKind.PROJECT_IMPLEMENTER


def section_url(application, key):
    return reverse("programs:application_section", args=[application.pk, key])


# --- The list ----------------------------------------------------------------------------------


def test_applications_list_shows_the_organizations_own_with_next_step(
    client, make_application, seoul_editor, abuja
):
    mine = make_application(kind=PI, status=S.CLARIFICATION_REQUESTED)
    make_application(kind=SF, status=S.SUBMITTED, organization=abuja)
    client.force_login(seoul_editor)

    response = client.get(reverse("programs:applications"))

    html = response.content.decode()
    assert [a.pk for a in response.context["page"].object_list] == [mine.pk]
    assert "Answer WeGO&#x27;s questions." in html
    assert "Clarification requested" in html
    assert "1 application" in html


def test_applications_list_filters_by_status(client, make_application, seoul_editor, pi_call):
    make_application(kind=SF, status=S.DRAFT)
    submitted = make_application(kind=PI, status=S.SUBMITTED)
    client.force_login(seoul_editor)

    response = client.get(reverse("programs:applications"), {"status": "submitted"})

    assert [a.pk for a in response.context["page"].object_list] == [submitted.pk]


def test_applications_list_requires_sign_in(client):
    response = client.get(reverse("programs:applications"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("count", [2, 20])
def test_applications_list_query_count_is_constant(
    client, seoul, seoul_editor, django_assert_num_queries, count
):
    for _ in range(count):
        SolutionFinderDetailsFactory(application__organization=seoul)
    client.force_login(seoul_editor)
    client.get(reverse("programs:applications"))  # warm the session

    with django_assert_num_queries(6):
        response = client.get(reverse("programs:applications"))

    assert response.context["page"].paginator.count == count


def test_members_dashboard_links_to_the_applications(client, seoul, seoul_editor):
    client.force_login(seoul_editor)

    response = client.get(reverse("members:dashboard"))

    assert f"{reverse('programs:applications')}?organization=seoul" in response.content.decode()


# --- Starting ----------------------------------------------------------------------------------


def test_start_creates_a_draft_and_opens_its_task_list(client, seoul, seoul_editor, sf_call):
    client.force_login(seoul_editor)
    url = reverse("programs:application_start", args=[sf_call.slug])

    ask = client.get(url)
    response = client.post(url, {"organization": seoul.pk})

    application = Application.objects.get()
    assert "Which organization is applying?" in ask.content.decode()
    assert response.url == application.get_absolute_url()
    assert (application.status, application.organization, application.created_by) == (
        S.DRAFT,
        seoul,
        seoul_editor,
    )
    assert application.solution_finder.contact_email == "editor@seoul.test"


def test_starting_twice_goes_to_the_existing_draft(client, seoul, seoul_editor, make_application):
    existing = make_application(kind=SF)
    client.force_login(seoul_editor)

    response = client.post(
        reverse("programs:application_start", args=[existing.call.slug]),
        {"organization": seoul.pk},
    )

    assert response.url == existing.get_absolute_url()
    assert Application.objects.count() == 1


def test_an_ineligible_organization_is_told_why(client, seoul, seoul_editor, pi_call):
    pi_call.eligible_member_types = ["corporation"]
    pi_call.save()
    client.force_login(seoul_editor)

    response = client.get(reverse("programs:application_start", args=[pi_call.slug]))

    assert "Your organization cannot apply to this call" in response.content.decode()
    assert "Corporation" in response.content.decode()


def test_a_closed_call_cannot_be_started(client, seoul_editor, pi_program):
    closed = CallFactory(
        program=pi_program, kind=PI, closes_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(seoul_editor)

    response = client.get(reverse("programs:application_start", args=[closed.slug]))

    assert response.status_code == 404


def test_start_for_another_organization_is_refused(client, seoul_editor, abuja, sf_call):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("programs:application_start", args=[sf_call.slug]), {"organization": abuja.pk}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Application.objects.exists()


# --- Sections ----------------------------------------------------------------------------------


@pytest.fixture
def draft(seoul, seoul_editor, sf_call):
    return services.application_start(call=sf_call, organization=seoul, started_by=seoul_editor)


def test_task_list_shows_each_sections_status(client, draft, seoul_editor, areas):
    client.force_login(seoul_editor)
    client.post(section_url(draft, "challenges"), {"urban_challenges": "Floods", "revision": 0})
    client.post(section_url(draft, "budget"), {"timeline": "2022", "revision": 0})

    response = client.get(draft.get_absolute_url())

    statuses = {row["section"].key: row["status"] for row in response.context["tasks"]}
    assert statuses == {
        "challenges": "in_progress",
        "package": "not_started",
        "budget": "in_progress",
        "partners": "not_started",
        "contact": "completed",
    }
    assert "You have completed 1 of 5 sections." in response.content.decode()
    assert "Last saved by Kim Seoul" in response.content.decode()


def test_save_and_continue_goes_to_the_next_section(client, draft, seoul_editor, areas):
    client.force_login(seoul_editor)

    response = client.post(
        section_url(draft, "challenges"),
        {
            "urban_challenges": "Floods in summer",
            "areas": [areas["water-management"].pk, areas["public-safety"].pk],
            "revision": 0,
            "continue": "1",
        },
    )

    draft.refresh_from_db()
    assert response.url == section_url(draft, "package")
    assert draft.solution_finder.urban_challenges == "Floods in summer"
    assert sorted(a.slug for a in draft.areas.all()) == ["public-safety", "water-management"]


def test_save_and_come_back_later_returns_to_the_task_list(client, draft, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        section_url(draft, "partners"), {"preferred_partner_types": ["consultant"], "later": "1"}
    )

    assert response.url == draft.get_absolute_url()


def test_an_invalid_answer_is_explained_and_the_input_kept(client, draft, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        section_url(draft, "contact"),
        {"contact_name": "Kept Name", "contact_email": "not-an-email", "revision": 0},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a valid email address." in html
    assert 'value="Kept Name"' in html
    draft.refresh_from_db()
    assert draft.solution_finder.contact_email == "editor@seoul.test"


def test_package_add_another_component(client, draft, seoul_editor, areas):
    client.force_login(seoul_editor)
    water = areas["water-management"]
    data = {
        "components-TOTAL_FORMS": "1",
        "components-INITIAL_FORMS": "0",
        "components-0-area": water.pk,
        "components-0-need": "River sensors",
        "revision": 0,
        "add_component": "1",
    }

    saved = client.post(section_url(draft, "package"), data)
    again = client.get(saved.url)

    assert saved.url == section_url(draft, "package") + "?add=1#add"
    assert list(SolutionComponent.objects.values_list("area__slug", "need")) == [
        ("water-management", "River sensors")
    ]
    assert again.context["formset"].total_form_count() == 2


def test_package_component_without_area_is_explained(client, draft, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        section_url(draft, "package"),
        {
            "components-TOTAL_FORMS": "1",
            "components-INITIAL_FORMS": "0",
            "components-0-need": "Sensors",
            "revision": 0,
        },
    )

    assert "Choose the area of component 1." in response.content.decode()
    assert not SolutionComponent.objects.exists()


def test_two_colleagues_do_not_silently_overwrite_each_other(
    client, draft, seoul_editor, seoul_colleague
):
    client.force_login(seoul_colleague)
    client.post(section_url(draft, "budget"), {"timeline": "Colleague's timeline", "revision": 0})
    client.force_login(seoul_editor)

    stale = client.post(section_url(draft, "budget"), {"timeline": "My timeline", "revision": 0})
    draft.refresh_from_db()
    kept = draft.solution_finder.timeline
    again = client.post(section_url(draft, "budget"), {"timeline": "My timeline", "revision": 1})

    assert stale.status_code == 200
    assert "Lee Seoul saved this section at" in stale.content.decode()
    assert 'name="revision" value="1"' in stale.content.decode()
    assert kept == "Colleague's timeline"
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.solution_finder.timeline == "My timeline"


def test_project_budget_refuses_cofunding_above_the_budget(client, seoul, seoul_editor, pi_call):
    draft = services.application_start(call=pi_call, organization=seoul, started_by=seoul_editor)
    client.force_login(seoul_editor)

    response = client.post(
        section_url(draft, "budget"),
        {"total_budget": "1000", "cofunding_amount": "5000", "currency": "USD", "revision": 0},
    )

    assert "The co-funding cannot be more than the total budget." in response.content.decode()


def test_supporting_letter_is_uploaded_privately_and_downloadable_by_the_city(
    client, seoul, seoul_editor, abuja_editor, pi_call
):
    draft = services.application_start(call=pi_call, organization=seoul, started_by=seoul_editor)
    client.force_login(seoul_editor)

    client.post(section_url(draft, "letter"), {"mayor_letter": pdf_upload("mayor.pdf")})
    draft.refresh_from_db()
    own = client.get(reverse("programs:letter", args=[draft.pk]))
    client.force_login(abuja_editor)
    other = client.get(reverse("programs:letter", args=[draft.pk]))

    with pytest.raises(ValueError, match="no public URL"):
        draft.project.mayor_letter.url  # noqa: B018
    assert draft.project.mayor_letter_name == "mayor.pdf"
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment;")
    assert own["X-Content-Type-Options"] == "nosniff"
    assert b"".join(own.streaming_content).startswith(b"%PDF-")
    assert other.status_code == 404


def test_a_renamed_executable_is_refused_as_a_letter(client, seoul, seoul_editor, pi_call):
    draft = services.application_start(call=pi_call, organization=seoul, started_by=seoul_editor)
    client.force_login(seoul_editor)

    response = client.post(
        section_url(draft, "letter"), {"mayor_letter": renamed_executable_upload("letter.pdf")}
    )

    assert "The file must be a PDF document" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.project.mayor_letter


def test_required_documents_are_uploaded_and_removed(client, draft, seoul_editor):
    document = CallDocumentFactory(call=draft.call, name="Budget breakdown")
    client.force_login(seoul_editor)

    client.post(
        section_url(draft, "documents"),
        {f"document_{document.pk}": pdf_upload("budget.pdf"), "revision": 0},
    )
    attachment = ApplicationAttachment.objects.get()
    download = client.get(attachment.get_absolute_url())
    client.post(reverse("programs:attachment_remove", args=[draft.pk, attachment.pk]))

    assert (attachment.document, attachment.original_name) == (document, "budget.pdf")
    assert download.status_code == 200
    assert not ApplicationAttachment.objects.exists()


# --- Check answers and submit ------------------------------------------------------------------


def test_check_answers_lists_exactly_what_is_missing(client, draft, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(reverse("programs:application_check", args=[draft.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem: some answers are missing" in html
    assert [(m["section"].key, m["message"]) for m in response.context["missing"]] == [
        ("challenges", "Describe the urban challenges your city faces"),
        ("challenges", "Choose at least one Smart City Driver area"),
        ("package", "Add at least one component to your solution package"),
        ("budget", "Choose the budget range"),
        ("budget", "Describe your timeline"),
        ("partners", "Choose at least one type of partner"),
    ]
    assert f'href="{section_url(draft, "package")}"' in html
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_a_complete_draft_is_submitted_with_a_receipt(
    client,
    make_application,
    seoul_editor,
    seoul_colleague,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = make_application(kind=SF)
    client.force_login(seoul_editor)

    check = client.get(reverse("programs:application_check", args=[application.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:application_check", args=[application.pk]))
    confirmation = client.get(response.url)

    application.refresh_from_db()
    assert "Check your answers before submitting" in check.content.decode()
    assert response.url == reverse("programs:application_submitted", args=[application.pk])
    assert application.status == S.SUBMITTED
    assert application.reference in confirmation.content.decode()
    receipts = sorted(m.to[0] for m in mailoutbox if "We have received" in m.subject)
    assert receipts == ["colleague@seoul.test", "editor@seoul.test"]


def test_submitting_after_the_call_closed_is_refused_in_the_browser(
    client, make_application, seoul_editor, pi_call
):
    application = make_application(kind=PI)
    pi_call.closes_at = timezone.now() - datetime.timedelta(hours=1)
    pi_call.save()
    client.force_login(seoul_editor)

    page = client.get(reverse("programs:application_check", args=[application.pk]))
    response = client.post(reverse("programs:application_check", args=[application.pk]))

    assert "This call is closed: your draft is kept" in page.content.decode()
    assert "Submit the application" not in page.content.decode()
    assert "can no longer be submitted. Your draft is kept." in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_a_submitted_application_can_no_longer_be_edited(client, make_application, seoul_editor):
    application = make_application(kind=SF, status=S.SUBMITTED)
    client.force_login(seoul_editor)

    response = client.post(section_url(application, "budget"), {"timeline": "Changed"})

    application.refresh_from_db()
    assert response.url == application.get_absolute_url()
    assert application.solution_finder.timeline == "Pilot in 2022, citywide in 2024."


# --- Following the application -----------------------------------------------------------------


def test_the_city_answers_a_clarification_with_text_and_files(
    client, make_application, seoul_editor, secretariat
):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    services.application_request_clarification(
        application=application, by=secretariat, questions="What does the city co-fund?"
    )
    client.force_login(seoul_editor)

    page = client.get(application.get_absolute_url())
    form = client.get(reverse("programs:application_answer", args=[application.pk]))
    response = client.post(
        reverse("programs:application_answer", args=[application.pk]),
        {"answer": "Half of the sensors.", "file_1": pdf_upload("quote.pdf")},
    )

    application.refresh_from_db()
    answer = application.messages.get(kind="clarification_answer")
    assert "WeGO has questions" in page.content.decode()
    assert "What does the city co-fund?" in form.content.decode()
    assert response.url == application.get_absolute_url()
    assert application.status == S.UNDER_REVIEW
    assert (answer.body, answer.from_city) == ("Half of the sensors.", True)
    assert [a.original_name for a in answer.attachments.all()] == ["quote.pdf"]
    followed = client.get(application.get_absolute_url()).content.decode()
    assert "quote.pdf" in followed
    assert client.get(answer.attachments.get().get_absolute_url()).status_code == 200


def test_answer_without_text_is_explained(client, make_application, seoul_editor, secretariat):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)
    services.application_request_clarification(
        application=application, by=secretariat, questions="Which districts?"
    )
    client.force_login(seoul_editor)

    response = client.post(reverse("programs:application_answer", args=[application.pk]), {})

    assert "Enter your answer to WeGO&#x27;s questions." in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.CLARIFICATION_REQUESTED


def test_the_timeline_and_shared_messages_are_shown(
    client, make_application, seoul_editor, secretariat
):
    application = make_application(kind=PI, status=S.SUBMITTED)
    services.application_start_review(application=application, by=secretariat, note="Started.")
    services.message_send_from_staff(
        application=application, author=secretariat, body="Welcome!", visibility="shared"
    )
    client.force_login(seoul_editor)

    response = client.get(application.get_absolute_url())

    html = response.content.decode()
    assert [t.to_status for t in response.context["timeline"]] == [S.UNDER_REVIEW]
    assert "Started." in html
    assert "Welcome!" in html
    assert "WeGO is reviewing your application." in html


def test_the_city_writes_to_wego(client, make_application, seoul_editor):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)
    client.force_login(seoul_editor)

    response = client.post(
        reverse("programs:application_message", args=[application.pk]), {"body": "A question"}
    )

    message = application.messages.get()
    assert response.url.endswith("#messages")
    assert (message.body, message.visibility, message.from_city) == (
        "A question",
        MessageVisibility.SHARED,
        True,
    )


def test_withdrawing_asks_once_then_withdraws(client, make_application, seoul_editor):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)
    client.force_login(seoul_editor)
    url = reverse("programs:application_withdraw", args=[application.pk])

    ask = client.get(url)
    application.refresh_from_db()
    status_after_asking = application.status
    client.post(url, {"expected_status": S.UNDER_REVIEW, "reason": "Budget cut"})

    application.refresh_from_db()
    assert "Are you sure you want to withdraw this application?" in ask.content.decode()
    assert status_after_asking == S.UNDER_REVIEW
    assert application.status == S.WITHDRAWN
    assert application.transitions.get().note == "Budget cut"


def test_a_decided_application_cannot_be_withdrawn(client, make_application, seoul_editor):
    application = make_application(kind=PI, status=S.BENEFICIARY_SELECTED)
    client.force_login(seoul_editor)

    response = client.post(reverse("programs:application_withdraw", args=[application.pk]))

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == S.BENEFICIARY_SELECTED


def test_the_plan_is_visible_once_selected(client, make_application, seoul_editor, secretariat):
    from tests.factories.programs import MilestoneFactory

    application = make_application(kind=PI, status=S.SHORTLISTED)
    services.application_select_beneficiary(application=application, by=secretariat)
    MilestoneFactory(
        application=application,
        title="Feasibility study report",
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    client.force_login(seoul_editor)

    html = client.get(application.get_absolute_url()).content.decode()

    assert "Project plan" in html
    assert "Beneficiary city" in html
    assert "Feasibility study report" in html
    assert "Overdue" in html


# --- Another city -------------------------------------------------------------------------------

APPLICATION_PAGES = [
    ("get", "programs:application"),
    ("get", "programs:application_check"),
    ("post", "programs:application_check"),
    ("get", "programs:application_submitted"),
    ("get", "programs:application_answer"),
    ("post", "programs:application_message"),
    ("get", "programs:application_withdraw"),
    ("post", "programs:application_withdraw"),
    ("get", "programs:letter"),
]


@pytest.mark.parametrize(("method", "url_name"), APPLICATION_PAGES)
def test_another_citys_user_gets_404_on_application_pages(
    client, make_application, abuja_editor, method, url_name
):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    client.force_login(abuja_editor)

    response = getattr(client, method)(reverse(url_name, args=[application.pk]), {"body": "x"})

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    assert not application.messages.exists()


def test_another_citys_user_gets_404_on_sections(client, make_application, abuja_editor):
    application = make_application(kind=SF)
    client.force_login(abuja_editor)

    get = client.get(section_url(application, "budget"))
    post = client.post(section_url(application, "budget"), {"timeline": "Hacked"})

    assert (get.status_code, post.status_code) == (404, 404)
    application.refresh_from_db()
    assert application.solution_finder.timeline != "Hacked"


def test_another_citys_user_gets_404_on_attachments(client, make_application, abuja_editor):
    application = make_application(kind=SF)
    attachment = ApplicationAttachmentFactory(application=application)
    client.force_login(abuja_editor)

    download = client.get(attachment.get_absolute_url())
    remove = client.post(
        reverse("programs:attachment_remove", args=[application.pk, attachment.pk])
    )
    # The same attachment id under the attacker's own application is no way round either.
    own = make_application(kind=SF, organization=abuja_editor.organization_roles.get().organization)
    crossed = client.get(reverse("programs:attachment", args=[own.pk, attachment.pk]))

    assert (download.status_code, remove.status_code, crossed.status_code) == (404, 404, 404)
    assert ApplicationAttachment.objects.filter(pk=attachment.pk).exists()


def test_a_stranger_without_organization_gets_404(client, make_application):
    application = make_application(kind=SF, status=S.SUBMITTED)
    client.force_login(UserFactory())

    assert client.get(application.get_absolute_url()).status_code == 404


def test_staff_of_the_region_may_download_but_not_other_regions(
    client, make_application, east_asia_staff, africa_staff
):
    application = make_application(kind=PI, status=S.SUBMITTED)
    url = reverse("programs:letter", args=[application.pk])

    client.force_login(east_asia_staff)
    allowed = client.get(url)
    client.force_login(africa_staff)
    refused = client.get(url)

    assert (allowed.status_code, refused.status_code) == (200, 404)
