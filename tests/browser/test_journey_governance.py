"""Journey: a membership request decided by the Executive Committee's written procedure.

The Secretariat opens the vote in the back office; the delegates of Seoul and Makati vote in
the portal; the vote closes; the decision approves the request through the members service
and the new member's contact is invited; the public Governance page shows the decision and
Seoul finds its receipt code in the published list.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from governance.enums import BodyKind, SeatRole
from members.enums import ApplicationStatus
from members.models import MembershipApplication
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.governance import BodyFactory, SeatFactory
from tests.factories.members import (
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationUserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def excom_world():
    excom = BodyFactory(kind=BodyKind.EXECUTIVE_COMMITTEE, name="Executive Committee")
    seoul = OrganizationFactory(name="Seoul", slug="seoul", country="KR")
    makati = OrganizationFactory(name="Makati", slug="makati", country="PH")
    SeatFactory(body=excom, organization=seoul, role=SeatRole.PRESIDENT)
    SeatFactory(body=excom, organization=makati)
    people = {}
    for org, email in ((seoul, "delegate@seoul.test"), (makati, "delegate@makati.test")):
        people[org.slug] = OrganizationUserFactory(
            organization=org, user=UserFactory(email=email), role="primary_contact"
        ).user
    UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)
    MembershipApplicationFactory(
        organization_name="Cebu City", contact_email="ana@cebu.test", contact_name="Ana Reyes"
    )
    return people


def _sign_out(page):
    page.goto("/")
    page.get_by_role("button", name="Sign out").click()


def _name_self_as_delegate(page, sign_in, user, org_slug):
    sign_in(user.email, PASSWORD)
    page.goto(f"/portal/organizations/{org_slug}/delegates/")
    page.get_by_label("Person").select_option(label=f"{user.get_full_name()} <{user.email}>")
    page.get_by_role("button", name="Name as delegate").click()
    expect(page.locator(".banner--success")).to_contain_text("can now vote for")
    _sign_out(page)


def _vote_for(page, sign_in, email, org_name):
    sign_in(email, PASSWORD)
    page.goto("/portal/governance/")
    page.get_by_role("link", name="Approval of Cebu City as a member").click()
    ballot = page.get_by_role("region", name=f"Ballot of {org_name}")
    ballot.get_by_label("For").check()
    ballot.get_by_role("button", name=f"Cast the ballot of {org_name}").click()
    expect(page.get_by_role("heading", name="Ballot cast")).to_be_visible()
    receipt = page.locator("#receipt-code").inner_text()
    _sign_out(page)
    return receipt


def test_written_procedure_approves_a_membership_request(page, sign_in, excom_world):
    # Each member's editor names its voting delegate (here: themselves).
    _name_self_as_delegate(page, sign_in, excom_world["seoul"], "seoul")
    _name_self_as_delegate(page, sign_in, excom_world["makati"], "makati")

    # The Secretariat opens a written-procedure vote on the membership request.
    sign_in("officer@wego.test", PASSWORD)
    page.goto("/admin/governance/resolution/")
    page.get_by_role("link", name="Open a written-procedure vote").click()
    page.get_by_label("Body").select_option(label="Executive Committee")
    page.get_by_label("Title").fill("Approval of Cebu City as a member")
    page.get_by_label("Text of the resolution").fill(
        "The Executive Committee approves Cebu City as a member of WeGO."
    )
    page.get_by_label(re.compile("Cebu City")).check()
    closes = timezone.localtime() + datetime.timedelta(days=7)
    page.get_by_label("Voting closes").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist")).to_contain_text("The vote is open; 2")
    vote_url = page.url
    _sign_out(page)

    # Seoul's and Makati's delegates vote in the portal.
    seoul_receipt = _vote_for(page, sign_in, "delegate@seoul.test", "Seoul")
    makati_receipt = _vote_for(page, sign_in, "delegate@makati.test", "Makati")
    assert seoul_receipt != makati_receipt

    # Everyone on the roll has voted: the Secretariat closes the vote and it is counted.
    sign_in("officer@wego.test", PASSWORD)
    page.goto(vote_url)
    page.get_by_role("link", name="Close the vote and count").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("Done: Close the vote and count")
    expect(page.locator(".field-recount")).to_contain_text("matches the decision")
    _sign_out(page)

    # The decision approved the request through the members service; the contact is invited.
    application = MembershipApplication.objects.get(organization_name="Cebu City")
    assert application.status == ApplicationStatus.APPROVED
    assert application.decision.resolution.title == "Approval of Cebu City as a member"
    assert application.excom_approved_on == application.decision.decided_on
    invitation = [m for m in mail.outbox if m.to == ["ana@cebu.test"]]
    assert len(invitation) == 1 and "password" in invitation[0].body.lower()

    # The public Governance page shows the decision; Seoul checks its receipt.
    page.goto("/governance/")
    page.get_by_role("link", name="Approval of Cebu City as a member").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approval of Cebu City as a member")
    expect(page.locator(".summary-list")).to_contain_text("2 of 2 eligible members")
    expect(page.get_by_role("link", name="Cebu City")).to_be_visible()
    expect(page.locator(".receipt-list")).to_contain_text(seoul_receipt)
    page.get_by_label("Your receipt code").fill(seoul_receipt)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Receipt {seoul_receipt} is in the published list"
    )
