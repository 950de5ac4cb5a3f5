"""Accessibility: axe-core finds no serious or critical violation on the main pages.

axe-core (tests/browser/vendor/axe.min.js, from the npm registry) is injected by the test
browser into each page. The portal's CSP (script-src 'self') would refuse the injected script,
so this test's browser context bypasses CSP; the application itself is unchanged.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from events.models import Event, EventHost
from members.models import Office, Organization
from privacy.services import consent_give
from programs.models import Application, Program
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.events import EventRegistrationFactory
from tests.factories.members import OrganizationUserFactory

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def axe_page(browser, live_server, request):
    from tests.browser.conftest import ARTIFACTS

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "journey_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def serious_violations(page, path: str) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }));
        }"""
    )
    return [
        f"{path}: {v['id']} ({v['impact']}) at {', '.join(v['targets'])}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def optional(name: str, *args) -> list[str]:
    try:
        return [reverse(name, args=args)]
    except NoReverseMatch:
        return []


def public_paths() -> list[str]:
    organization = Organization.objects.get(slug="seoul")
    office = Office.objects.order_by("pk").first()
    event = Event.objects.filter(status="published").order_by("-sort_at").first()
    program = Program.objects.order_by("position").first()
    return [
        "/",
        "/members/",
        organization.get_absolute_url(),
        "/members/overview/",
        "/offices/",
        reverse("members:office", args=[office.slug]),
        "/join/",
        "/events/",
        reverse("events:detail", args=[event.slug]),
        "/programs/",
        reverse("programs:detail", args=[program.slug]),
        "/awards/",
        "/awards/2020/",
        "/accounts/login/",
        "/privacy/",
        "/privacy/cookies/",
        "/newsletter/",
        *optional("health:index"),
        *optional("health:initiatives"),
        *optional("health:knowledge_hub"),
        *optional("health:suppliers"),
        *optional("health:inquiry"),
        *optional("catalog:list"),
        *optional("members:about"),
        "/members/makati/",
        "/numbers/",
        *optional("governance:index"),
        *optional("governance:decisions"),
        *optional("governance:meeting", "excom-2020"),
        *governance_decision_paths(),
    ]


def governance_decision_paths() -> list[str]:
    try:
        from governance.models import Decision
    except ImportError:
        return []
    decision = Decision.objects.filter(published=True).order_by("pk").first()
    return [decision.get_absolute_url()] if decision else []


def governance_member_paths(organization, user) -> list[str]:
    """The delegate's pages: the list of votes, an open vote, the proxy form, the delegates."""
    import datetime

    from django.utils import timezone

    from governance import services
    from governance.enums import BodyKind
    from governance.models import Body, Delegate

    Delegate.objects.create(organization=organization, user=user)
    vote = services.written_procedure_start(
        body=Body.objects.get(kind=BodyKind.EXECUTIVE_COMMITTEE),
        title="Accessibility check",
        text="A resolution for the accessibility check.",
        closes_at=timezone.now() + datetime.timedelta(days=1),
        started_by=None,
    )
    return [
        reverse("governance:my_votes"),
        reverse("governance:vote", args=[vote.pk]),
        reverse("governance:delegates", args=[organization.slug]),
    ]


@pytest.fixture
def wego_data():
    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_public_pages_have_no_serious_accessibility_violations(axe_page, wego_data):
    problems = [line for path in public_paths() for line in serious_violations(axe_page, path)]

    assert problems == [], "\n".join(problems)


def test_member_pages_have_no_serious_accessibility_violations(axe_page, wego_data):
    from programs import services
    from programs.models import Call

    seoul = Organization.objects.get(slug="seoul")
    editor = UserFactory(email="editor@seoul.test")
    OrganizationUserFactory(organization=seoul, user=editor)
    call = Call.objects.get(slug="solution-finder")
    application = services.application_start(call=call, organization=seoul, started_by=editor)
    event = Event.objects.filter(status="published").order_by("-sort_at").first()
    EventHost.objects.get_or_create(event=event, organization=seoul)
    consent_give(
        purpose="share_with_host",
        subject=EventRegistrationFactory(event=event, user=editor, email=editor.email),
    )
    axe_page.goto("/accounts/login/")
    axe_page.get_by_label("Email").fill("editor@seoul.test")
    axe_page.get_by_label("Password").fill(PASSWORD)
    axe_page.get_by_role("button", name="Sign in").click()
    axe_page.wait_for_load_state()
    paths = [
        "/portal/",
        reverse("programs:applications"),
        reverse("programs:application", args=[application.pk]),
        reverse("programs:application_section", args=[application.pk, "challenges"]),
        reverse("events:my_registrations"),
        reverse("awards:portal"),
        reverse("notifications:inbox"),
        reverse("notifications:preferences"),
        reverse("api_tokens"),
        reverse("account_overview"),
        reverse("usersessions_list"),
        reverse("privacy:my_data"),  # with a consent to withdraw
        reverse("events:hosted"),  # with an event Seoul hosts
    ]
    assert Application.objects.filter(organization=seoul).count() == 1
    paths += governance_member_paths(seoul, editor)

    problems = [line for path in paths for line in serious_violations(axe_page, path)]

    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("code", ["ar", "ko"])
def test_public_pages_in_arabic_and_korean_have_no_serious_accessibility_violations(
    axe_page, wego_data, code
):
    paths = [f"/{code}{path}" for path in public_paths()]

    problems = [line for path in paths for line in serious_violations(axe_page, path)]

    assert problems == [], "\n".join(problems)
