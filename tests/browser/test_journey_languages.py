"""Journeys in other languages: a visitor in Korean and in Arabic (right to left), and an
organization applying to join WeGO in Spanish. Each browser sends its Accept-Language, as a
person's browser does. Screenshots of every step are kept in test-artifacts/languages/."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import expect

from members.models import MembershipApplication, Organization
from notifications.models import Notification
from programs.enums import ApplicationStatus
from programs.models import Application, Call, CallDocument, SmartCityArea
from tests.browser.conftest import ARTIFACTS
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.members import OrganizationUserFactory
from tests.members.files import pdf_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = ARTIFACTS / "languages"


@pytest.fixture
def wego_data():
    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def browser_in(browser, live_server):
    contexts = []

    def open_page(locale: str):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def t(code: str, text: str) -> str:
    with translation.override(code):
        return gettext(text)


def shot(page, name: str) -> None:
    """A full-page screenshot, checked: as wide as the window (nothing overflows sideways,
    in either direction of writing) and not blank (text and chrome were drawn)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as image:
        width, height = image.size
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert width == page.viewport_size["width"], f"{name}: wider than the window ({width} px)"
    assert height >= 300, f"{name}: only {height} px high"
    assert colours is None or len(colours) > 16, f"{name}: the screenshot is nearly blank"
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: {overflow} px wider than the window"


def switch_language(page, code: str) -> None:
    page.locator("#language-switcher-select").select_option(code)
    page.locator(".site-header__inner > .language-switcher button[type=submit]").click()
    page.wait_for_load_state()


def test_korean_visitor_finds_seoul_by_its_korean_name_and_switches_to_english(
    browser_in, live_server, wego_data
):
    page = browser_in("ko-KR")

    page.goto("/")
    assert page.url == f"{live_server.url}/ko/"
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("link", name=t("ko", "Members"), exact=True)).to_be_visible()
    shot(page, "ko-home")

    page.get_by_role("navigation", name=t("ko", "Main")).get_by_role(
        "link", name=t("ko", "Members"), exact=True
    ).click()
    assert page.url == f"{live_server.url}/ko/members/"
    page.locator("#id_q").fill("서울")
    page.get_by_role("button", name=t("ko", "Apply filters")).click()
    expect(page.get_by_role("link", name="서울", exact=True)).to_be_visible()
    shot(page, "ko-directory")

    page.get_by_role("link", name="서울", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("서울")
    expect(page.locator(".native-name")).to_have_text("서울특별시")
    shot(page, "ko-profile")

    # The same page in English, then back: the switcher keeps the page.
    switch_language(page, "en")
    assert page.url == f"{live_server.url}/members/seoul/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Seoul")
    switch_language(page, "ko")
    assert page.url == f"{live_server.url}/ko/members/seoul/"

    page.goto("/ko/events/?when=past")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("ko", "Events"))
    page.locator(".event-card__title a").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    shot(page, "ko-event")


def test_arabic_visitor_reads_mirrored_pages_and_sends_an_inquiry_answered_in_arabic(
    browser_in, live_server, wego_data
):
    page = browser_in("ar")

    page.goto("/")
    assert page.url == f"{live_server.url}/ar/"
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # Right to left: the brand sits on the right of the header, the account links on the left.
    brand = page.locator(".site-header__brand").bounding_box()
    account = page.locator(".site-header__inner > .site-header__account").bounding_box()
    assert brand["x"] > account["x"]
    shot(page, "ar-home")

    page.goto("/ar/members/?q=سيول")
    expect(page.get_by_role("link", name="سيول", exact=True)).to_be_visible()
    shot(page, "ar-directory")

    page.goto("/ar/members/overview/")
    expect(page.locator(".world-map svg")).to_be_visible()
    assert page.locator(".world-map svg").evaluate("e => getComputedStyle(e).direction") == "ltr"
    shot(page, "ar-overview")

    page.goto("/ar/smart-health-responder/assistance/inquiry/")
    page.locator("[name=name]").fill("د. ليلى")
    page.locator("[name=organization_name]").fill("مستشفى الرباط")
    page.locator("[name=email]").fill("leila@rabat.test")
    page.locator("[name=topic]").select_option("testing")
    page.locator("[name=message]").fill("نحتاج إلى خمسة آلاف مجموعة اختبار.")
    page.locator("form.form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("ar", "Your inquiry has been sent"))
    shot(page, "ar-inquiry-sent")

    acknowledgement = next(m for m in mail.outbox if m.to == ["leila@rabat.test"])
    assert re.search(r"[\u0600-\u06ff]", acknowledgement.subject)
    assert Notification.objects.get(to_email="leila@rabat.test").language == "ar"


def test_organization_applies_in_spanish_and_hears_from_wego_in_spanish(
    browser_in, live_server, tmp_path, wego_data
):
    UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)
    letter = tmp_path / "carta.pdf"
    letter.write_bytes(pdf_bytes())
    page = browser_in("es-ES")

    page.goto("/join/")
    assert page.url == f"{live_server.url}/es/join/"
    page.locator("[name=member_type][value=local_government]").check()
    page.locator("[name=organization_name]").fill("Medellín")
    page.locator("[name=country]").select_option("CO")
    page.locator("[name=city]").fill("Medellín")
    page.locator("[name=contact_name]").fill("Lucía Gómez")
    page.locator("[name=contact_email]").fill("lucia@medellin.test")
    page.locator("[name=motivation]").fill("Queremos aprender de otras ciudades inteligentes.")
    page.locator("[name=supporting_letter]").set_input_files(str(letter))
    shot(page, "es-join")
    page.get_by_role("button", name=t("es", "Send application")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("es", "Application sent"))
    shot(page, "es-join-sent")

    application = MembershipApplication.objects.get(organization_name="Medellín")
    assert application.language == "es"
    received = next(m for m in mail.outbox if m.to == ["lucia@medellin.test"])
    assert Notification.objects.get(to_email="lucia@medellin.test").language == "es"

    # The secretariat approves in English; the invitation still goes out in Spanish.
    from accounts.models import User
    from members import services

    services.membership_application_approve(
        application=application,
        approved_by=User.objects.get(email="officer@wego.test"),
        excom_approved_on=application.submitted_at.date(),
    )
    invitation = next(
        m for m in mail.outbox if m.to == ["lucia@medellin.test"] and m is not received
    )
    with translation.override("es"):
        from django.template.loader import render_to_string

        subject = render_to_string(
            "notifications/email/membership.invitation.subject.txt",
            {
                "organization": Organization.objects.get(name="Medellín"),
                "membership_approved_on": True,
            },
        ).strip()
    assert (
        invitation.subject
        == subject
        != "Medellín is a member of WeGO: your invitation to the portal"
    )
    link = re.search(r"https?://\S+(/es/accounts/password/reset/key/\S+)", invitation.body).group(1)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("es", "Choose your password"))
    page.locator("[name=password1]").fill("Medellin-ciudad-2026")
    page.locator("[name=password2]").fill("Medellin-ciudad-2026")
    page.get_by_role("button", name=t("es", "Save password")).click()
    page.wait_for_load_state()

    # Signing in later (from an English address) lands in Spanish: her preferred language.
    page.context.clear_cookies()
    page.goto("/accounts/login/?next=/portal/")
    page.locator("[name=login]").fill("lucia@medellin.test")
    page.locator("[name=password]").fill("Medellin-ciudad-2026")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/es/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    shot(page, "es-portal")


