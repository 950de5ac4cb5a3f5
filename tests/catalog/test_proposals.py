"""Members propose projects; the secretariat publishes or returns them."""

import pytest
from django.test import Client
from django.urls import reverse

from catalog import services
from catalog.enums import ProjectSource, ProjectStatus
from catalog.models import Project, ProjectImage
from programs.models import SmartCityArea
from tests.factories.catalog import ProjectFactory, ProjectImageFactory
from tests.factories.members import OrganizationFactory
from tests.members.files import image_bomb_upload, png_upload, polyglot_upload

pytestmark = pytest.mark.django_db
LIST = reverse("catalog:list")
ADMIN_CHANGELIST = reverse("admin:catalog_project_changelist")


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def areas(db):
    return {area.slug: area for area in SmartCityArea.objects.all()}


def form(areas, **changes):
    data = {
        "title": "Smart flood warning",
        "city_name": "",
        "country": "KR",
        "areas": [areas["disaster-risk-management"].pk, areas["water-management"].pk],
        "start_year": "2019",
        "end_year": "",
        "summary": "River sensors warn residents an hour before floods.",
        "problem": "Floods cut the river districts off every summer.",
        "solution": "Level sensors on 40 bridges and text alerts.",
        "results": "No flood deaths since the system started.",
        "figures": "40 | sensors\n12,000 | households warned",
        "partners_text": "Seoul National University",
        "budget_range": "100k_500k",
        "links": "Project site | https://flood.example.org",
    }
    data.update(changes)
    return data


def titles(response) -> list[str]:
    return [project.title for project in response.context["page"].object_list]


def test_member_proposes_a_project_that_is_public_only_once_published(
    client,
    visitor,
    seoul,
    seoul_editor,
    officer,
    areas,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    partner = OrganizationFactory(name="FATOS Corporation", member_type="corporation")
    client.force_login(seoul_editor)

    response = client.post(reverse("catalog:project_create"), form(areas, partners=[partner.pk]))

    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("catalog:project_manage", args=[project.pk])
    assert (project.status, project.source, project.organization) == (
        ProjectStatus.DRAFT,
        ProjectSource.MEMBER,
        seoul,
    )
    assert project.slug == "smart-flood-warning"
    assert project.region == "asia_pacific"
    assert project.figures == [
        {"value": "40", "label": "sensors"},
        {"value": "12,000", "label": "households warned"},
    ]
    assert sorted(a.slug for a in project.areas.all()) == [
        "disaster-risk-management",
        "water-management",
    ]
    assert list(project.partners.all()) == [partner]
    assert visitor.get(reverse("catalog:detail", args=[project.slug])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("catalog:project_propose", args=[project.pk]))

    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert titles(visitor.get(LIST)) == []
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["officer@wego.test"], "Catalog project to review: Smart flood warning")
    ]

    staff = Client()
    staff.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(ADMIN_CHANGELIST, {"action": "publish", "_selected_action": [project.pk]})

    project.refresh_from_db()
    assert project.status == ProjectStatus.PUBLISHED
    page = visitor.get(reverse("catalog:detail", args=[project.slug]))
    assert page.status_code == 200
    assert "12,000" in page.content.decode()
    assert titles(visitor.get(LIST)) == ["Smart flood warning"]
    assert mailoutbox[-1].to == ["editor@seoul.test"]
    assert mailoutbox[-1].subject == "In the project catalog: Smart flood warning"
    profile = visitor.get(seoul.get_absolute_url()).content.decode()
    assert "Projects in the WeGO catalog" in profile
    assert project.get_absolute_url() in profile
    partner_profile = visitor.get(partner.get_absolute_url()).content.decode()
    assert "as a partner" in partner_profile


def test_secretariat_returns_a_proposal_with_a_note(
    seoul, seoul_editor, officer, mailoutbox, django_capture_on_commit_callbacks
):
    project = ProjectFactory(organization=seoul, status=ProjectStatus.SUBMITTED)
    staff = Client()
    staff.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            ADMIN_CHANGELIST,
            {
                "action": "return_to_city",
                "_selected_action": [project.pk],
                "confirmed": "yes",
                "note": "Add figures on the results, please.",
            },
        )

    project.refresh_from_db()
    assert project.status == ProjectStatus.RETURNED
    assert project.moderation_note == "Add figures on the results, please."
    assert mailoutbox[-1].to == ["editor@seoul.test"]
    assert "Add figures on the results, please." in mailoutbox[-1].body


def test_publishing_a_members_draft_is_refused(seoul, officer):
    project = ProjectFactory(organization=seoul)

    with pytest.raises(services.CatalogError, match="once the member has sent it"):
        services.catalog_project_publish(project=project, published_by=officer)


