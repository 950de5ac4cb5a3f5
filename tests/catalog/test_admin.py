"""The catalog's back office: curation with images, and the moderation queue."""

import pytest
from django.urls import reverse

from catalog.enums import ProjectSource, ProjectStatus
from catalog.models import Project
from tests.factories.catalog import ProjectFactory, ProjectImageFactory
from tests.members.files import png_upload

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:catalog_project_changelist")


def _inline(prefix: str = "images") -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_secretariat_curates_a_project_with_an_image(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("admin:catalog_project_add"),
        {
            "title_en": "Curated project",
            "title_ko": "큐레이션 프로젝트",
            "slug": "curated-project",
            "city_name": "Lisbon",
            "country": "PT",
            "source": ProjectSource.SECRETARIAT,
            "summary_en": "Picked by the secretariat.",
            "figures": "[]",
            "links": "[]",
            **_inline(),
            "images-0-upload": png_upload("photo.png", width=1200, height=900),
            "images-0-caption": "The square",
            "images-0-position": "1",
        },
    )

    project = Project.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (project.status, project.created_by, project.region) == (
        ProjectStatus.DRAFT,
        officer,
        "europe",
    )
    assert (project.title_en, project.title_ko) == ("Curated project", "큐레이션 프로젝트")
    image = project.images.get()
    assert image.caption == "The square"
    assert image.image.width == 1200
    assert image.thumbnail.width == 480


def test_project_change_page_renders_with_its_images(client, officer):
    image = ProjectImageFactory(project=ProjectFactory(published=True))
    client.force_login(officer)

    response = client.get(reverse("admin:catalog_project_change", args=[image.project_id]))

    assert response.status_code == 200
    assert image.thumbnail.url in response.content.decode()


def test_queue_lists_proposals_and_links_to_the_candidates(client, officer):
    ProjectFactory(title="Proposed", status=ProjectStatus.SUBMITTED)
    ProjectFactory(title="Draft")
    client.force_login(officer)

    response = client.get(CHANGELIST, {"status": "submitted"})

    assert [p.title for p in response.context["cl"].result_list] == ["Proposed"]
    assert reverse("admin:catalog_project_candidates") in response.content.decode()


def test_curated_draft_is_published_directly(client, officer):
    project = ProjectFactory(
        organization=None, city_name="Lisbon", source=ProjectSource.SECRETARIAT
    )
    client.force_login(officer)

    client.post(CHANGELIST, {"action": "publish", "_selected_action": [project.pk]})

    project.refresh_from_db()
    assert project.status == ProjectStatus.PUBLISHED
