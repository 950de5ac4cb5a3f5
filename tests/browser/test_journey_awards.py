"""Journey 6, awards: a city enters, a judge declares a conflict and scores, the secretariat
publishes the results and anyone sees them on the edition page.

(Moved from tests/awards/test_journey.py to use the shared browser fixtures.)
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from awards.models import Edition, Entry
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.awards import CategoryFactory, EditionFactory, EntryFactory, JudgeFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, email: str) -> None:
    page.goto("/")
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_city_enters_a_judge_scores_and_the_secretariat_publishes(page):
    edition = EditionFactory(number=5, year=2023)
    safe_city = CategoryFactory(edition=edition, name="Safe City", position=1)
    seoul = OrganizationFactory(name="Seoul", slug="seoul")
    OrganizationUserFactory(organization=seoul, user=UserFactory(email="editor@seoul.test"))
    makati = OrganizationFactory(name="Makati", slug="makati", country="PH")
    OrganizationUserFactory(organization=makati, user=UserFactory(email="editor@makati.test"))
    judge_account = UserFactory(email="judge@panel.test")
    JudgeFactory(edition=edition, name="Philip Bane", user=judge_account, categories=[safe_city])
    UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)

    # A city user enters a project and submits it.
    sign_in(page, "editor@seoul.test")
    page.goto("/awards/portal/")
    page.get_by_role("link", name="Enter a project").click()
    page.get_by_label("Safe City").check()
    page.get_by_label("Project title").fill("Seoul Safe Return")
    page.get_by_label("Summary").fill("Escorted walks home at night.")
    page.get_by_label("The problem").fill("Night-time safety.")
    page.get_by_label("The solution").fill("An app linked to CCTV and patrols.")
    page.get_by_label("ICT used").fill("Mobile app, CCTV, IoT.")
    page.get_by_label("Results and impact").fill("40,000 escorted trips a year.")
    page.get_by_label("Project start date").fill("2019-05-01")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".banner--success")).to_contain_text("Your draft is saved")
    page.get_by_role("link", name="Check and submit the entry").click()
    page.get_by_role("button", name="Submit the entry").click()
    expect(page.get_by_role("heading", name="Entry submitted")).to_be_visible()

    # The deadline passes; Makati had entered too. Judging opens.
    EntryFactory(
        category=safe_city, organization=makati, project_title="Makati Alert", submitted=True
    )
    now = timezone.now()
    Edition.objects.filter(pk=edition.pk).update(
        entries_close_at=now - datetime.timedelta(hours=2),
        judging_starts_at=now - datetime.timedelta(hours=1),
        judging_ends_at=now + datetime.timedelta(days=7),
    )

    # The judge declares a conflict on Makati's entry and scores Seoul's.
    sign_in(page, "judge@panel.test")
    page.goto("/awards/judging/")
    page.get_by_role("row", name=re.compile("Makati Alert")).get_by_role(
        "link", name=re.compile("Declare a conflict")
    ).click()
    page.get_by_label("Nature of the conflict").fill("I advised Makati on this project.")
    page.get_by_role("button", name="Declare the conflict").click()
    expect(page.get_by_role("row", name=re.compile("Makati Alert"))).to_contain_text(
        "Conflict declared"
    )
    page.get_by_role("link", name="Seoul Safe Return", exact=True).click()
    for criterion, mark in [
        ("Innovation", "8"),
        ("Impact", "9"),
        ("Sustainability", "7"),
        ("Replicability", "8"),
        ("Citizen benefit", "9"),
    ]:
        page.get_by_label(criterion, exact=True).fill(mark)
    page.get_by_role("button", name="Save your score").click()
    expect(page.get_by_role("row", name=re.compile("Seoul Safe Return"))).to_contain_text("Scored")

    # The secretariat moves the edition into judging, records the results and publishes them.
    sign_in(page, "officer@wego.test")
    page.goto(f"/admin/awards/edition/{edition.pk}/change/")
    page.get_by_role("link", name="Move to “Judging”…").click()
    page.get_by_label("Note for the record (optional)").fill("Deadline passed.")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("at the stage “Judging”")
    page.goto(f"/admin/awards/edition/{edition.pk}/scoring/")
    seoul_row = page.get_by_role("row", name=re.compile("Seoul Safe Return"))
    expect(seoul_row).to_contain_text("8.20")
    seoul_row.get_by_role("combobox").select_option("winner")
    seoul_row.get_by_role("button", name="Record").click()
    makati_row = page.get_by_role("row", name=re.compile("Makati Alert"))
    makati_row.get_by_role("combobox").select_option("special_mention")
    makati_row.get_by_role("button", name="Record").click()
    page.goto(f"/admin/awards/edition/{edition.pk}/change/")
    page.get_by_role("link", name="Move to “Results recorded”…").click()
    page.get_by_role("button", name="Confirm").click()
    page.goto(f"/admin/awards/edition/{edition.pk}/publish/")
    expect(page.locator("#content")).to_contain_text("Makati Alert: no judge on its panel")
    page.get_by_label("Why publish with scores missing?").fill(
        "The only judge of the category declared a conflict on Makati's entry."
    )
    page.get_by_role("button", name="Yes, publish the results").click()
    expect(page.locator(".messagelist")).to_contain_text("are published")

    # Anyone now sees the winners on the edition page.
    page.context.clear_cookies()
    page.goto("/awards/2023/")
    winner = page.locator(".award-card", has_text="Seoul Safe Return")
    expect(winner).to_contain_text("Winner")
    expect(page.locator(".award-card", has_text="Makati Alert")).to_contain_text("Special mention")
    assert Entry.objects.get(project_title="Seoul Safe Return").result == "winner"
    congratulations = "Congratulations: your city received an award in the 5th WeGO Awards 2023"
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("editor@makati.test", congratulations),
        ("editor@seoul.test", congratulations),
        ("editor@seoul.test", "Entry submitted to the 5th WeGO Awards 2023: Seoul Safe Return"),
    ]
