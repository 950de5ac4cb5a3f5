"""Sharing a registration with the event's hosts: consent recorded with the text's version and
time, withdrawn by the e-mailed link or in the account area, and respected by the hosts' export."""

import csv
import io
import re

import pytest
from django.urls import reverse

from events import links, services
from events.enums import RegistrationStatus
from events.models import EventRegistration
from privacy.enums import ConsentPurpose
from privacy.models import ConsentRecord
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, EventHostFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory

pytestmark = pytest.mark.django_db

SHARE_TEXT = "Share my name, organization and e-mail address with the organizations hosting"


@pytest.fixture
def hosted(event, seoul):
    EventHostFactory(event=event, organization=seoul)
    return event


def _register_visitor(client, event, email, *, share, capture, name="Amina Bello"):
    data = {"name": name, "organization_name": "Abuja", "email": email}
    if share:
        data["share_with_hosts"] = "on"
    with capture(execute=True):
        response = client.post(reverse("events:register_visitor", args=[event.slug]), data)
    assert response.status_code == 302, response.content.decode()


def _link(mail, kind: str) -> str:
    return re.search(rf"http://testserver(/events/registrations/{kind}/\S+/)", mail.body).group(1)


def _confirm(client, mail, capture):
    with capture(execute=True):
        response = client.post(_link(mail, "confirm"))
    assert response.status_code == 200
    return response


