import datetime

import pytest
from django.test import Client
from django.urls import reverse

from health import services
from health.enums import ModerationStatus
from health.models import Initiative, InitiativeFile
from tests.factories.health import InitiativeFactory, InitiativeFileFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from tests.members.files import pdf_upload, renamed_executable_upload

pytestmark = pytest.mark.django_db
LIST = reverse("health:initiatives")
ADMIN_CHANGELIST = reverse("admin:health_initiative_changelist")

FORM = {
    "title": "Drive-through testing stations",
    "topic": "testing",
    "city": "Seoul",
    "country": "KR",
    "started_on": "2020-02",
    "ended_on": "",
    "summary": "People are tested in ten minutes without leaving their car.",
    "outcomes": "50,000 tests in the first month.",
    "links": "Seoul dashboard | https://www.seoul.go.kr/corona\nhttps://example.org/report",
}


def titles(response) -> list[str]:
    return [initiative.title for initiative in response.context["page"].object_list]


@pytest.fixture
def visitor():
    return Client()


# --- The journey: share, review, publish --------------------------------------------------------


def test_city_shares_an_initiative_that_is_public_only_once_the_secretariat_publishes_it(
    client, visitor, seoul, seoul_editor, officer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(seoul_editor)

    response = client.post(reverse("health:initiative_create"), FORM)

    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("health:initiative_manage", args=[initiative.pk])
    assert initiative.status == ModerationStatus.DRAFT
    assert initiative.organization == seoul
    assert initiative.started_on == datetime.date(2020, 2, 1)
    assert initiative.region == "asia_pacific"
    assert initiative.links == [
        {"title": "Seoul dashboard", "url": "https://www.seoul.go.kr/corona"},
        {"title": "https://example.org/report", "url": "https://example.org/report"},
    ]
    assert visitor.get(initiative.get_absolute_url()).status_code == 404
    assert titles(visitor.get(LIST)) == []

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("health:initiative_submit", args=[initiative.pk]))

    initiative.refresh_from_db()
    assert initiative.status == ModerationStatus.SUBMITTED
    assert initiative.submitted_by == seoul_editor
    assert visitor.get(initiative.get_absolute_url()).status_code == 404
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            ["officer@wego.test"],
            "Data Portal initiative to review: Drive-through testing stations",
        )
    ]

    staff = Client()
    staff.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(ADMIN_CHANGELIST, {"action": "publish", "_selected_action": [initiative.pk]})

    initiative.refresh_from_db()
    assert initiative.status == ModerationStatus.PUBLISHED
    assert initiative.decided_by == officer
    page = visitor.get(initiative.get_absolute_url())
    assert page.status_code == 200
    assert "People are tested in ten minutes" in page.content.decode()
    assert titles(visitor.get(LIST)) == ["Drive-through testing stations"]
    assert mailoutbox[-1].to == ["editor@seoul.test"]
    assert mailoutbox[-1].subject == "Published on the Data Portal: Drive-through testing stations"


def test_secretariat_returns_an_initiative_with_a_note_the_city_sees(
    client, seoul, seoul_editor, officer, mailoutbox, django_capture_on_commit_callbacks
):
    initiative = InitiativeFactory(organization=seoul, submitted=True)
    staff = Client()
    staff.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            ADMIN_CHANGELIST,
            {
                "action": "return_to_city",
                "_selected_action": [initiative.pk],
                "confirmed": "yes",
                "note": "Please add the number of tests.",
            },
        )

    initiative.refresh_from_db()
    assert response.status_code == 302
    assert initiative.status == ModerationStatus.RETURNED
    assert initiative.moderation_note == "Please add the number of tests."
    assert mailoutbox[-1].to == ["editor@seoul.test"]
    assert "Please add the number of tests." in mailoutbox[-1].body
    client.force_login(seoul_editor)
    page = client.get(reverse("health:initiative_manage", args=[initiative.pk]))
    assert "Please add the number of tests." in page.content.decode()
    assert page.context["can_edit"] is True


def test_return_action_asks_for_a_note_first(client, seoul, officer):
    initiative = InitiativeFactory(organization=seoul, submitted=True)
    client.force_login(officer)

    response = client.post(
        ADMIN_CHANGELIST,
        {"action": "return_to_city", "_selected_action": [initiative.pk]},
    )

    initiative.refresh_from_db()
    assert response.status_code == 200
    assert "Return to the city with a note" in response.content.decode()
    assert initiative.status == ModerationStatus.SUBMITTED


