import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from privacy.models import DataExport
from reports.enums import RunState
from tests.factories.events import EventRegistrationFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db


def _archive(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_seoul_user_downloads_their_data_and_not_makatis(
    django_capture_on_commit_callbacks, client, seoul_editor, seoul_data, makati_data
):
    application, attachment, registration, _notice = seoul_data
    client.force_login(seoul_editor)
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued after commit
        response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=seoul_editor)
    assert (export.state, export.progress) == (RunState.DONE, 100)

    page = client.get(reverse("privacy:my_data"))
    download_url = reverse("privacy:export_download", args=[export.pk])
    assert download_url in page.content.decode()
    archive = _archive(client.get(download_url))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == "editor@seoul.test"
    assert data["profile"]["full_name"] == "Kim Seoul"
    assert data["memberships"] == [
        {"organization": "Seoul", "role": "editor", "since": data["memberships"][0]["since"]}
    ]
    assert [a["reference"] for a in data["applications"]] == [application.reference]
    assert [m["body"] for m in data["application_messages"]] == ["Our answer."]
    assert [r["id"] for r in data["event_registrations"]] == [registration.pk]
    assert [n["subject"] for n in data["notices"]] == ["Your application was received"]
    attachment_name = next(n for n in archive.namelist() if n.startswith("files/attachments/"))
    with attachment.file.open("rb") as original:
        assert archive.read(attachment_name) == original.read()
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("latin-1")
    assert "makati" not in everything.lower()


def test_an_export_is_only_for_its_person(
    django_capture_on_commit_callbacks, client, seoul_editor, makati_editor, seoul_data
):
    client.force_login(seoul_editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export_request"))
    export = DataExport.objects.get(user=seoul_editor)
    client.force_login(makati_editor)
    assert client.get(reverse("privacy:export_download", args=[export.pk])).status_code == 404


def test_the_download_link_expires(
    django_capture_on_commit_callbacks, client, seoul_editor, seoul_data
):
    client.force_login(seoul_editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export_request"))
    export = DataExport.objects.get(user=seoul_editor)
    assert export.expires_at - export.finished_at == datetime.timedelta(days=7)
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(reverse("privacy:export_download", args=[export.pk])).status_code == 404


def test_secretariat_exports_a_visitors_data_from_the_admin(
    django_capture_on_commit_callbacks, client, secretariat
):
    registration = EventRegistrationFactory(email="visitor@example.org", name="Vera Visitor")
    EventRegistrationFactory(email="other@example.org", name="Otto Other")
    NotificationFactory(recipient=None, to_email="visitor@example.org", subject="Your place")
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:privacy_dataexport_visitor"),
            {"email": "Visitor@Example.org", "export": "1"},
        )
    assert response.status_code == 302
    export = DataExport.objects.get(email="visitor@example.org")
    assert (export.state, export.progress) == (RunState.DONE, 100)
    archive = _archive(client.get(reverse("admin:privacy_dataexport_download", args=[export.pk])))
    data = json.loads(archive.read("data.json"))
    assert [r["id"] for r in data["event_registrations"]] == [registration.pk]
    assert [n["subject"] for n in data["notices"]] == ["Your place"]
    assert "Otto" not in archive.read("data.json").decode()
    assert Notification.objects.count() == 1


def test_office_staff_cannot_export_a_visitors_data(client, east_asia_staff):
    client.force_login(east_asia_staff)
    response = client.post(reverse("admin:privacy_dataexport_visitor"), {"email": "v@example.org"})
    assert response.status_code == 403
    assert not DataExport.objects.exists()


def test_export_requires_sign_in(client):
    response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