def _export_rows(client, event) -> list[list[str]]:
    response = client.get(reverse("events:hosted_registrations_csv", args=[event.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_sharing_question_is_asked_only_for_an_event_with_member_hosts(client, event, seoul):
    url = reverse("events:register_visitor", args=[event.slug])

    assert "share_with_hosts" not in client.get(url).content.decode()

    EventHostFactory(event=event, organization=seoul)
    html = client.get(url).content.decode()
    assert 'name="share_with_hosts"' in html
    assert SHARE_TEXT in html
    assert "Optional: your registration does not depend on it. Hosts: Seoul." in html
    assert "checked" not in html.split('name="share_with_hosts"')[1].split(">")[0]


def test_a_visitors_consent_is_recorded_with_its_version_when_the_address_is_confirmed(
    client, hosted, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PRIVACY_CONSENT_TEXT_VERSIONS = {"share_with_host": "1", "newsletter": "1"}
    _register_visitor(
        client, hosted, "amina@abuja.test", share=True, capture=django_capture_on_commit_callbacks
    )
    registration = EventRegistration.objects.get()
    assert "shares your name, organization and e-mail address" in mailoutbox[0].body
    assert not ConsentRecord.objects.exists()  # nothing before the owner of the address confirms
    assert "Confirming records that agreement" in client.get(_link(mailoutbox[0], "confirm")).text

    _confirm(client, mailoutbox[0], django_capture_on_commit_callbacks)

    record = ConsentRecord.objects.get()
    registration.refresh_from_db()
    assert record.purpose == ConsentPurpose.SHARE_WITH_HOST
    assert record.text_version == "1"
    assert record.subject == f"events.EventRegistration:{registration.pk}"
    assert record.given_at >= registration.email_confirmed_at
    assert record.withdrawn_at is None
    confirmed_mail = mailoutbox[-1]
    assert confirmed_mail.subject.startswith("You are registered")
    assert "/events/registrations/sharing/" in confirmed_mail.body


def test_no_consent_and_no_withdrawal_link_without_the_box_ticked(
    client, hosted, mailoutbox, django_capture_on_commit_callbacks
):
    _register_visitor(
        client, hosted, "amina@abuja.test", share=False, capture=django_capture_on_commit_callbacks
    )
    _confirm(client, mailoutbox[0], django_capture_on_commit_callbacks)

    assert not ConsentRecord.objects.exists()
    assert "/events/registrations/sharing/" not in mailoutbox[-1].body
    assert "shares your name" not in mailoutbox[0].body


def test_the_hosts_export_holds_only_confirmed_registrants_who_agreed(
    client, hosted, member, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _register_visitor(client, hosted, "amina@abuja.test", share=True, capture=capture)
    _confirm(client, mailoutbox[-1], capture)
    _register_visitor(
        client, hosted, "bo@lyon.test", share=False, capture=capture, name="Bo Lindqvist"
    )
    _confirm(client, mailoutbox[-1], capture)
    _register_visitor(  # asked to share but never confirmed the address
        client, hosted, "carl@nowhere.test", share=True, capture=capture, name="Carl Unconfirmed"
    )
    client.force_login(member)

    rows = _export_rows(client, hosted)

    assert rows[0] == ["Name", "Organization", "E-mail address", "Status", "Agreed to share on"]
    assert [row[:4] for row in rows[1:]] == [
        ["Amina Bello", "Abuja", "amina@abuja.test", "Confirmed"]
    ]


def test_the_withdrawal_link_needs_no_account_and_the_export_stops_including_the_person(
    client, hosted, member, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _register_visitor(client, hosted, "amina@abuja.test", share=True, capture=capture)
    _confirm(client, mailoutbox[-1], capture)
    stop_path = _link(mailoutbox[-1], "sharing")

    question = client.get(stop_path)
    assert question.status_code == 200
    assert "Stop sharing my registration" in question.text
    assert ConsentRecord.objects.get().withdrawn_at is None  # GET changes nothing

    done = client.post(stop_path)

    assert done.status_code == 200
    assert "no longer agree to share" in done.text
    record = ConsentRecord.objects.get()
    assert record.withdrawn_at is not None  # recorded, not deleted
    assert EventRegistration.objects.get().status == RegistrationStatus.CONFIRMED
    client.force_login(member)
    assert len(_export_rows(client, hosted)) == 1  # the header only
    assert "not shared with its hosts" in client.post(stop_path).text


def test_an_altered_withdrawal_link_is_refused(client, hosted):
    registration = EventRegistration.objects.create(event=hosted, name="A", email="a@example.org")
    token = links.sharing_token(registration)

    assert client.get(f"/events/registrations/sharing/{token}x/").status_code == 400
    cancel_token = links.cancellation_token(registration)  # another link's signature
    assert client.get(f"/events/registrations/sharing/{cancel_token}/").status_code == 400


def test_asking_again_without_sharing_withdraws_the_earlier_consent(
    client, hosted, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _register_visitor(client, hosted, "amina@abuja.test", share=True, capture=capture)
    _confirm(client, mailoutbox[-1], capture)
    registration = EventRegistration.objects.get()
    services.registration_cancel(registration=registration)

    _register_visitor(client, hosted, "amina@abuja.test", share=False, capture=capture)
    _confirm(client, mailoutbox[-1], capture)

    assert ConsentRecord.objects.get().withdrawn_at is not None
    assert not services.registration_shared_with_hosts(registration)


def test_a_member_shares_in_one_click_and_withdraws_in_the_account_area(
    member_client, member, hosted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("events:register", args=[hosted.slug]), {"share_with_hosts": "on"}
        )
    record = ConsentRecord.objects.get()
    page = member_client.get(reverse("privacy:my_data")).content.decode()
    assert "Smart Health Responder Webinar" in page
    assert SHARE_TEXT in page
    assert "text version 1" in page
    assert "1 consent that you can withdraw" in member_client.get(reverse("account_overview")).text

    response = member_client.post(reverse("privacy:consent_withdraw", args=[record.pk]))

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    assert (
        "Smart Health Responder Webinar" not in member_client.get(reverse("privacy:my_data")).text
    )
    assert len(_export_rows(member_client, hosted)) == 1


def test_nobody_withdraws_another_persons_consent(client, member, hosted):
    registration = services.registration_create_for_user(
        event=hosted, user=member, share_with_hosts=True
    )
    record = ConsentRecord.objects.get()
    client.force_login(UserFactory())

    response = client.post(reverse("privacy:consent_withdraw", args=[record.pk]))

    assert response.status_code == 404
    assert services.registration_shared_with_hosts(registration)
    assert client.get(reverse("privacy:consent_withdraw", args=[record.pk])).status_code == 405


def test_only_the_hosts_people_download_the_export(client, hosted, member):
    url = reverse("events:hosted_registrations_csv", args=[hosted.slug])

    assert client.get(url).status_code == 302  # sign in first
    client.force_login(OrganizationUserFactory(organization=OrganizationFactory()).user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("events:hosted")).status_code == 200
    assert hosted.title not in client.get(reverse("events:hosted")).text
    client.force_login(member)
    hosted_page = client.get(reverse("events:hosted")).text
    assert hosted.title in hosted_page
    assert url in hosted_page
    assert reverse("events:hosted") in client.get(reverse("events:my_registrations")).text


def test_the_export_never_carries_a_live_formula(client, hosted, member):
    other = UserFactory(email="x@example.org", full_name="=HYPERLINK(1)")
    services.registration_create_for_user(event=hosted, user=other, share_with_hosts=True)
    client.force_login(member)

    rows = _export_rows(client, hosted)

    assert rows[1][0] == "'=HYPERLINK(1)"


def test_an_event_without_hosts_records_no_consent(member, event):
    registration = services.registration_create_for_user(
        event=event, user=member, share_with_hosts=True
    )

    assert not services.registration_shared_with_hosts(registration)
    assert not ConsentRecord.objects.exists()


def test_a_waitlisted_registrant_who_shares_is_in_the_export(client, seoul, member):
    full = EventFactory(title="Small workshop", open_registration=True, capacity=1)
    EventHostFactory(event=full, organization=seoul)
    services.registration_create_for_user(event=full, user=UserFactory(), share_with_hosts=False)
    waiting = services.registration_create_for_user(
        event=full, user=UserFactory(full_name="Waiting Person"), share_with_hosts=True
    )
    client.force_login(member)

    rows = _export_rows(client, full)

    assert waiting.status == RegistrationStatus.WAITLISTED
    assert [row[0] for row in rows[1:]] == ["Waiting Person"]