def test_seoul_applies_to_the_solution_finder_in_spanish(
    browser_in, live_server, wego_data, tmp_path
):
    """The member application journey in Spanish: sign in, start, fill every section, submit."""
    seoul = Organization.objects.get(slug="seoul")
    editor = UserFactory(email="editora@seoul.test", preferred_language="es")
    OrganizationUserFactory(organization=seoul, user=editor)
    call = Call.objects.get(slug="solution-finder")
    CallDocument.objects.create(call=call, name="Letter of intent", required=True, position=1)
    area = SmartCityArea.objects.order_by("position").first()
    letter = tmp_path / "carta-de-intencion.pdf"
    letter.write_bytes(pdf_bytes())
    page = browser_in("es-ES")

    def es(text):
        return t("es", text)

    # Sign in: her preferred language is Spanish.
    page.goto("/accounts/login/")
    page.locator("[name=login]").fill("editora@seoul.test")
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/es/")
    shot(page, "es-member-home")

    # Start an application to the Solution Finder call.
    page.goto("/es/programs/smart-city-driver/calls/solution-finder/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    shot(page, "es-call")
    page.get_by_role("link", name=es("Start an application")).click()
    page.get_by_role("button", name=es("Start the application")).click()
    expect(page.get_by_role("heading", name=es("Application incomplete"))).to_be_visible()
    shot(page, "es-application-tasks")
    application = Application.objects.get(organization=seoul)
    assert page.url == f"{live_server.url}/es/portal/applications/{application.pk}/"

    # Fill every section, in the order the form leads.
    page.get_by_role("link", name=es("Urban challenges")).click()
    page.get_by_label(es("What urban challenges does your city face?")).fill(
        "Inundaciones en los barrios bajos y un drenaje envejecido."
    )
    # The Smart City Driver areas carry their Spanish names.
    page.get_by_label(area.name_es, exact=True).check()
    shot(page, "es-section-challenges")
    page.get_by_role("button", name=es("Save and continue")).click()
    page.get_by_label(es("Area")).select_option(label=area.name_es)
    page.get_by_label(es("What is needed")).fill("Sensores de inundación y alerta temprana.")
    page.get_by_role("button", name=es("Save and continue")).click()
    page.get_by_label(es("US$100,000 to 500,000")).check()
    page.get_by_label(es("What is your timeline?")).fill("Un piloto en 2027.")
    page.get_by_role("button", name=es("Save and continue")).click()
    page.get_by_label(es("Technology companies")).check()
    page.get_by_role("button", name=es("Save and continue")).click()
    page.get_by_label(es("Job title")).fill("Responsable de ciudad inteligente")
    page.get_by_role("button", name=es("Save and continue")).click()
    page.get_by_label("Letter of intent").set_input_files(str(letter))
    page.get_by_role("button", name=es("Save and continue")).click()

    # Check and submit.
    page.goto(f"/es/portal/applications/{application.pk}/check/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    shot(page, "es-application-check")
    page.get_by_role("button", name=es("Submit the application")).click()
    expect(page.get_by_role("heading", name=es("Application submitted"))).to_be_visible()
    shot(page, "es-application-submitted")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    receipt = next(m for m in mail.outbox if m.to == ["editora@seoul.test"])
    with translation.override("es"):
        subject = gettext("We have received your application %(ref)s to %(call)s") % {
            "ref": application.reference,
            "call": Call.objects.get(pk=call.pk).title,
        }
    assert (
        receipt.subject
        == subject
        != (f"We have received your application {application.reference} to {call.title}")
    )
