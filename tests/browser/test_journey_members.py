"""Journeys 1 (a visitor browses the directory) and 2 (an organization joins WeGO)."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from members.models import Organization
from tests.factories.accounts import PASSWORD, UserFactory
from tests.members.files import pdf_bytes, png_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def wego_data():
    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_visitor_browses_the_directory_filters_and_opens_a_profile(page, wego_data):
    page.goto("/")
    page.get_by_role("link", name="Browse the member directory").click()
    expect(page.get_by_role("heading", name="Member directory")).to_be_visible()
    expect(page.locator("#results-title")).to_have_text("166 members")

    page.get_by_label("Africa (47)").check()
    page.get_by_label("Local government (154)").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-title")).to_have_text("47 members")
    assert "region=africa" in page.url and "type=local_government" in page.url

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Search", exact=True).fill("sao paulo")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-title")).to_have_text("1 member")
    page.get_by_role("link", name="São Paulo").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("São Paulo")
    expect(page.locator(".summary-list")).to_contain_text("Brazil")
    expect(page.locator(".summary-list")).to_contain_text("Latin America Regional Office")


def test_organization_joins_is_approved_and_completes_its_profile(
    page, sign_in, tmp_path, wego_data
):
    UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(pdf_bytes())
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes(width=300, height=300))

    # The organization applies.
    page.goto("/join/")
    page.get_by_label("Local government").check()
    page.get_by_label("Organization name").fill("Cebu City")
    page.get_by_label("Country").select_option("PH")
    page.get_by_label("City or locality").fill("Cebu")
    page.get_by_label("Contact person", exact=True).fill("Ana Reyes")
    page.get_by_label("Contact e-mail").fill("ana@cebu.test")
    page.get_by_label("Why do you want to join WeGO?").fill("To learn from other smart cities.")
    page.get_by_label("Supporting letter (PDF)").set_input_files(str(letter))
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("heading", name="Application sent")).to_be_visible()

    # The secretariat approves it in the admin.
    sign_in("officer@wego.test", PASSWORD)
    page.goto("/admin/members/membershipapplication/")
    page.get_by_role("row", name=re.compile("Cebu City")).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("approve")
    page.get_by_role("button", name="Run").click()
    page.get_by_label("Date of the Executive Committee's approval").fill("2020-11-24")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("1 application approved")
    page.goto("/")
    page.get_by_role("button", name="Sign out").click()

    # The invitation e-mail's link sets a password.
    invitation = next(
        m for m in mail.outbox if m.to == ["ana@cebu.test"] and "invitation" in m.subject
    )
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+)", invitation.body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label(re.compile(r"^New password$", re.I)).fill("Cebu-smart-city-2026")
    page.get_by_label(re.compile(r"^New password again$", re.I)).fill("Cebu-smart-city-2026")
    page.get_by_role("button", name="Save password").click()

    # The new member signs in and completes its profile with a logo.
    sign_in("ana@cebu.test", "Cebu-smart-city-2026")
    page.goto("/portal/")
    page.get_by_role("link", name="Profile and people").click()
    page.get_by_role("link", name="Change logo").click()
    page.get_by_label("Logo").set_input_files(str(logo))
    page.get_by_role("button", name="Upload logo").click()
    expect(page.get_by_role("status")).to_contain_text("Your logo has been updated.")
    page.get_by_role("link", name="Edit the profile").click()
    page.get_by_label("Short public description").fill("Queen City of the South.")
    page.get_by_label("Healthcare").check()
    page.get_by_role("button", name="Save profile").click()

    cebu = Organization.objects.get(name="Cebu City")
    assert cebu.logo and cebu.description == "Queen City of the South."
    page.goto(cebu.get_absolute_url())
    expect(page.get_by_role("img", name="Logo of Cebu City")).to_be_visible()
    expect(page.get_by_text("Queen City of the South.")).to_be_visible()


def test_visitor_browses_events_subscribes_reads_the_winners_and_sends_an_inquiry(page, wego_data):
    # Browses events (the past ones: the data set's are history) and opens one.
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Events").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Events")
    page.goto("/events/?when=past")
    page.locator(".event-card__title a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # Subscribes to the calendar: the feed address answers with a calendar.
    page.goto("/events/")
    expect(page.get_by_role("link", name="Subscribe in my calendar")).to_have_attribute(
        "href", re.compile(r"^webcal://")
    )
    feed = page.request.get(page.locator(".feed-url").inner_text().strip())
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text().startswith("BEGIN:VCALENDAR")

    # Reads the 2020 award winners.
    page.goto("/awards/")
    page.get_by_role("link", name=re.compile("2020")).first.click()
    expect(page.get_by_role("heading", name="Winners and special mentions")).to_be_visible()
    expect(page.locator(".award-card").first).to_be_visible()

    # Sends a Smart Health Assistance inquiry.
    page.goto("/smart-health-responder/assistance/inquiry/")
    page.get_by_label("Your name").fill("Dr. Lee")
    page.get_by_label("Your organization").fill("Busan Medical Centre")
    page.get_by_label("Your e-mail address").fill("lee@busan.test")
    page.get_by_label("What is it about?").select_option("testing")
    page.get_by_label("Your message").fill("We need 5,000 test kits by March.")
    page.get_by_role("button", name="Send the inquiry").click()
    expect(page.get_by_role("heading", name="Your inquiry has been sent")).to_be_visible()
