"""A visitor finds an article from the home page, follows it to a member, finds the member by a
search with a typo, subscribes to the newsletter and confirms from the e-mail; a Secretariat
officer sends an issue from the back office; the visitor receives it and unsubscribes with one
click (the ``List-Unsubscribe-Post`` request, without a session or CSRF token)."""

import re
import urllib.request

import pytest
from django.core import mail

from newsletter.enums import SubscriberState
from newsletter.models import Issue, Subscriber, Topic
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.members import OfficeFactory, OrganizationFactory
from tests.factories.news import ArticleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 390, "height": 844}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _link(message, name: str) -> str:
    match = re.search(rf"https?://\S+/newsletter/{name}/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_visitor_subscribes_confirms_receives_an_issue_and_unsubscribes_in_one_click(
    page, browser, live_server
):
    from members.services import secretariat_group_ensure

    for position, (slug, name) in enumerate(
        [("news", "News of the network"), ("events", "Events")]
    ):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    seoul = OrganizationFactory(name="Seoul", slug="seoul", country="KR")
    article = ArticleFactory(
        office=OfficeFactory(slug="secretariat", name="WeGO Secretariat"),
        published=True,
        title="Seoul shares its smart city platform",
    )
    article.organizations.add(seoul)
    officer = UserFactory(email="officer@wego.test", is_staff=True)
    officer.groups.add(secretariat_group_ensure())
    issue = Issue.objects.create(subject="Smart cities this month", intro="Hello from Seoul.")
    issue.articles.add(article)
    mail.outbox = []

    # The visitor: home page → article → member → search with a typo.
    page.goto("/")
    page.get_by_role("link", name="Seoul shares its smart city platform").first.click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    page.get_by_role("link", name="Seoul", exact=True).click()
    page.wait_for_url("**/members/seoul/")
    search = page.get_by_role("search", name="Site").first
    search.get_by_label("Search the portal").fill("Seol")
    search.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=Seol")
    assert page.locator("#group-members + ol a").first.inner_text() == "Seoul"

    # The home page's sign-up block leads to the full form, the address carried over.
    page.goto("/")
    block = page.locator("section", has=page.get_by_role("heading", name="The WeGO newsletter"))
    block.get_by_label("E-mail address").fill("reader@city.test")
    block.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/newsletter/?email=reader%40city.test")
    assert page.get_by_label("E-mail address").input_value() == "reader@city.test"
    # Sent without agreeing: the error is explained and nothing is sent.
    page.get_by_label("Events").uncheck()
    page.get_by_role("button", name="Subscribe").click()
    summary = page.get_by_role("alert")
    assert "Tick the box to agree" in summary.inner_text()
    assert mail.outbox == []
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url("**/newsletter/check-your-email/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"
    assert [m.to for m in mail.outbox] == [["reader@city.test"]]

    # Confirmed from the e-mail (on a phone: the pages fit 390 px).
    page.set_viewport_size(PHONE)
    page.goto(_link(mail.outbox[0], "confirm"))
    assert _overflow(page) <= 0
    page.get_by_role("button", name="Confirm my subscription").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You are subscribed"
    assert _overflow(page) <= 0
    subscriber = Subscriber.objects.get()
    assert subscriber.state == SubscriberState.CONFIRMED
    chosen = {t.slug for t in subscriber.topics.all()}
    assert "news" in chosen and "events" not in chosen  # the box left unticked

    # The Secretariat sends an issue from the back office.
    officer_context = browser.new_context(base_url=live_server.url)
    officer_context.set_default_timeout(15_000)
    admin = officer_context.new_page()
    admin.goto("/accounts/login/")
    admin.get_by_label("Email").fill(officer.email)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_load_state()
    admin.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    admin.get_by_role("link", name="Send to the subscribers…").click()
    assert "goes to 1 confirmed subscriber" in admin.locator("#content").inner_text()
    mail.outbox = []
    admin.get_by_role("button", name="Send now").click()
    admin.wait_for_url(f"**/admin/newsletter/issue/{issue.pk}/change/")
    assert "1 sent, 0 queued, 0 failed, of 1" in admin.locator("body").inner_text()
    officer_context.close()

    # The visitor receives it, with one-click unsubscribe headers.
    assert [m.to for m in mail.outbox] == [["reader@city.test"]]
    received = mail.outbox[0]
    assert received.subject == "Smart cities this month"
    assert "Seoul shares its smart city platform" in received.body
    headers = received.message()
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.match(r"<(https?://[^>]+)>", headers["List-Unsubscribe"]).group(1)
    assert unsubscribe == _link(received, "unsubscribe")

    # The mail client's one-click POST: no cookie, no CSRF token.
    request = urllib.request.Request(  # noqa: S310  (the live server's own http URL)
        unsubscribe,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310  # nosec B310
        assert response.status == 200
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.UNSUBSCRIBED

    # The unsubscribed page, as a person sees it, fits a phone too.
    page.goto(_link(received, "unsubscribe"))
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You are unsubscribed"
    assert _overflow(page) <= 0
