import pytest
from django.urls import reverse
from PIL import Image

from members.enums import OrganizationRole
from members.models import Organization
from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationUserFactory
from tests.members.files import (
    image_bomb_upload,
    png_upload,
    polyglot_upload,
    renamed_executable_upload,
)

pytestmark = pytest.mark.django_db

PORTAL_URLS = [
    "members:portal_organization",
    "members:profile_edit",
    "members:logo_edit",
    "members:photos_edit",
    "members:invite",
]


def test_dashboard_lists_the_users_organizations(client, seoul, seoul_editor, makati):
    client.force_login(seoul_editor)

    response = client.get(reverse("members:dashboard"))

    assert [org.name for org in response.context["organizations"]] == ["Seoul"]


def test_anonymous_visitor_is_sent_to_sign_in(client, seoul):
    response = client.get(reverse("members:profile_edit", args=[seoul.slug]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", PORTAL_URLS)
def test_another_organizations_user_gets_404(client, seoul, makati_editor, url_name):
    client.force_login(makati_editor)

    get = client.get(reverse(url_name, args=[seoul.slug]))
    post = client.post(
        reverse(url_name, args=[seoul.slug]), {"description": "Hacked", "email": "x@y.test"}
    )

    assert get.status_code == 404
    assert post.status_code == 404
    seoul.refresh_from_db()
    assert seoul.description == ""


def test_editor_updates_the_public_profile(client, seoul, seoul_editor):
    from programs.models import SmartCityArea

    client.force_login(seoul_editor)
    areas = list(SmartCityArea.objects.filter(slug__in=["healthcare", "e-government"]))

    response = client.post(
        reverse("members:profile_edit", args=[seoul.slug]),
        {
            "description": "Capital of Korea <script>alert(1)</script>",
            "website": "https://seoul.go.kr",
            "contact_email": "smart@seoul.test",
            "areas": [a.pk for a in areas],
        },
    )

    seoul.refresh_from_db()
    assert response.status_code == 302
    assert seoul.website == "https://seoul.go.kr"
    assert sorted(a.slug for a in seoul.areas.all()) == ["e-government", "healthcare"]
    assert seoul.history.first().history_user == seoul_editor
    public = client.get(seoul.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in public
    assert "<script>alert(1)" not in public


def test_profile_edit_explains_errors_and_keeps_input(client, seoul, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("members:profile_edit", args=[seoul.slug]),
        {"description": "Kept text", "website": "not a url", "contact_email": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Kept text" in html


def test_logo_upload_is_reencoded_with_a_thumbnail(client, seoul, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("members:logo_edit", args=[seoul.slug]),
        {"logo": png_upload(width=1200, height=600)},
    )

    seoul.refresh_from_db()
    assert response.status_code == 302
    with Image.open(seoul.logo.path) as logo, Image.open(seoul.logo_thumbnail.path) as thumb:
        assert logo.format == "PNG" and logo.size == (800, 400)
        assert max(thumb.size) == 160


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (renamed_executable_upload, "The file must be an image"),
        (image_bomb_upload, "The image has too many pixels"),
    ],
)
def test_logo_upload_refuses_hostile_files(client, seoul, seoul_editor, upload, message):
    client.force_login(seoul_editor)

    response = client.post(reverse("members:logo_edit", args=[seoul.slug]), {"logo": upload()})

    seoul.refresh_from_db()
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not seoul.logo


def test_polyglot_logo_keeps_only_pixels(client, seoul, seoul_editor):
    client.force_login(seoul_editor)

    client.post(reverse("members:logo_edit", args=[seoul.slug]), {"logo": polyglot_upload()})

    seoul.refresh_from_db()
    stored = seoul.logo.read()
    assert stored.startswith(b"\x89PNG")
    assert b"<script>" not in stored


def test_oversized_logo_is_refused(client, seoul, seoul_editor, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    client.force_login(seoul_editor)

    response = client.post(
        reverse("members:logo_edit", args=[seoul.slug]),
        {"logo": png_upload(width=400, height=400, colour=(1, 2, 3))},
    )

    assert (
        "The file is too large" in response.content.decode()
        or "The image" in response.content.decode()
    )
    seoul.refresh_from_db()
    assert not seoul.logo


def test_editor_invites_a_colleague(
    client, seoul, seoul_editor, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(seoul_editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:invite", args=[seoul.slug]),
            {
                "full_name": "Kim Min-ji",
                "email": "minji@seoul.test",
                "role": OrganizationRole.EDITOR,
            },
        )

    assert response.status_code == 302
    link = seoul.people.get(user__email="minji@seoul.test")
    assert link.role == OrganizationRole.EDITOR
    assert [m.to for m in mailoutbox] == [["minji@seoul.test"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_regional_office_staff_may_edit_their_members_only(client, seoul, makati):
    from members.services import office_staff_group_ensure
    from tests.factories.members import OfficeFactory

    office = OfficeFactory(slug="east-asia")
    Organization.objects.filter(pk=seoul.pk).update(office=office)
    staff = UserFactory(is_staff=True)
    staff.groups.add(office_staff_group_ensure(office=office))
    client.force_login(staff)

    assert client.get(reverse("members:profile_edit", args=[seoul.slug])).status_code == 200
    assert client.get(reverse("members:profile_edit", args=[makati.slug])).status_code == 404


def test_primary_contact_and_editor_may_edit_but_others_not(seoul):
    primary = OrganizationUserFactory(
        organization=seoul, role=OrganizationRole.PRIMARY_CONTACT
    ).user
    stranger = UserFactory()

    assert primary.has_perm("members.edit_organization_profile", seoul)
    assert not stranger.has_perm("members.edit_organization_profile", seoul)
    assert not stranger.has_perm("members.act_for_organization", seoul)
