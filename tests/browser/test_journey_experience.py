"""Journeys through the member home, the account area, an invitation, the API reference and
the back office's export page; and no page wider than a 390 px phone screen."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from members import services as member_services
from members.models import Organization
from programs.models import Application
from tests.browser.test_accessibility import public_paths
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.members import MembershipApplicationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DEMO_PASSWORD = "wego-demo-2026"  # the documented demo password
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def wego_data():
    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def demo(settings, wego_data):
    """The demo accounts and data of `make run` (Seoul: a draft and a question from WeGO)."""
    settings.DEBUG = True
    call_command("demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(15_000)
    return context.new_page()


def newsletter_paths() -> list[str]:
    """The newsletter's pages: sign-up, check your e-mail, and the pages of its signed links."""
    from newsletter import tokens
    from tests.factories.newsletter import SubscriberFactory

    subscriber = SubscriberFactory(email="phone@city.test")
    manage = tokens.manage_token(subscriber.key)
    return [
        reverse("newsletter:subscribe"),
        reverse("newsletter:check_email"),
        reverse("newsletter:confirm", args=[tokens.confirm_token(subscriber.key)]),
        reverse("newsletter:preferences", args=[manage]),
        reverse("newsletter:unsubscribe", args=[manage]),
        reverse("newsletter:confirm", args=["not-a-token"]),
    ]


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_sign_in_lands_on_the_member_home_with_seouls_draft_and_clarification_request(
    page, sign_in, demo
):
    questioned = Application.objects.get(
        organization__slug="seoul", status="clarification_requested"
    )

    sign_in("seoul@demo.wego.local", DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Member home")
    attention = page.locator(
        "section", has=page.get_by_role("heading", name="Needs your attention")
    )
    expect(attention.get_by_text("WeGO asked for a clarification")).to_be_visible()
    expect(attention.get_by_text("co-funding share")).to_be_visible()
    expect(attention.get_by_text("Your draft for “Solution Finder” is waiting")).to_be_visible()
    attention.get_by_role("link", name="Answer the questions").click()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("programs:application_answer", args=[questioned.pk])))
    )
    page.go_back()
    attention.get_by_role("link", name="Continue the draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Solution Finder")


def test_account_area_reaches_every_section_by_links_only(page, sign_in, wego_data):
    UserFactory(email="officer@seoul.test", full_name="Kim Officer")
    sign_in("officer@seoul.test", PASSWORD)

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    menu = page.get_by_role("navigation", name="Your account")
    for link, heading in [
        ("E-mail addresses", "E-mail addresses"),
        ("Password", "Change your password"),
        ("Two-factor authentication", "Two-factor authentication"),
        ("Signed-in devices", "Signed-in devices"),
        ("API tokens", "Personal API tokens"),
        ("E-mail notifications", None),
        ("My data", "My data"),
        ("Overview", "Your account"),
    ]:
        menu.get_by_role("link", name=link, exact=True).click()
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(menu.get_by_role("link", name=link, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
    page.get_by_role("link", name="Overview", exact=True).click()
    expect(
        page.get_by_text(re.compile(r"Chrome on Linux, local network, last active"))
    ).to_be_visible()

    menu.get_by_role("link", name="API tokens", exact=True).click()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("Name").fill("Directory sync")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Directory sync")).to_be_visible()


def test_new_members_invitation_ends_on_the_welcome_page(page, wego_data):
    officer = UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)
    application = MembershipApplicationFactory(
        organization_name="Cauayan City", contact_email="ict@cauayan.test", country="PH"
    )
    member_services.membership_application_approve(
        application=application,
        approved_by=officer,
        excom_approved_on=datetime.date(2020, 11, 24),
    )
    invitation = next(m for m in mail.outbox if m.to == ["ict@cauayan.test"])
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", invitation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    page.goto("/" + path)
    page.get_by_label("New password", exact=True).fill("Smart-city-2026!")
    page.get_by_label("New password again").fill("Smart-city-2026!")
    page.get_by_role("button", name="Save password").click()
    page.get_by_label("Email").fill("ict@cauayan.test")
    page.get_by_label("Password").fill("Smart-city-2026!")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/portal/welcome/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to the WeGO Portal")
    expect(page.get_by_text("you now act for Cauayan City")).to_be_visible()
    organization = Organization.objects.get(name="Cauayan City")
    expect(page.get_by_role("link", name="Invite colleagues")).to_have_attribute(
        "href", reverse("members:invite", args=[organization.slug])
    )


def test_redoc_renders_the_schema_without_a_csp_error(page, live_server):
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/api/v1/redoc/")

    # ReDoc parses the whole schema in the browser first: allow for a busy machine.
    expect(page.get_by_role("heading", name=re.compile("WeGO Portal API"))).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_role("heading", name="List award editions")).to_be_visible()
    page.wait_for_timeout(500)
    assert [e for e in errors if "Content Security Policy" in e or "Error" in e] == []


