"""The frame around every page (header, navigation, language switcher, footer): parts of it are
rendered once per process for each key ({% memo %}); each person still sees their own."""

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory
from wego_portal.templatetags import memo

DIRECTORY = reverse("members:directory")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request under /ko/ leaves Korean active in this thread: the next test starts in
    English."""
    yield
    translation.activate("en")


class Counter:
    def __init__(self) -> None:
        self.renders = 0

    def __str__(self) -> str:
        self.renders += 1
        return f"render {self.renders}"


def test_memo_renders_its_body_once_per_key():
    template = Template("{% load memo %}{% memo key %}{{ counter }}{% endmemo %}")
    counter = Counter()

    first = template.render(Context({"key": "a", "counter": counter}))
    again = template.render(Context({"key": "a", "counter": counter}))
    other = template.render(Context({"key": "b", "counter": counter}))

    assert (first, again, other) == ("render 1", "render 1", "render 2")


def test_memo_puts_each_requests_own_csrf_token_in():
    template = Template("{% load memo %}{% memo %}<form>{% csrf_token %}</form>{% endmemo %}")

    first = template.render(Context({"csrf_token": "first-token"}))
    second = template.render(Context({"csrf_token": "second-token"}))

    assert TOKEN.findall(first) == ["first-token"]
    assert TOKEN.findall(second) == ["second-token"]


def test_memo_forgets_everything_when_settings_change(settings):
    template = Template("{% load memo %}{% memo %}{{ counter }}{% endmemo %}")
    counter = Counter()
    template.render(Context({"counter": counter}))

    settings.SITE_URL = "https://elsewhere.example"

    assert template.render(Context({"counter": counter})) == "render 2"


def test_memo_keeps_a_bounded_number_of_keys(monkeypatch):
    monkeypatch.setattr(memo, "MAX_ENTRIES", 2)
    template = Template("{% load memo %}{% memo key %}{{ key }}{% endmemo %}")
    for key in ("a", "b", "c"):
        template.render(Context({"key": key}))

    node = template.nodelist.get_nodes_by_type(memo.MemoNode)[0]
    assert [key[1:] for key in node.entries] == [("b",), ("c",)]


@pytest.mark.django_db
def test_each_signed_in_user_sees_their_own_header():
    staff, member = UserFactory(is_staff=True), UserFactory()
    NotificationFactory.create_batch(2, recipient=staff)
    NotificationFactory.create_batch(5, recipient=member)
    pages = {}
    for user in (staff, member):
        client = Client()
        client.force_login(user)
        client.get(DIRECTORY)
        pages[user] = client.get(DIRECTORY).content.decode()

    assert pages[staff].count('aria-label="2 unread">2</span>') == 2  # header and menu
    assert 'aria-label="5 unread"' not in pages[staff]
    assert pages[staff].count(reverse("admin:index")) == 2
    assert pages[member].count('aria-label="5 unread">5</span>') == 2
    assert reverse("admin:index") not in pages[member]


@pytest.mark.django_db
def test_the_header_forms_carry_a_working_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(DIRECTORY)
    html = client.get(DIRECTORY).content.decode()
    tokens = TOKEN.findall(html)

    # Sign-out in the header and the menu, the language switcher in both.
    assert len(tokens) == 4
    response = client.post(
        reverse("set_language"),
        {"csrfmiddlewaretoken": tokens[-1], "language": "ko", "next": f"{DIRECTORY}?q=seoul"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/ko{DIRECTORY}?q=seoul"


@pytest.mark.django_db
def test_the_language_switcher_and_navigation_follow_the_page(client):
    directory = client.get(f"{DIRECTORY}?q=seoul").content.decode()
    events = client.get(reverse("events:list")).content.decode()

    assert f'name="next" value="{DIRECTORY}?q=seoul"' in directory
    assert 'name="next" value="/events/"' in events
    assert re.search(r'href="/members/" aria-current="page"', directory)
    assert not re.search(r'href="/members/" aria-current="page"', events)
    assert re.search(r'href="/events/" aria-current="page"', events)
    korean = client.get(f"/ko{DIRECTORY}").content.decode()
    assert 'href="/ko/members/" aria-current="page"' in korean
    assert 'lang="ko" selected' in korean
