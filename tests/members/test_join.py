import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import User
from members import services
from members.enums import ApplicationStatus, OrganizationRole, OrganizationStatus
from members.models import MembershipApplication, Organization
from notifications.models import Notification
from tests.factories.accounts import UserFactory
from tests.factories.members import MembershipApplicationFactory, OfficeFactory, OrganizationFactory
from tests.members.files import pdf_upload, png_upload

pytestmark = pytest.mark.django_db
JOIN = reverse("members:join")


def join_data(**overrides):
    data = {
        "member_type": "local_government",
        "organization_name": "Cauayan City",
        "country": "PH",
        "city": "Cauayan",
        "website": "https://cauayancity.gov.ph",
        "contact_name": "Juan dela Cruz",
        "contact_title": "ICT Officer",
        "contact_email": "ict@cauayan.test",
        "motivation": "To share our smart city experience.",
        "supporting_letter": pdf_upload(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer(db):
    return UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)


def test_join_records_the_application_and_acknowledges_it(
    client, mailoutbox, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOIN, join_data())

    application = MembershipApplication.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("members:join_submitted")
    assert application.status == ApplicationStatus.PENDING
    assert application.region == "asia_pacific"
    assert application.supporting_letter.name.startswith("membership-letters/")
    assert sorted(m.to[0] for m in mailoutbox) == ["ict@cauayan.test", "officer@wego.test"]
    confirmation = client.get(response.url)
    assert "We have sent a confirmation to ict@cauayan.test" in confirmation.content.decode()


def test_join_catches_an_existing_member_ignoring_case_and_accents(client):
    OrganizationFactory(name="São Paulo", country="BR")

    response = client.post(JOIN, join_data(organization_name="sao paulo", country="BR"))

    assert response.status_code == 200
    assert "São Paulo is already a WeGO member" in response.content.decode()
    assert MembershipApplication.objects.count() == 0


def test_join_catches_a_pending_application(client):
    MembershipApplicationFactory(organization_name="Cauayan City", country="PH")

    response = client.post(JOIN, join_data())

    assert "already being reviewed" in response.content.decode()
    assert MembershipApplication.objects.count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (png_upload(name="letter.pdf"), "The file must be a PDF document"),
        (pdf_upload(size=11 * 1024 * 1024), "The file is too large"),
    ],
)
def test_join_refuses_a_bad_letter_and_keeps_what_was_typed(client, upload, message):
    response = client.post(JOIN, join_data(supporting_letter=upload))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Cauayan City"' in html
    assert "To share our smart city experience." in html
    assert MembershipApplication.objects.count() == 0


def test_join_explains_missing_fields(client):
    response = client.post(JOIN, {"organization_name": ""})

    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_contact_email">' in html


def test_approval_creates_the_member_and_invites_the_contact(
    client, mailoutbox, officer, django_capture_on_commit_callbacks
):
    OfficeFactory(slug="east-asia", regions=["asia_pacific"], country="CN")
    application = MembershipApplicationFactory(
        organization_name="Cauayan City", contact_email="ict@cauayan.test"
    )

    with django_capture_on_commit_callbacks(execute=True):
        organization = services.membership_application_approve(
            application=application,
            approved_by=officer,
            excom_approved_on=datetime.date(2020, 11, 24),
        )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.organization == organization
    assert organization.status == OrganizationStatus.ACTIVE
    assert organization.joined_on == datetime.date(2020, 11, 24)
    assert organization.region == "asia_pacific"
    assert organization.office.slug == "east-asia"
    contact = User.objects.get(email="ict@cauayan.test")
    assert contact.organization_roles.get().role == OrganizationRole.PRIMARY_CONTACT
    assert not contact.has_usable_password()
    invitation = [m for m in mailoutbox if m.to == ["ict@cauayan.test"]]
    assert len(invitation) == 1
    assert "Set your password" in invitation[0].body
    assert organization.history.first().history_user == officer


def test_invitation_link_sets_a_password_and_the_member_signs_in(
    client, mailoutbox, officer, django_capture_on_commit_callbacks
):
    application = MembershipApplicationFactory(contact_email="ict@cauayan.test")
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_application_approve(
            application=application,
            approved_by=officer,
            excom_approved_on=datetime.date(2020, 11, 24),
        )
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mailoutbox[-1].body).group(0)
    path = link.split("testserver", 1)[1]

    form_page = client.get(path, follow=True)
    set_password = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "Smart-city-2026!", "password2": "Smart-city-2026!"},
    )
    login = client.post(
        reverse("account_login"), {"login": "ict@cauayan.test", "password": "Smart-city-2026!"}
    )

    assert set_password.status_code == 302
    assert login.status_code == 302
    dashboard = client.get(reverse("members:dashboard"))
    assert application.organization_name in dashboard.content.decode()


def test_invitation_after_approval_says_so_and_ends_on_the_welcome_page(
    client, mailoutbox, officer, django_capture_on_commit_callbacks
):
    application = MembershipApplicationFactory(
        organization_name="Cauayan City", contact_email="ict@cauayan.test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_application_approve(
            application=application,
            approved_by=officer,
            excom_approved_on=datetime.date(2020, 11, 24),
        )
    mail = mailoutbox[-1]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.body).group(0)

    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    set_password = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "Smart-city-2026!", "password2": "Smart-city-2026!"},
    )
    sign_in = client.get(set_password.url, follow=True)
    signed_in = client.post(
        sign_in.redirect_chain[-1][0],
        {"login": "ict@cauayan.test", "password": "Smart-city-2026!"},
        follow=True,
    )

    assert "Cauayan City is a member of WeGO" in mail.subject
    assert "the Executive Committee approved the membership of Cauayan City" in mail.body
    assert set_password.url == reverse("members:welcome")
    assert signed_in.redirect_chain[-1][0] == reverse("members:welcome")
    html = signed_in.content.decode()
    assert "Welcome to the WeGO Portal" in html
    assert "you now act for Cauayan City" in html
    application.refresh_from_db()
    assert reverse("members:invite", args=[application.organization.slug]) in html


def test_welcome_page_needs_sign_in(client):
    response = client.get(reverse("members:welcome"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_approving_twice_is_refused(officer):
    application = MembershipApplicationFactory()
    services.membership_application_approve(
        application=application, approved_by=officer, excom_approved_on=datetime.date(2020, 11, 24)
    )

    with pytest.raises(services.MembershipError, match="already approved"):
        services.membership_application_approve(
            application=application,
            approved_by=officer,
            excom_approved_on=datetime.date(2020, 11, 24),
        )
    assert Organization.objects.count() == 1


def test_rejection_sends_a_polite_notice(mailoutbox, officer, django_capture_on_commit_callbacks):
    application = MembershipApplicationFactory(contact_email="someone@else.test")

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_application_reject(
            application=application, rejected_by=officer, reason="Not a city."
        )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_note == "Not a city."
    notice = [m for m in mailoutbox if m.to == ["someone@else.test"]]
    assert len(notice) == 1
    assert "unable to admit" in notice[0].body
    assert Notification.objects.filter(to_email="someone@else.test").count() == 1


def test_invitation_is_queued_after_commit_only(
    django_capture_on_commit_callbacks, officer, mailoutbox
):
    application = MembershipApplicationFactory(contact_email="late@city.test")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.membership_application_approve(
            application=application,
            approved_by=officer,
            excom_approved_on=datetime.date(2020, 1, 1),
        )

    assert callbacks
    assert mailoutbox == []