def test_publishing_a_draft_of_a_member_is_refused(seoul, officer):
    initiative = InitiativeFactory(organization=seoul)

    with pytest.raises(services.HealthError, match="Only submitted initiatives"):
        services.initiative_publish(initiative=initiative, published_by=officer)


def test_submitting_an_incomplete_draft_lists_what_is_missing(client, seoul, seoul_editor):
    initiative = InitiativeFactory(organization=seoul, summary="", started_on=None)
    client.force_login(seoul_editor)

    response = client.post(reverse("health:initiative_submit", args=[initiative.pk]), follow=True)

    initiative.refresh_from_db()
    assert initiative.status == ModerationStatus.DRAFT
    assert [str(m) for m in response.context["messages"]] == [
        "Complete these parts before you submit: started, summary."
    ]


def test_submitted_initiative_can_no_longer_be_edited(client, seoul, seoul_editor):
    initiative = InitiativeFactory(organization=seoul, submitted=True)
    client.force_login(seoul_editor)

    response = client.get(reverse("health:initiative_edit", args=[initiative.pk]))

    assert response.status_code == 404


def test_form_errors_keep_what_was_typed(client, seoul, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("health:initiative_create"),
        {**FORM, "started_on": "sometime", "links": "not a link"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert Initiative.objects.count() == 0
    assert "There is a problem" in body
    assert "Enter a month and year, for example 2020-05." in body
    assert "Line 1 is not a web address" in body
    assert "People are tested in ten minutes without leaving their car." in body


def test_a_person_of_two_members_chooses_which_one_shares(client, seoul, seoul_editor):
    busan = OrganizationFactory(name="Busan", slug="busan")
    OrganizationUserFactory(organization=busan, user=seoul_editor)
    client.force_login(seoul_editor)

    client.post(reverse("health:initiative_create"), {**FORM, "organization": busan.pk})

    assert Initiative.objects.get().organization == busan


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("health:initiative_manage", "get"),
        ("health:initiative_edit", "get"),
        ("health:initiative_edit", "post"),
        ("health:initiative_submit", "post"),
    ],
)
def test_another_members_initiative_is_not_found(client, seoul, makati_editor, name, method):
    initiative = InitiativeFactory(organization=seoul)
    client.force_login(makati_editor)

    response = getattr(client, method)(reverse(name, args=[initiative.pk]), FORM)

    initiative.refresh_from_db()
    assert response.status_code == 404
    assert initiative.status == ModerationStatus.DRAFT
    assert initiative.title != FORM["title"]


def test_files_of_a_draft_are_private(client, visitor, seoul, seoul_editor, makati_editor):
    record = InitiativeFileFactory(initiative=InitiativeFactory(organization=seoul))
    url = record.get_absolute_url()

    assert visitor.get(url).status_code == 404
    client.force_login(makati_editor)
    assert client.get(url).status_code == 404
    client.force_login(seoul_editor)
    own = client.get(url)
    assert own.status_code == 200
    assert own["Content-Disposition"] == 'attachment; filename="report.pdf"'


