"""The account area: one overview, one section menu on every page, the portal's own wording."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from accounts.devices import device_label, location_label
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SECTIONS = [
    ("account_email", "E-mail addresses"),
    ("account_change_password", "Change your password"),
    ("mfa_index", "Two-factor authentication"),
    ("usersessions_list", "Signed-in devices"),
    ("api_tokens", "Personal API tokens"),
    ("notifications:preferences", "E-mail"),
    ("privacy:my_data", "My data"),
]
CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request to a /ko/ page leaves Korean active in the thread; later tests read English."""
    yield
    translation.activate("en")


@pytest.fixture
def person(db):
    return UserFactory(email="officer@seoul.test", full_name="Kim Officer")


def test_header_account_link_opens_the_overview(client, person):
    client.force_login(person)

    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("account_overview")}">Account</a>' in html


def test_overview_links_every_section(client, person):
    client.force_login(person)

    response = client.get(reverse("account_overview"))

    html = response.content.decode()
    assert response.status_code == 200
    for url_name, _title in SECTIONS:
        assert f'href="{reverse(url_name)}"' in html, url_name
    assert "officer@seoul.test" in html
    assert "Kim Officer" in html


@pytest.mark.parametrize(("url_name", "heading"), SECTIONS)
def test_every_section_shares_the_account_menu(client, person, url_name, heading):
    client.force_login(person)

    response = client.get(reverse(url_name))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<nav class="account-nav"' in html
    assert f'<a href="{reverse(url_name)}" aria-current="page">' in html
    assert heading in html


def test_only_primary_address_offers_no_primary_or_remove_button(client, person):
    client.force_login(person)

    html = client.get(reverse("account_email")).content.decode()

    assert 'name="action_remove"' not in html
    assert 'name="action_primary"' not in html
    assert "Main address" in html
    assert "Email Addresses" not in html
    assert "Add an e-mail address" in html


def test_second_confirmed_address_can_become_main_or_be_removed(client, person):
    EmailAddress.objects.create(user=person, email="kim@seoul.test", verified=True)
    client.force_login(person)

    html = client.get(reverse("account_email")).content.decode()
    response = client.post(
        reverse("account_email"), {"email": "kim@seoul.test", "action_primary": ""}
    )

    assert html.count('name="action_remove"') == 1
    assert html.count('name="action_primary"') == 1
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=person, primary=True).email == "kim@seoul.test"


def test_sessions_are_named_by_browser_and_system(client, person):
    client.post(
        reverse("account_login"),
        {"login": person.email, "password": PASSWORD},
        HTTP_USER_AGENT=CHROME_ON_WINDOWS,
    )

    html = client.get(reverse("usersessions_list"), HTTP_USER_AGENT=CHROME_ON_WINDOWS).content
    overview = client.get(reverse("account_overview"), HTTP_USER_AGENT=CHROME_ON_WINDOWS)

    assert b"Chrome on Windows" in html
    assert b"Mozilla/5.0" not in html
    assert b"Chrome on Windows, local network, last active" in overview.content


def test_sessions_show_the_country_of_their_address(client, person):
    client.post(
        reverse("account_login"),
        {"login": person.email, "password": PASSWORD},
        HTTP_USER_AGENT=CHROME_ON_WINDOWS,
        REMOTE_ADDR="223.130.195.200",  # an address registered in the Republic of Korea
    )

    html = client.get(
        reverse("usersessions_list"),
        HTTP_USER_AGENT=CHROME_ON_WINDOWS,
        REMOTE_ADDR="223.130.195.200",
    ).content.decode()
    korean = client.get(
        "/ko" + reverse("usersessions_list"),
        HTTP_USER_AGENT=CHROME_ON_WINDOWS,
        REMOTE_ADDR="223.130.195.200",
    ).content.decode()

    assert "<strong>Chrome on Windows</strong>, South Korea" in html
    assert "대한민국" in korean


@pytest.mark.parametrize(
    ("ip", "place"),
    [
        ("223.130.195.200", "South Korea"),
        ("202.90.128.1", "Philippines"),
        ("2001:4860:4860::8888", "United States of America"),
        ("::ffff:8.8.8.8", "United States of America"),
        ("127.0.0.1", "local network"),
        ("::1", "local network"),
        ("192.168.1.20", "local network"),
        ("10.4.0.7", "local network"),
        ("fe80::1", "local network"),
        ("100.64.0.1", ""),  # shared carrier address space: not the person's network, no country
        ("", ""),
        ("not an address", ""),
    ],
)
def test_location_label(ip, place):
    with translation.override("en"):
        assert location_label(ip) == place


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (CHROME_ON_WINDOWS, "Chrome on Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            "Mobile Safari on iOS",
        ),
        ("", "Unknown browser"),
        ("<script>alert(1)</script>", "Unknown browser"),
    ],
)
def test_device_label(user_agent, label):
    assert device_label(user_agent) == label


def test_totp_secret_is_shown_whole_with_a_copy_button(client, person):
    client.force_login(person)
    # Setting up two-factor asks for the password again first.
    asked = client.get(reverse("mfa_activate_totp"))
    response = client.post(asked.url, {"password": PASSWORD}, follow=True)

    html = response.content.decode()
    secret = response.context["form"].secret
    assert f'<code id="authenticator_secret" aria-labelledby="secret-label">{secret}</code>' in html
    assert 'data-copy="authenticator_secret"' in html
    assert "js/copy.js" in html


@pytest.mark.parametrize("url_name", ["account_overview", "account_email", "mfa_index"])
def test_account_pages_need_sign_in(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
