import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from programs.enums import ApplicationKind, ApplicationStatus, MessageVisibility
from programs.models import Application, ApplicationAttachment, SmartCityArea
from tests.factories.programs import (
    ApplicationFactory,
    ApplicationMessageFactory,
    ApplicationTransitionFactory,
    CallDocumentFactory,
    CallFactory,
    SolutionComponentFactory,
    SolutionFinderDetailsFactory,
)
from tests.members.files import pdf_upload, renamed_executable_upload

pytestmark = pytest.mark.django_db
MINE = "/api/v1/me/applications/"


@pytest.fixture
def call(db):
    return CallFactory(slug="solution-finder", kind=ApplicationKind.SOLUTION_FINDER)


@pytest.fixture
def complete(seoul, call):
    """A complete Solution Finder draft of Seoul."""
    details = SolutionFinderDetailsFactory(application__organization=seoul, application__call=call)
    water = SmartCityArea.objects.get(slug="water-management")
    SolutionComponentFactory(application=details.application, area=water)
    details.application.areas.set([water])
    return details.application


def test_my_applications_need_a_user(api):
    response = api.get(MINE)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_start_a_draft_then_list_it(api, seoul_editor, call):
    api.force_authenticate(seoul_editor)

    created = api.post(MINE, {"call": "solution-finder", "organization": "seoul"}, format="json")
    listed = api.get(MINE)

    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["organization"], body["call"]["slug"]) == (
        ApplicationStatus.DRAFT,
        "seoul",
        "solution-finder",
    )
    assert [s["key"] for s in body["sections"]] == [
        "challenges",
        "package",
        "budget",
        "partners",
        "contact",
    ]
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]


