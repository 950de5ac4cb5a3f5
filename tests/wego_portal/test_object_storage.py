"""Media and private files on S3-compatible object storage (a local moto server).

A logo uploaded through the portal lands in the public bucket and is readable by its address;
a join letter lands in the private bucket, an anonymous GET of its bucket address is refused,
and the portal streams it to staff only.
"""

import urllib.error
import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from members.models import MembershipApplication
from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from tests.members.files import png_upload
from tests.members.test_join import join_data
from wego_portal.files import PrivateS3Storage, private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def seoul(db):
    return OrganizationFactory(name="Seoul", slug="seoul", country="KR", city="Seoul")


@pytest.fixture
def seoul_editor(seoul):
    return OrganizationUserFactory(
        organization=seoul, user=UserFactory(email="editor@seoul.test")
    ).user


def anonymous_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_logo_uploaded_through_the_portal_is_served_from_the_public_bucket(
    client, object_storage, seoul, seoul_editor
):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("members:logo_edit", args=[seoul.slug]), {"logo": png_upload(width=300)}
    )

    assert response.status_code == 302
    seoul.refresh_from_db()
    url = seoul.logo.url
    assert url.startswith(f"{object_storage['endpoint']}/{object_storage['public']}/logos/")
    assert "Signature" not in url  # a plain public address, cacheable by browsers and CDNs
    stored = default_storage.open(seoul.logo.name).read()
    status, body = anonymous_get(url)
    assert status == 200
    assert body == stored
    assert body.startswith(b"\x89PNG")
    page = client.get(reverse("members:profile", args=[seoul.slug]))
    assert url in page.content.decode()


def test_private_letter_is_refused_by_the_bucket_and_streamed_by_the_portal(
    client, object_storage, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:join"), join_data())
    assert response.status_code == 302

    application = MembershipApplication.objects.get()
    letter = application.supporting_letter
    assert isinstance(letter.storage._wrapped, PrivateS3Storage)
    with pytest.raises(ValueError, match="no public URL"):
        letter.url  # noqa: B018
    stored = private_storage().open(letter.name).read()
    assert stored.startswith(b"%PDF-")
    client_s3 = private_storage().connection.meta.client
    head = client_s3.head_object(Bucket=object_storage["private"], Key=letter.name)
    assert head["ContentLength"] == len(stored)

    bucket_address = f"{object_storage['endpoint']}/{object_storage['private']}/{letter.name}"
    status, body = anonymous_get(bucket_address)
    assert status == 403
    assert body == b""

    download = reverse("admin:members_membershipapplication_letter", args=[application.pk])
    anonymous = client.get(download)
    client.force_login(UserFactory(email="member@city.test"))
    member = client.get(download)
    client.force_login(staff_user)
    staff = client.get(download)

    assert anonymous.status_code == 302
    assert member.status_code == 302  # not staff: sent to the admin's sign-in
    assert staff.status_code == 200
    assert b"".join(staff.streaming_content) == stored
    assert staff["Content-Disposition"].startswith("attachment")
    assert "no-store" in staff["Cache-Control"]


def test_storage_buckets_command_is_idempotent_and_readiness_asks_the_buckets(
    client, object_storage
):
    call_command("storage_buckets")
    call_command("storage_buckets")

    ready = client.get(reverse("healthz_ready"))

    assert ready.status_code == 200
    assert ready.json()["checks"]["storage"] == "ok"


def test_pages_may_load_media_from_the_buckets_origin():
    from wego_portal.settings.base import media_origin

    assert media_origin("http://127.0.0.1:9000/", "media") == "http://127.0.0.1:9000"
    assert media_origin("", "media", "media.wego.example") == "https://media.wego.example"
    assert media_origin("", "wego-media") == "https://wego-media.s3.us-east-1.amazonaws.com"