def test_swagger_ui_renders_without_a_csp_error(page, live_server):
    errors = []
    page.on("console", lambda message: errors.append(message.text))

    page.goto("/api/v1/docs/")

    expect(page.locator(".swagger-ui .info")).to_be_visible()
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_admin_export_select_all_selects_and_clears_every_field(page, sign_in, wego_data):
    UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)
    sign_in("officer@wego.test", PASSWORD)
    errors = []
    page.on("console", lambda message: errors.append(message.text))

    page.goto(reverse("admin:members_organization_export"))
    toggle = page.get_by_label("Select all")
    fields = page.locator(
        '.selectable-field-export-row:visible input[type="checkbox"]:not(.select-toggle)'
    )
    count = fields.count()
    toggle.uncheck()
    unchecked = [fields.nth(i).is_checked() for i in range(count)]
    toggle.check()
    checked = [fields.nth(i).is_checked() for i in range(count)]

    assert count > 3
    assert unchecked == [False] * count
    assert checked == [True] * count
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_no_public_page_is_wider_than_a_phone(browser, live_server, wego_data):
    page = phone_page(browser, live_server)
    paths = [
        *public_paths(),
        "/members/partners/",
        "/events/calendar/",
        "/numbers/",
        "/status/",
        "/no-such-page/",
        *newsletter_paths(),
    ]

    too_wide = {}
    for path in paths:
        page.goto(path)
        if (extra := overflow(page)) > 0:
            too_wide[path] = extra

    assert too_wide == {}


def test_no_member_page_is_wider_than_a_phone(browser, live_server, demo):
    page = phone_page(browser, live_server)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("seoul@demo.wego.local")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    seoul = Organization.objects.get(slug="seoul")
    draft = Application.objects.get(organization=seoul, status="draft")
    submitted = Application.objects.exclude(status="draft").get(organization=seoul)
    paths = [
        "/portal/",
        reverse("members:portal_organization", args=[seoul.slug]),
        reverse("programs:applications"),
        reverse("programs:application", args=[draft.pk]),
        reverse("programs:application_section", args=[draft.pk, "challenges"]),
        reverse("programs:application", args=[submitted.pk]),
        reverse("programs:application_answer", args=[submitted.pk]),
        reverse("events:my_registrations"),
        reverse("awards:portal"),
        reverse("notifications:inbox"),
        reverse("account_overview"),
        reverse("account_email"),
        reverse("usersessions_list"),
        reverse("api_tokens"),
        reverse("notifications:preferences"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("privacy:my_data"),
        reverse("events:hosted"),
    ]

    too_wide = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        if (extra := overflow(page)) > 0:
            too_wide[path] = extra

    assert too_wide == {}


def test_phone_header_folds_into_a_menu_and_filters_into_a_drawer(browser, live_server, wego_data):
    page = phone_page(browser, live_server)

    page.goto("/members/")

    header = page.locator(".site-header")
    assert header.bounding_box()["height"] < 90
    expect(page.get_by_role("link", name="Events", exact=True)).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="Events", exact=True)).to_be_visible()
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="Events", exact=True)).to_be_hidden()
    drawer = page.locator("details.filter-drawer")
    expect(drawer.locator("> summary")).to_contain_text(re.compile(r"Filter\s+\d+ results"))
    expect(drawer.get_by_label("Search", exact=True)).to_be_hidden()
    first_result = page.locator(".cards li, .results li").first
    assert first_result.bounding_box()["y"] < 900
    drawer.locator("> summary").click()
    expect(drawer.get_by_label("Search", exact=True)).to_be_visible()
