"""Journeys 3 (Seoul's Solution Finder application, end to end, and by keyboard only) and 4
(Makati is refused Seoul's application pages and files)."""

import re
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from members.models import Organization
from programs import services
from programs.enums import ApplicationStatus
from programs.models import Application, Call, CallDocument, Review, SmartCityArea
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.members import OrganizationUserFactory
from tests.members.files import pdf_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def wego_data():
    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def seoul(wego_data):
    """Seoul with one editor; the Solution Finder asks for a letter of intent."""
    organization = Organization.objects.get(slug="seoul")
    OrganizationUserFactory(organization=organization, user=UserFactory(email="editor@seoul.test"))
    call = Call.objects.get(slug="solution-finder")
    CallDocument.objects.create(call=call, name="Letter of intent", required=True, position=1)
    return organization


def sign_out(page):
    page.goto("/")
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()


def test_seoul_applies_is_asked_for_clarification_and_is_connected_with_partners(
    page, sign_in, seoul, tmp_path
):
    officer = UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)
    Call.objects.get(slug="solution-finder").reviewers.add(officer)
    partner = Organization.objects.filter(member_type="corporation", status="active").first()
    letter = tmp_path / "letter-of-intent.pdf"
    letter.write_bytes(pdf_bytes())
    area = SmartCityArea.objects.order_by("position").first()

    # Seoul starts a draft, saves part of it and comes back later.
    sign_in("editor@seoul.test", PASSWORD)
    page.goto("/programs/smart-city-driver/calls/solution-finder/")
    page.get_by_role("link", name="Start an application").click()
    page.get_by_role("button", name="Start the application").click()
    expect(page.get_by_role("heading", name="Application incomplete")).to_be_visible()
    page.get_by_role("link", name="Urban challenges").click()
    page.get_by_label("What urban challenges does your city face?").fill(
        "Flooding in low-lying districts and ageing drainage."
    )
    page.get_by_role("button", name="Save and come back later").click()
    application = Application.objects.get(organization=seoul)
    assert application.status == ApplicationStatus.DRAFT

    # It completes every section and submits.
    page.goto(f"/portal/applications/{application.pk}/sections/challenges/")
    page.get_by_label(area.name).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Area").select_option(label=area.name)
    page.get_by_label("What is needed").fill("Flood sensors and an early-warning service.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("US$100,000 to 500,000").check()
    page.get_by_label("What is your timeline?").fill("A pilot in 2027, city-wide in 2028.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Technology companies").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Job title").fill("Smart city officer")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Letter of intent").set_input_files(str(letter))
    page.get_by_role("button", name="Save and continue").click()
    page.goto(f"/portal/applications/{application.pk}/check/")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_role("heading", name="Application submitted")).to_be_visible()

    # The secretariat starts the review and asks for clarification in the admin.
    sign_out(page)
    sign_in("officer@wego.test", PASSWORD)
    page.goto(f"/admin/programs/application/{application.pk}/change/")
    page.get_by_role("link", name="Start the review").click()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="Request clarification").click()
    page.get_by_label("Questions for the city").fill("Which districts flood most often?")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("Clarification requested")

    # Seoul answers.
    sign_out(page)
    sign_in("editor@seoul.test", PASSWORD)
    page.goto(f"/portal/applications/{application.pk}/")
    expect(page.get_by_role("heading", name="WeGO has questions")).to_be_visible()
    expect(page.locator(".quote")).to_have_text("Which districts flood most often?")
    page.get_by_role("link", name="Answer the questions").click()
    page.get_by_label("Your answer").fill("Mapo and Yeongdeungpo, every summer.")
    page.get_by_role("button", name="Send the answer").click()

    # The secretariat scores it, gives feedback and connects partners.
    sign_out(page)
    sign_in("officer@wego.test", PASSWORD)
    page.goto(f"/admin/programs/application/{application.pk}/change/")
    expect(page.get_by_text("Mapo and Yeongdeungpo, every summer.")).to_be_visible()
    page.get_by_role("link", name="Your review").click()
    for criterion in ("relevance", "feasibility", "impact", "cofunding", "readiness"):
        page.locator(f"input[name={criterion}][value='4']").check()
    page.locator("input[name=recommendation][value=support]").check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator(".messagelist")).to_contain_text("Your review is complete.")
    page.get_by_role("link", name="Give preliminary feedback").click()
    page.get_by_label("Preliminary feedback to the city").fill("A strong package; sensors first.")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="Connect partners").click()
    page.get_by_label("Strategic partners").select_option(str(partner.pk))
    page.get_by_label("Note to the city").fill(f"Meet {partner.name}.")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("Partners connected")

    # Seoul sees the outcome.
    sign_out(page)
    sign_in("editor@seoul.test", PASSWORD)
    page.goto(f"/portal/applications/{application.pk}/")
    expect(page.locator("main")).to_contain_text("Partners connected")
    expect(page.locator("main")).to_contain_text(partner.name)

    # Every e-mail arrived exactly once.
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert sent and max(sent.values()) == 1, sent
    ref = application.reference
    assert [subject for (to, subject) in sent if to == "editor@seoul.test"] == [
        f"We have received your application {ref} to Solution Finder",
        f"Your application {ref} is now: Under review",
        f"WeGO has questions about your application {ref}",
        f"Your application {ref} is now: Feedback given",
        f"Your application {ref} is now: Partners connected",
    ]
    assert Review.objects.get(application=application).is_complete


