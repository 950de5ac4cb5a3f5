"""User-entered text with markup is escaped wherever it is shown: public and portal pages, the
admin, and e-mails (rendered through the notification outbox).

Plain-text e-mail bodies (``body_text``) are ``text/plain``: markup there is inert text, so only
the HTML bodies are checked for escaping.
"""

import pytest
from django.test import Client

from health.enums import InquiryTopic
from health.services import inquiry_submit
from notifications.models import Notification
from tests.factories.awards import EditionFactory, EntryFactory
from tests.factories.events import EventFactory, EventRegistrationFactory
from tests.factories.programs import ApplicationMessageFactory, SolutionFinderDetailsFactory

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def _page(user, url) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, where
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img" in html, where


@pytest.mark.parametrize("payload", PAYLOADS)
def test_organization_texts_are_escaped_on_public_portal_and_admin_pages(payload, world):
    org = world.org
    org.name = f"Evil {payload} City"
    org.description = f"About {payload}"
    org.save()

    for who, url in [
        (None, f"/members/{org.slug}/"),
        (None, "/members/?q=Evil"),
        (world.owner, f"/portal/organizations/{org.slug}/"),
        (world.secretariat, "/admin/members/organization/"),
        (world.secretariat, f"/admin/members/organization/{org.pk}/change/"),
    ]:
        _assert_escaped(_page(who, url), url)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_application_messages_are_escaped(payload, world):
    application = SolutionFinderDetailsFactory(
        application__organization=world.org, application__status="submitted"
    ).application
    ApplicationMessageFactory(application=application, body=f"Please {payload}")

    for who, url in [
        (world.owner, f"/portal/applications/{application.pk}/"),
        (world.secretariat, f"/admin/programs/application/{application.pk}/change/"),
    ]:
        _assert_escaped(_page(who, url), url)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_event_and_registration_names_are_escaped(payload, world):
    event = EventFactory(title=f"Webinar {payload}", open_registration=True)
    registration = EventRegistrationFactory(event=event, name=f"Guest {payload}")

    for who, url in [
        (None, f"/events/{event.slug}/"),
        (None, "/events/"),
        (world.secretariat, "/admin/events/eventregistration/"),
        (world.secretariat, f"/admin/events/eventregistration/{registration.pk}/change/"),
    ]:
        _assert_escaped(_page(who, url), url)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_award_entry_texts_are_escaped(payload, world):
    edition = EditionFactory(published=True)
    entry = EntryFactory(
        organization=world.org,
        winner=True,
        category__edition=edition,
        project_title=f"Project {payload}",
        summary=f"Summary {payload}",
    )

    for who, url in [
        (None, f"/awards/{edition.year}/entries/{entry.pk}/"),
        (world.owner, f"/awards/portal/entries/{entry.pk}/"),
        (world.secretariat, "/admin/awards/entry/"),
        (world.secretariat, f"/admin/awards/entry/{entry.pk}/change/"),
    ]:
        _assert_escaped(_page(who, url), url)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_inquiry_messages_are_escaped_in_admin_and_e_mails(
    payload, world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = inquiry_submit(
            data={
                "name": f"Ana {payload}",
                "organization_name": "City of Lima",
                "email": "ana@lima.test",
                "country": "PE",
                "topic": InquiryTopic.MEDICAL_EQUIPMENT,
                "message": f"We need {payload} tests",
            }
        )

    _assert_escaped(
        _page(world.secretariat, f"/admin/health/inquiry/{inquiry.pk}/change/"), "inquiry admin"
    )
    notifications = list(Notification.objects.all())
    assert notifications
    for notification in notifications:
        for raw in RAW:
            assert raw not in notification.body_html, notification.kind
            assert raw not in notification.subject, notification.kind
    for message in mailoutbox:
        for _body, mimetype in getattr(message, "alternatives", []):
            for raw in RAW:
                assert raw not in _body, mimetype