def test_files_of_a_published_initiative_are_public_as_attachments(visitor, seoul):
    record = InitiativeFileFactory(initiative=InitiativeFactory(organization=seoul, published=True))

    response = visitor.get(record.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_someone_without_an_organization_is_told_how_to_share(client, user):
    client.force_login(user)

    response = client.get(reverse("health:initiative_create"))

    assert response.status_code == 200
    assert "You do not act for a WeGO member yet" in response.content.decode()


def test_portal_requires_sign_in(visitor):
    response = visitor.get(reverse("health:my_initiatives"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Documents ----------------------------------------------------------------------------------


def test_city_adds_a_pdf_to_its_draft(client, seoul, seoul_editor):
    initiative = InitiativeFactory(organization=seoul)
    client.force_login(seoul_editor)

    response = client.post(
        reverse("health:initiative_manage", args=[initiative.pk]),
        {"file": pdf_upload("policy.pdf")},
    )

    record = InitiativeFile.objects.get()
    assert response.status_code == 302
    assert (record.original_name, record.kind) == ("policy.pdf", "document")
    assert record.file.storage.exists(record.file.name)


def test_a_renamed_executable_is_refused(client, seoul, seoul_editor):
    initiative = InitiativeFactory(organization=seoul)
    client.force_login(seoul_editor)

    response = client.post(
        reverse("health:initiative_manage", args=[initiative.pk]),
        {"file": renamed_executable_upload("policy.pdf")},
    )

    assert response.status_code == 400
    assert InitiativeFile.objects.count() == 0
    assert "This file is not a PDF" in response.content.decode()


def test_a_document_over_the_size_limit_is_refused(client, seoul, seoul_editor, settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 2000
    initiative = InitiativeFactory(organization=seoul)
    client.force_login(seoul_editor)

    response = client.post(
        reverse("health:initiative_manage", args=[initiative.pk]),
        {"file": pdf_upload("big.pdf", size=5000)},
    )

    assert response.status_code == 400
    assert InitiativeFile.objects.count() == 0
    assert "The file is too large" in response.content.decode()


def test_city_removes_a_document_of_its_draft(
    client, seoul, seoul_editor, django_capture_on_commit_callbacks
):
    record = InitiativeFileFactory(initiative=InitiativeFactory(organization=seoul))
    storage, name = record.file.storage, record.file.name
    client.force_login(seoul_editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("health:initiative_file_remove", args=[record.initiative_id, record.pk])
        )

    assert InitiativeFile.objects.count() == 0
    assert not storage.exists(name)


# --- The public list ----------------------------------------------------------------------------


@pytest.fixture
def portal(db, seoul, makati):
    InitiativeFactory(organization=seoul, title="Testing stations", topic="testing", published=True)
    InitiativeFactory(
        organization=makati,
        title="Contact tracing app",
        topic="contact_tracing",
        started_on=datetime.date(2021, 1, 1),
        published=True,
    )
    InitiativeFactory(
        organization=OrganizationFactory(name="Lima", country="PE", region="americas"),
        title="Hotline for older people",
        topic="public_communication",
        started_on=datetime.date(2020, 6, 1),
        published=True,
    )
    InitiativeFactory(organization=seoul, title="Secret draft", topic="testing")


def test_list_shows_published_initiatives_only(visitor, portal):
    response = visitor.get(LIST)

    assert titles(response) == [
        "Contact tracing app",
        "Hotline for older people",
        "Testing stations",
    ]
    assert "3 initiatives" in response.content.decode()


def test_list_filters_by_topic_region_country_and_year(visitor, portal):
    assert titles(visitor.get(LIST, {"topic": ["testing", "contact_tracing"]})) == [
        "Contact tracing app",
        "Testing stations",
    ]
    assert titles(visitor.get(LIST, {"region": "americas"})) == ["Hotline for older people"]
    assert titles(visitor.get(LIST, {"country": "ph"})) == ["Contact tracing app"]
    assert titles(visitor.get(LIST, {"year": "2020"})) == [
        "Hotline for older people",
        "Testing stations",
    ]
    assert titles(visitor.get(LIST, {"member": "seoul"})) == ["Testing stations"]
    assert titles(visitor.get(LIST, {"q": "hotline"})) == ["Hotline for older people"]


def test_list_facets_count_within_the_results(visitor, portal):
    response = visitor.get(LIST, {"region": "asia_pacific"})

    topics = {item["value"]: item["count"] for item in response.context["facets"]["topic"]}
    assert topics["testing"] == 1
    assert topics["contact_tracing"] == 1
    assert topics["public_communication"] == 0
    assert response.context["selected"] == [{"label": "Asia-Pacific", "url": "?"}]


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_count_is_constant(visitor, django_assert_num_queries, count):
    for _ in range(count):
        InitiativeFactory(published=True)

    # count, page, four facets (topic, region, country, year)
    with django_assert_num_queries(6):
        response = visitor.get(LIST)

    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [2, 20])
def test_portal_list_query_count_is_constant(
    client, seoul, seoul_editor, django_assert_num_queries, count
):
    for _ in range(count):
        InitiativeFactory(organization=seoul)
    client.force_login(seoul_editor)
    client.get(reverse("health:my_initiatives"))  # warm the session

    with django_assert_num_queries(6):
        response = client.get(reverse("health:my_initiatives"))

    assert response.context["page"].paginator.count == count