def test_proposing_without_areas_lists_what_is_missing(client, seoul, seoul_editor):
    project = ProjectFactory(organization=seoul, problem="")
    client.force_login(seoul_editor)

    response = client.post(reverse("catalog:project_propose", args=[project.pk]), follow=True)

    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    assert [str(m) for m in response.context["messages"]] == [
        "Complete these parts before you send it: the problem, Smart City Driver areas."
    ]


def test_form_errors_keep_what_was_typed(client, seoul, seoul_editor, areas):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("catalog:project_create"),
        form(areas, figures="lots of sensors", end_year="2010"),
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert Project.objects.count() == 0
    assert "There is a problem" in body
    assert "Line 1 needs a figure" in body
    assert "The end must not be before the start." in body
    assert "River sensors warn residents an hour before floods." in body


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("catalog:project_manage", "get"),
        ("catalog:project_edit", "get"),
        ("catalog:project_edit", "post"),
        ("catalog:project_propose", "post"),
    ],
)
def test_another_members_project_is_not_found(client, seoul, makati_editor, areas, name, method):
    project = ProjectFactory(organization=seoul, areas=[areas["healthcare"]])
    client.force_login(makati_editor)

    response = getattr(client, method)(reverse(name, args=[project.pk]), form(areas))

    project.refresh_from_db()
    assert response.status_code == 404
    assert project.status == ProjectStatus.DRAFT
    assert project.title != "Smart flood warning"


def test_another_members_image_cannot_be_removed(client, seoul, makati_editor):
    image = ProjectImageFactory(project=ProjectFactory(organization=seoul))
    client.force_login(makati_editor)

    response = client.post(
        reverse("catalog:project_image_remove", args=[image.project_id, image.pk])
    )

    assert response.status_code == 404
    assert ProjectImage.objects.count() == 1


def test_a_proposal_under_review_cannot_be_edited(client, seoul, seoul_editor):
    project = ProjectFactory(organization=seoul, status=ProjectStatus.SUBMITTED)
    client.force_login(seoul_editor)

    assert client.get(reverse("catalog:project_edit", args=[project.pk])).status_code == 404


# --- Images -------------------------------------------------------------------------------------


def test_member_adds_an_image_that_is_re_encoded_with_a_thumbnail(client, seoul, seoul_editor):
    project = ProjectFactory(organization=seoul)
    client.force_login(seoul_editor)

    response = client.post(
        reverse("catalog:project_manage", args=[project.pk]),
        {"image": polyglot_upload(), "caption": "Sensors on a bridge"},
    )

    image = project.images.get()
    assert response.status_code == 302
    assert image.caption == "Sensors on a bridge"
    assert image.image.name.endswith(".png")
    assert image.thumbnail.name.endswith(".png")
    with image.image.open("rb") as handle:
        assert b"<script>" not in handle.read()


@pytest.mark.parametrize("upload", [image_bomb_upload, lambda: png_upload(width=10, height=10)])
def test_image_upload_refuses_bombs_and_keeps_the_form(client, seoul, seoul_editor, upload):
    project = ProjectFactory(organization=seoul)
    client.force_login(seoul_editor)
    payload = upload()
    bomb = payload.name == "bomb.png"

    response = client.post(
        reverse("catalog:project_manage", args=[project.pk]), {"image": payload, "caption": "x"}
    )

    if bomb:
        assert response.status_code == 400
        assert "The image has too many pixels" in response.content.decode()
        assert project.images.count() == 0
    else:
        assert response.status_code == 302
        assert project.images.count() == 1


def test_member_removes_an_image_and_its_files(
    client, seoul, seoul_editor, django_capture_on_commit_callbacks
):
    image = ProjectImageFactory(project=ProjectFactory(organization=seoul))
    names = [image.image.name, image.thumbnail.name]
    storage = image.image.storage
    client.force_login(seoul_editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("catalog:project_image_remove", args=[image.project_id, image.pk]))

    assert ProjectImage.objects.count() == 0
    assert [storage.exists(name) for name in names] == [False, False]


@pytest.mark.parametrize("count", [2, 20])
def test_portal_list_query_count_is_constant(
    client, seoul, seoul_editor, django_assert_num_queries, count
):
    for _ in range(count):
        ProjectFactory(organization=seoul)
    client.force_login(seoul_editor)
    client.get(reverse("catalog:my_projects"))  # warm the session

    with django_assert_num_queries(6):
        response = client.get(reverse("catalog:my_projects"))

    assert response.context["page"].paginator.count == count
