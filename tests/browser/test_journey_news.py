"""A visitor reads the news and searches the site; an officer edits an article in the back
office: no Content-Security-Policy violation and no script error on the way."""

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.members import OfficeFactory, OrganizationFactory
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    return problems


def test_a_visitor_finds_an_article_follows_it_to_a_member_and_searches_with_a_typo(page):
    seoul = OrganizationFactory(name="Seoul", slug="seoul", country="KR")
    article = ArticleFactory(
        office=OfficeFactory(slug="secretariat", name="WeGO Secretariat"),
        published=True,
        title="Seoul shares its smart city platform",
        body=(
            '<p onclick="alert(1)" style="color:red">Seoul presented its platform.</p>'
            '<script>alert(1)</script><a href="javascript:alert(1)">bad link</a>'
        ),
    )
    article.organizations.add(seoul)
    problems = _watch(page)

    page.goto("/")
    page.get_by_role("link", name="Seoul shares its smart city platform").first.click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Seoul shares its smart city platform"
    )
    assert page.locator(".prose p").first.get_attribute("style") is None
    assert page.locator(".prose script").count() == 0
    page.get_by_role("link", name="Seoul", exact=True).click()
    page.wait_for_url("**/members/seoul/")
    assert page.get_by_role("link", name="Seoul shares its smart city platform").is_visible()

    search = page.get_by_role("search", name="Site").first
    search.get_by_label("Search the portal").fill("Seol")
    search.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=Seol")
    assert page.locator("#group-members + ol a").first.inner_text() == "Seoul"
    assert problems == []


def test_the_article_editor_starts_under_the_content_security_policy(page, sign_in):
    officer = UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)
    article = ArticleFactory(office=OfficeFactory(), body="<p>Hello</p>")
    problems = _watch(page)
    sign_in(officer.email, PASSWORD)

    page.goto(f"/admin/news/article/{article.pk}/change/")

    editor = page.locator(".prose-editor").first
    editor.wait_for()
    body = editor.locator("[contenteditable=true]").first
    assert body.inner_text().strip() == "Hello"
    body.click()
    page.keyboard.press("End")
    page.keyboard.type(" world")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/news/article/**")
    article.refresh_from_db()
    assert article.body_en == "<p>Hello world</p>"
    assert problems == []