def test_seoul_completes_its_part_of_the_application_by_keyboard_only(page, seoul, tmp_path):
    area = SmartCityArea.objects.order_by("position").first()
    letter = tmp_path / "letter-of-intent.pdf"
    letter.write_bytes(pdf_bytes())
    keyboard = page.keyboard

    def tab_to(locator, limit=250):
        """Press Tab until ``locator`` has the focus (as a keyboard user would)."""
        for _ in range(limit):
            if locator.evaluate("el => el === document.activeElement"):
                return
            keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {locator}")

    def type_into(locator, text):
        tab_to(locator)
        keyboard.type(text)

    def press(locator, key="Enter"):
        tab_to(locator)
        if key == "Enter":  # follows a link or submits a form: wait for the next page
            with page.expect_navigation():
                keyboard.press(key)
        else:
            keyboard.press(key)

    # Sign in.
    page.goto("/accounts/login/")
    type_into(page.get_by_label("Email"), "editor@seoul.test")
    type_into(page.get_by_label("Password"), PASSWORD)
    press(page.get_by_role("button", name="Sign in"))
    # Start.
    page.goto("/programs/smart-city-driver/calls/solution-finder/")
    press(page.get_by_role("link", name="Start an application"))
    press(page.get_by_role("button", name="Start the application"))
    expect(page.get_by_role("heading", name="Application incomplete")).to_be_visible()
    # Fill every section.
    press(page.get_by_role("link", name="Urban challenges"))
    type_into(
        page.get_by_label("What urban challenges does your city face?"), "Flooding every summer."
    )
    press(page.get_by_label(area.name), "Space")
    press(page.get_by_role("button", name="Save and continue"))
    tab_to(page.get_by_label("Area"))
    keyboard.press("ArrowDown")  # the first area
    type_into(page.get_by_label("What is needed"), "Flood sensors.")
    press(page.get_by_role("button", name="Save and continue"))
    # Tab reaches a radio group at its first option; Space chooses it.
    press(page.get_by_label("Under US$100,000"), "Space")
    type_into(page.get_by_label("What is your timeline?"), "A pilot in 2027.")
    press(page.get_by_role("button", name="Save and continue"))
    press(page.get_by_label("Technology companies"), "Space")
    press(page.get_by_role("button", name="Save and continue"))
    press(page.get_by_role("button", name="Save and continue"))  # contact: prefilled
    # A file chooser is the one step a keyboard opens and the operating system completes:
    # the test answers the dialog that Space opened on the focused input.
    with page.expect_file_chooser() as chooser:
        press(page.get_by_label("Letter of intent"), "Space")
    chooser.value.set_files(str(letter))
    press(page.get_by_role("button", name="Save and continue"))
    # Submit.
    application = Application.objects.get(organization=seoul)
    page.goto(f"/portal/applications/{application.pk}/check/")
    press(page.get_by_role("button", name="Submit the application"))

    expect(page.get_by_role("heading", name="Application submitted")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.attachments.count() == 1


def test_makati_is_refused_seouls_application_pages_and_files(page, sign_in, seoul, wego_data):
    seoul_editor = seoul.people.get().user
    makati = Organization.objects.get(slug="makati")
    OrganizationUserFactory(organization=makati, user=UserFactory(email="editor@makati.test"))
    application = services.application_start(
        call=Call.objects.get(slug="solution-finder"), organization=seoul, started_by=seoul_editor
    )
    document = application.call.documents.get()
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.application_section_save(
        application=application,
        section_key="documents",
        data={"documents": {document: SimpleUploadedFile("intent.pdf", pdf_bytes())}},
        saved_by=seoul_editor,
    )
    attachment = application.attachments.get()
    base = f"/portal/applications/{application.pk}"
    urls = [
        f"{base}/",
        f"{base}/sections/challenges/",
        f"{base}/check/",
        f"{base}/submitted/",
        f"{base}/answer/",
        f"{base}/withdraw/",
        f"{base}/letter/",
        f"{base}/files/{attachment.pk}/",
    ]

    sign_in("editor@makati.test", PASSWORD)
    statuses = {url: page.request.get(url).status for url in urls}

    assert statuses == dict.fromkeys(urls, 404)
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text(re.compile("Seoul|SF-"))