def test_a_second_draft_to_the_same_call_is_a_409(api, seoul_editor, complete):
    api.force_authenticate(seoul_editor)

    response = api.post(MINE, {"call": "solution-finder", "organization": "seoul"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_start_for_another_organization_is_refused(api, seoul_editor, makati, call):
    api.force_authenticate(seoul_editor)

    response = api.post(MINE, {"call": "solution-finder", "organization": "makati"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "organization": ["Not one of your organizations."]
    }
    assert not Application.objects.exists()


def test_list_filters_by_status(api, seoul_editor, seoul):
    ApplicationFactory(organization=seoul, status=ApplicationStatus.SUBMITTED)
    draft = ApplicationFactory(organization=seoul)
    api.force_authenticate(seoul_editor)

    drafts = api.get(MINE, {"status": "draft"})
    bad = api.get(MINE, {"status": "nonsense"})

    assert [row["id"] for row in drafts.json()["results"]] == [draft.pk]
    assert bad.status_code == 400


def test_list_paginates_with_a_cursor(api, seoul_editor, seoul):
    made = [ApplicationFactory(organization=seoul).pk for _ in range(5)]
    api.force_authenticate(seoul_editor)

    seen, url = [], f"{MINE}?page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    assert seen == list(reversed(made))


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_count_is_constant(api, seoul_editor, seoul, django_assert_num_queries, count):
    for _ in range(count):
        ApplicationFactory(organization=seoul)
    api.force_authenticate(seoul_editor)

    with django_assert_num_queries(2):  # the caller's organizations, the page
        response = api.get(MINE)

    assert len(response.json()["results"]) == count


def test_another_organizations_application_is_a_404_everywhere(api, makati_editor, complete):
    api.force_authenticate(makati_editor)
    url = f"{MINE}{complete.pk}/"

    responses = [
        api.get(url),
        api.patch(f"{url}sections/challenges/", {"answers": {}}, format="json"),
        api.post(f"{url}submit/"),
        api.post(f"{url}withdraw/", {}, format="json"),
        api.get(f"{url}history/"),
        api.get(f"{url}messages/"),
        api.post(f"{url}messages/", {"body": "Hello"}, format="json"),
        api.post(f"{url}attachments/", {"document": "1", "file": pdf_upload()}),
    ]

    assert [r.status_code for r in responses] == [404] * 8
    assert {r.json()["error"]["code"] for r in responses} == {"not_found"}
    assert api.get(MINE).json()["results"] == []


def test_save_a_section_with_area_slugs(api, seoul_editor, seoul, call):
    application = ApplicationFactory(organization=seoul, call=call)
    SolutionFinderDetailsFactory(application=application, urban_challenges="")
    api.force_authenticate(seoul_editor)

    response = api.patch(
        f"{MINE}{application.pk}/sections/challenges/",
        {"answers": {"urban_challenges": "Floods.", "areas": ["water-management"]}, "revision": 0},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["answers"]["challenges"] == {
        "urban_challenges": "Floods.",
        "areas": ["water-management"],
    }
    challenges = response.json()["sections"][0]
    assert (challenges["status"], challenges["revision"]) == ("completed", 1)


def test_save_components_through_the_portal_formset(api, seoul_editor, seoul, call):
    application = ApplicationFactory(organization=seoul, call=call)
    SolutionFinderDetailsFactory(application=application)
    api.force_authenticate(seoul_editor)
    url = f"{MINE}{application.pk}/sections/package/"

    saved = api.patch(
        url,
        {"answers": {"components": [{"area": "water-management", "need": "Sensors"}]}},
        format="json",
    )
    refused = api.patch(url, {"answers": {"components": [{"need": "No area"}]}}, format="json")

    assert saved.json()["answers"]["package"]["components"] == [
        {"area": "water-management", "need": "Sensors"}
    ]
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"components": ["Choose the area of component 1."]}


def test_stale_revision_is_a_409(api, seoul_editor, complete):
    api.force_authenticate(seoul_editor)
    url = f"{MINE}{complete.pk}/sections/budget/"
    api.patch(url, {"answers": {"timeline": "2027"}, "revision": 0}, format="json")

    response = api.patch(url, {"answers": {"timeline": "2028"}, "revision": 0}, format="json")

    assert response.status_code == 409


def test_section_validation_errors(api, seoul_editor, complete):
    api.force_authenticate(seoul_editor)
    url = f"{MINE}{complete.pk}/sections/"

    unknown_field = api.patch(f"{url}budget/", {"answers": {"nope": 1}}, format="json")
    bad_email = api.patch(
        f"{url}contact/", {"answers": {"contact_email": "not-an-email"}}, format="json"
    )
    unknown_section = api.patch(f"{url}nope/", {"answers": {}}, format="json")

    assert unknown_field.json()["error"]["fields"] == {"nope": ["Not a question of this section."]}
    assert list(bad_email.json()["error"]["fields"]) == ["contact_email"]
    assert unknown_section.status_code == 404


def test_upload_a_document_validated_as_pdf(api, seoul_editor, complete):
    document = CallDocumentFactory(call=complete.call, name="Budget sheet")
    api.force_authenticate(seoul_editor)
    url = f"{MINE}{complete.pk}/attachments/"

    uploaded = api.post(url, {"document": str(document.pk), "file": pdf_upload("budget.pdf")})
    refused = api.post(
        url, {"document": str(document.pk), "file": renamed_executable_upload("x.pdf")}
    )
    other = api.post(url, {"document": "999999", "file": pdf_upload()})

    assert uploaded.status_code == 201
    assert [a["original_name"] for a in uploaded.json()["answers"]["documents"]["documents"]] == [
        "budget.pdf"
    ]
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["file"]
    assert other.json()["error"]["fields"] == {"document": ["Not a document of this call."]}
    assert ApplicationAttachment.objects.count() == 1


def test_submit_an_incomplete_draft_lists_what_is_missing(api, seoul_editor, seoul, call):
    application = ApplicationFactory(organization=seoul, call=call)
    SolutionFinderDetailsFactory(application=application, urban_challenges="")
    api.force_authenticate(seoul_editor)

    response = api.post(f"{MINE}{application.pk}/submit/")

    assert response.status_code == 400
    assert (
        "Urban challenges: Describe the urban challenges your city faces"
        in (response.json()["error"]["fields"]["missing"])
    )


def test_submit_then_withdraw_with_history(api, seoul_editor, complete):
    api.force_authenticate(seoul_editor)
    url = f"{MINE}{complete.pk}/"

    submitted = api.post(f"{url}submit/")
    edit = api.patch(f"{url}sections/budget/", {"answers": {"timeline": "x"}}, format="json")
    withdrawn = api.post(f"{url}withdraw/", {"reason": "Budget cut."}, format="json")
    twice = api.post(f"{url}withdraw/", {}, format="json")
    history = api.get(f"{url}history/")

    assert submitted.json()["status"] == ApplicationStatus.SUBMITTED
    assert (edit.status_code, edit.json()["error"]["code"]) == (409, "conflict")
    assert withdrawn.json()["status"] == ApplicationStatus.WITHDRAWN
    assert twice.status_code == 409
    assert [(t["from_status"], t["to_status"]) for t in history.json()] == [
        ("draft", "submitted"),
        ("submitted", "withdrawn"),
    ]


def test_messages_show_shared_ones_only_and_send_from_the_city(api, seoul_editor, complete):
    complete.status = ApplicationStatus.SUBMITTED
    complete.save()
    ApplicationMessageFactory(
        application=complete, body="Shared", visibility=MessageVisibility.SHARED
    )
    ApplicationMessageFactory(
        application=complete, body="Internal note", visibility=MessageVisibility.INTERNAL
    )
    api.force_authenticate(seoul_editor)
    url = f"{MINE}{complete.pk}/messages/"

    sent = api.post(url, {"body": "Our answer."}, format="json")
    listed = api.get(url)

    assert sent.status_code == 201
    assert [m["body"] for m in listed.json()] == ["Shared", "Our answer."]
    assert "Internal note" not in listed.content.decode()


def test_message_on_a_draft_is_a_400(api, seoul_editor, complete):
    api.force_authenticate(seoul_editor)

    response = api.post(f"{MINE}{complete.pk}/messages/", {"body": "Hi"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_allowed"


def test_history_lists_transitions(api, seoul_editor, complete):
    ApplicationTransitionFactory(application=complete, from_status="draft", to_status="submitted")
    api.force_authenticate(seoul_editor)

    response = api.get(f"{MINE}{complete.pk}/history/")

    assert [t["to_status"] for t in response.json()] == ["submitted"]


def test_writes_are_throttled_with_retry_after(api, seoul_editor, complete, write_limit):
    api.force_authenticate(seoul_editor)
    url = f"{MINE}{complete.pk}/sections/budget/"

    statuses = [
        api.patch(url, {"answers": {"timeline": str(n)}}, format="json").status_code
        for n in range(3)
    ]
    throttled = api.patch(url, {"answers": {"timeline": "x"}}, format="json")

    assert statuses == [200, 200, 429]
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["error"]["code"] == "throttled"


def test_a_personal_token_works_and_a_bad_one_is_a_401(api, seoul_editor, complete):
    _record, secret = AuthToken.objects.create(user=seoul_editor, expiry=None)

    mine = api.get(MINE, HTTP_AUTHORIZATION=f"Token {secret}")
    bad = api.get(MINE, HTTP_AUTHORIZATION="Token wego_not-a-token")

    assert [row["id"] for row in mine.json()["results"]] == [complete.pk]
    assert bad.status_code == 401


def test_session_writes_need_the_csrf_token(seoul_editor, complete):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(seoul_editor)

    response = browser.post(f"{MINE}{complete.pk}/submit/")

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["detail"]
    complete.refresh_from_db()
    assert complete.status == ApplicationStatus.DRAFT


def test_a_move_with_a_stale_if_match_is_a_409_and_changes_nothing(api, seoul_editor, complete):
    complete.status = ApplicationStatus.UNDER_REVIEW
    complete.save()
    api.force_authenticate(seoul_editor)
    url = f"{MINE}{complete.pk}/"

    detail = api.get(url)
    stale = api.post(f"{url}withdraw/", {}, format="json", HTTP_IF_MATCH='"submitted"')
    fresh = api.post(f"{url}withdraw/", {}, format="json", HTTP_IF_MATCH=detail["ETag"])

    assert detail["ETag"] == '"under_review"'
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "changed_meanwhile"
    assert "changed meanwhile" in stale.json()["error"]["detail"]
    assert (fresh.status_code, fresh.json()["status"]) == (200, ApplicationStatus.WITHDRAWN)
    assert fresh["ETag"] == '"withdrawn"'
    assert complete.transitions.count() == 1
