import pytest
from django.urls import reverse

from members.enums import ApplicationStatus, OrganizationStatus
from members.models import MembershipApplication, Organization
from members.services import office_staff_group_ensure, secretariat_group_ensure
from tests.factories.accounts import UserFactory
from tests.factories.members import MembershipApplicationFactory, OfficeFactory, OrganizationFactory
from tests.members.files import pdf_upload

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:members_organization_changelist")


@pytest.fixture
def offices(db):
    return {
        "east-asia": OfficeFactory(
            slug="east-asia", name="East Asia Regional Office", regions=["asia_pacific"]
        ),
        "africa": OfficeFactory(
            slug="africa", name="Africa Regional Office", country="NG", regions=["africa"]
        ),
    }


@pytest.fixture
def orgs(offices):
    return {
        "seoul": OrganizationFactory(name="Seoul", office=offices["east-asia"]),
        "abuja": OrganizationFactory(
            name="Abuja", country="NG", region="africa", office=offices["africa"]
        ),
    }


def office_staff(office):
    user = UserFactory(is_staff=True)
    user.groups.add(office_staff_group_ensure(office=office))
    return user


def test_secretariat_sees_every_organization(client, orgs):
    officer = UserFactory(is_staff=True)
    officer.groups.add(secretariat_group_ensure())
    client.force_login(officer)

    response = client.get(CHANGELIST)

    assert {o.name for o in response.context["cl"].result_list} == {"Seoul", "Abuja"}


def test_regional_staff_see_only_their_region(client, offices, orgs):
    client.force_login(office_staff(offices["africa"]))

    listing = client.get(CHANGELIST)
    foreign = client.get(reverse("admin:members_organization_change", args=[orgs["seoul"].pk]))
    own = client.get(reverse("admin:members_organization_change", args=[orgs["abuja"].pk]))

    assert [o.name for o in listing.context["cl"].result_list] == ["Abuja"]
    assert foreign.status_code == 302  # admin redirects a missing object to the index
    assert own.status_code == 200


def test_regional_staff_see_only_their_regions_applications(client, offices):
    MembershipApplicationFactory(organization_name="Lagos", country="NG", region="africa")
    MembershipApplicationFactory(organization_name="Cebu", country="PH", region="asia_pacific")
    client.force_login(office_staff(offices["africa"]))

    response = client.get(reverse("admin:members_membershipapplication_changelist"))

    assert [a.organization_name for a in response.context["cl"].result_list] == ["Lagos"]


def test_admin_approves_with_the_excom_date(
    client, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    application = MembershipApplicationFactory(
        organization_name="Cauayan City", contact_email="ict@cauayan.test"
    )
    client.force_login(staff_user)
    url = reverse("admin:members_membershipapplication_changelist")

    confirm = client.post(url, {"action": "approve", "_selected_action": [application.pk]})
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url,
            {
                "action": "approve",
                "_selected_action": [application.pk],
                "confirmed": "yes",
                f"expected_status_{application.pk}": "pending",
                "excom_approved_on": "2020-11-24",
            },
        )

    assert "Date of the Executive Committee" in confirm.content.decode()
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert Organization.objects.get(name="Cauayan City").joined_on.isoformat() == "2020-11-24"
    assert any(m.to == ["ict@cauayan.test"] for m in mailoutbox)


def test_admin_approval_after_a_colleague_declined_is_refused_as_changed_meanwhile(
    client, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    from members import services

    application = MembershipApplicationFactory(contact_email="ict@cauayan.test")
    client.force_login(staff_user)
    url = reverse("admin:members_membershipapplication_changelist")
    data = {"action": "approve", "_selected_action": [application.pk]}
    confirm = client.post(url, data)
    assert f'name="expected_status_{application.pk}" value="pending"' in confirm.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_application_reject(
            application=application, rejected_by=staff_user, expected_status="pending"
        )
        response = client.post(
            url,
            {
                **data,
                "confirmed": "yes",
                f"expected_status_{application.pk}": "pending",
                "excom_approved_on": "2020-11-24",
            },
            follow=True,
        )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert [str(m) for m in response.context["messages"]] == [
        f"{application.organization_name}: This application changed meanwhile: it is now "
        "“Rejected”. Nothing was changed.",
        "0 applications approved: the organizations were created and their contacts invited.",
    ]
    assert not Organization.objects.filter(name=application.organization_name).exists()
    assert [m.to for m in mailoutbox] == [["ict@cauayan.test"]]


def test_admin_approval_requires_the_excom_date(client, staff_user):
    application = MembershipApplicationFactory()
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:members_membershipapplication_changelist"),
        {
            "action": "approve",
            "_selected_action": [application.pk],
            "confirmed": "yes",
            f"expected_status_{application.pk}": "pending",
            "excom_approved_on": "",
        },
    )

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert MembershipApplication.objects.get().status == ApplicationStatus.PENDING


def test_admin_suspend_asks_first_then_suspends(client, staff_user, orgs):
    client.force_login(staff_user)
    data = {"action": "suspend", "_selected_action": [orgs["seoul"].pk]}

    ask = client.post(CHANGELIST, data)
    client.post(CHANGELIST, {**data, "confirmed": "yes"})

    assert "Suspend these organizations?" in ask.content.decode()
    orgs["seoul"].refresh_from_db()
    assert orgs["seoul"].status == OrganizationStatus.SUSPENDED


def test_supporting_letter_is_private_and_streamed_to_staff_only(client, staff_user, offices):
    application = MembershipApplicationFactory(
        country="NG", region="africa", supporting_letter=pdf_upload()
    )
    url = reverse("admin:members_membershipapplication_letter", args=[application.pk])

    with pytest.raises(ValueError, match="no public URL"):
        application.supporting_letter.url  # noqa: B018
    anonymous = client.get(url)
    client.force_login(office_staff(offices["east-asia"]))
    other_region = client.get(url)
    client.force_login(staff_user)
    allowed = client.get(url)

    assert anonymous.status_code == 302
    assert other_region.status_code == 404
    assert allowed.status_code == 200
    assert allowed["Content-Disposition"].startswith("attachment;")
    assert allowed["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in allowed["Content-Security-Policy"]
    assert b"".join(allowed.streaming_content).startswith(b"%PDF-")


def test_export_organizations_as_csv(client, staff_user, orgs):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:members_organization_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"organizationresource_{f}": "on" for f in ["slug", "name", "office"]},
        },
    )

    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    assert "east-asia" in body and "Seoul" in body


@pytest.mark.parametrize("count", [2, 20])
def test_admin_changelist_query_count_is_constant(
    client, staff_user, offices, django_assert_num_queries, count
):
    for _ in range(count):
        OrganizationFactory(office=offices["east-asia"])
    client.force_login(staff_user)
    client.get(CHANGELIST)  # warm the session

    # (the table's size is one query, the estimate of a big table or the count of a small one)
    with django_assert_num_queries(6):
        client.get(CHANGELIST)
