"""Abuse limits on open forms, the client address behind proxies, sign-in lockout, token revocation
and links that never come from the request's Host header."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from events.models import EventRegistration
from health.models import Inquiry
from members.enums import OrganizationRole
from members.models import MembershipApplication
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.events import EventFactory
from tests.factories.health import SupplierFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from tests.members.files import pdf_upload
from wego_portal.client import client_address

pytestmark = pytest.mark.django_db
JOIN = reverse("members:join")


def join_data(n: int, **overrides) -> dict:
    return {
        "member_type": "local_government",
        "organization_name": f"Town number {n}",
        "country": "PH",
        "city": f"Town {n}",
        "website": "https://town.test",
        "contact_name": "Click here: http://phishing.test",
        "contact_title": "Officer",
        "contact_email": f"victim{n}@example.test",
        "motivation": "Buy cheap watches at http://spam.test",
        "supporting_letter": pdf_upload(),
        **overrides,
    }


@pytest.fixture
def officer(db):
    return UserFactory(email="officer@wego.test", is_staff=True, is_superuser=True)


# --- The client address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.1"),  # no trusted proxy: the header is ignored
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote 6.6.6.6 itself
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", ""),
    ],
)
def test_client_address_believes_only_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


# --- Joining WeGO ------------------------------------------------------------------------------


def test_31_join_requests_from_one_address_stop_at_the_limit_and_send_nothing_more(
    client, officer, mailoutbox, django_capture_on_commit_callbacks
):
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(31):
            # A fresh X-Forwarded-For each time does not help: no proxy is trusted by default.
            response = client.post(JOIN, join_data(n), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
            statuses.append(response.status_code)

    assert statuses == [302] * 5 + [429] * 26
    assert MembershipApplication.objects.count() == 5
    assert len([m for m in mailoutbox if m.to != ["officer@wego.test"]]) == 5
    assert 3500 < int(response["Retry-After"]) <= 3600
    page = response.content.decode()
    assert "please wait 60 minutes" in page
    assert "Town number 30" in page  # what was typed is kept


def test_join_is_limited_per_contact_address_across_client_addresses(client):
    statuses = [
        client.post(
            JOIN, join_data(n, contact_email="Target@Example.test"), REMOTE_ADDR=f"192.0.2.{n}"
        ).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    statuses = [
        client.post(
            JOIN, join_data(n), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n // 6}"
        ).status_code
        for n in range(7)
    ]

    # Six from the first client (the sixth refused), then a second client is served.
    assert statuses == [302] * 5 + [429, 302]


def test_join_acknowledgement_repeats_only_the_organization_name(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(JOIN, join_data(1))

    (acknowledgement,) = [m for m in mailoutbox if m.to == ["victim1@example.test"]]
    text = acknowledgement.subject + acknowledgement.body
    assert "Town number 1" in text
    assert "phishing" not in text and "spam" not in text and "Town 1\n" not in text
    for _mime, alternative in getattr(acknowledgement, "alternatives", []):
        assert "phishing" not in alternative and "spam" not in alternative


# --- Visitor registration, inquiries, invitations, password reset ------------------------------


def test_visitor_registration_is_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "event_registration": "3/h/ip",
    }
    event = EventFactory(open_registration=True)
    url = reverse("events:register_visitor", args=[event.slug])

    statuses = [
        client.post(
            url,
            {"name": "A", "organization_name": "B", "email": f"v{n}@x.test"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(5)
    ]

    assert statuses == [302, 302, 302, 429, 429]
    assert EventRegistration.objects.count() == 3


def test_visitor_registration_is_limited_per_email_address(client):
    events = [EventFactory(open_registration=True) for _ in range(4)]

    statuses = [
        client.post(
            reverse("events:register_visitor", args=[event.slug]),
            {"name": "A", "organization_name": "B", "email": "victim@x.test"},
            REMOTE_ADDR=f"192.0.2.{n}",
        ).status_code
        for n, event in enumerate(events)
    ]

    assert statuses == [302, 302, 302, 429]


def test_supplier_inquiries_are_limited_too(client):
    supplier = SupplierFactory(contact_email="sales@diag.test")
    url = reverse("health:supplier_inquiry", args=[supplier.slug])
    message = {
        "name": "Ana",
        "organization_name": "Lima",
        "country": "PE",
        "topic": "testing",
        "message": "Tests?",
        "website": "",
    }

    statuses = [
        client.post(url, {**message, "email": f"a{n}@lima.test"}).status_code for n in range(11)
    ]

    assert statuses == [302] * 10 + [429]
    assert Inquiry.objects.count() == 10


def test_inviting_colleagues_is_limited_per_invited_address(client, mailoutbox):
    seoul = OrganizationFactory(slug="seoul")
    editor = OrganizationUserFactory(organization=seoul, role=OrganizationRole.EDITOR).user
    other = OrganizationFactory(slug="busan")
    other_editor = OrganizationUserFactory(organization=other, role=OrganizationRole.EDITOR).user
    data = {"full_name": "Kim", "email": "kim@seoul.test", "role": OrganizationRole.EDITOR}
    statuses = []
    for person, org in [(editor, seoul)] * 3 + [(other_editor, other)]:
        client.force_login(person)
        statuses.append(client.post(reverse("members:invite", args=[org.slug]), data).status_code)

    assert statuses == [302, 302, 302, 429]


def test_password_reset_is_limited_per_address_with_the_portal_page(client, mailoutbox):
    UserFactory(email="seoul@city.test")
    url = reverse("account_reset_password")

    statuses = [client.post(url, {"email": "seoul@city.test"}).status_code for _ in range(4)]
    refused = client.post(url, {"email": "seoul@city.test"})

    assert statuses == [302, 302, 302, 429]
    assert len(mailoutbox) == 3
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert "Too many attempts" in refused.content.decode()
    assert 'class="site-header"' in refused.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "stranger@example.test"})

    assert response.status_code == 302
    assert mailoutbox == []


def test_password_reset_link_comes_from_site_url_not_the_host_header(client, settings, mailoutbox):
    settings.SITE_URL = "https://portal.wego.example"
    UserFactory(email="seoul@city.test")

    client.post(
        reverse("account_reset_password"), {"email": "seoul@city.test"}, HTTP_HOST="evil.test:6666"
    )

    (message,) = mailoutbox
    assert re.search(r"https://portal\.wego\.example/accounts/password/reset/key/\S+", message.body)
    assert "evil.test" not in message.body


# --- Sign-in lockout ---------------------------------------------------------------------------


def test_a_guesser_does_not_lock_out_the_real_user_elsewhere():
    UserFactory(email="seoul@city.test")
    login = reverse("account_login")
    guesser, owner = Client(REMOTE_ADDR="203.0.113.66"), Client(REMOTE_ADDR="198.51.100.10")
    guesses = [
        guesser.post(login, {"login": "seoul@city.test", "password": f"guess{n}"}).status_code
        for n in range(6)
    ]

    real = owner.post(login, {"login": "seoul@city.test", "password": PASSWORD})
    again = guesser.post(login, {"login": "seoul@city.test", "password": PASSWORD})

    assert guesses == [200] * 5 + [429]
    assert real.status_code == 302 and "_auth_user_id" in owner.session
    assert again.status_code == 429  # the guessing address stays locked out of this account


def test_one_address_guessing_many_accounts_is_stopped():
    for n in range(11):
        UserFactory(email=f"user{n}@city.test")
    guesser = Client(REMOTE_ADDR="203.0.113.66")

    statuses = [
        guesser.post(
            reverse("account_login"), {"login": f"user{n}@city.test", "password": "guess"}
        ).status_code
        for n in range(11)
    ]

    assert statuses == [200] * 10 + [429]


# --- Personal API tokens -----------------------------------------------------------------------


def _token_works(secret: str) -> int:
    return (
        APIClient()
        .get("/api/v1/me/organizations/", HTTP_AUTHORIZATION=f"Token {secret}")
        .status_code
    )


def test_a_token_stops_working_after_a_password_change(client):
    person = UserFactory(email="seoul@city.test")
    _record, secret = AuthToken.objects.create(user=person, expiry=None)
    assert _token_works(secret) == 200
    client.force_login(person)

    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-password-9",
            "password2": "a-new-long-password-9",
        },
    )

    assert response.status_code == 302
    assert _token_works(secret) == 401
    assert AuthToken.objects.filter(user=person).count() == 0


def test_a_token_stops_working_after_a_password_reset(client, mailoutbox):
    person = UserFactory(email="seoul@city.test")
    _record, secret = AuthToken.objects.create(user=person, expiry=None)
    client.post(reverse("account_reset_password"), {"email": "seoul@city.test"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mailoutbox[0].body)[1]
    form_url = client.get(link)["Location"]

    response = client.post(
        form_url, {"password1": "a-new-long-password-9", "password2": "a-new-long-password-9"}
    )

    assert response.status_code == 302
    assert _token_works(secret) == 401


def test_a_token_stops_working_when_the_admin_deactivates_the_user(client, officer):
    person = UserFactory(email="seoul@city.test")
    _record, secret = AuthToken.objects.create(user=person, expiry=None)
    client.force_login(officer)
    change = reverse("admin:accounts_user_change", args=[person.pk])
    form = client.get(change).context["adminform"].form
    data = {
        key: value
        for key, value in {**form.initial, "is_active": ""}.items()
        if value is not None and key not in {"password", "last_login", "date_joined"}
    }
    data["groups"] = []
    data["user_permissions"] = []

    response = client.post(change, data)

    assert response.status_code == 302
    assert AuthToken.objects.filter(user=person).count() == 0
    assert _token_works(secret) == 401


def test_a_token_stops_working_when_the_admin_sets_a_new_password(client, officer):
    person = UserFactory(email="seoul@city.test")
    _record, secret = AuthToken.objects.create(user=person, expiry=None)
    client.force_login(officer)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {
            "usable_password": "true",
            "password1": "a-new-long-password-9",
            "password2": "a-new-long-password-9",
        },
    )

    assert response.status_code == 302
    assert _token_works(secret) == 401


def test_the_token_page_says_when_tokens_stop_working(client):
    client.force_login(UserFactory())

    page = client.get(reverse("api_tokens")).content.decode()

    assert "Every token stops working when your password is changed or reset" in page


# --- Host-independent pages ---------------------------------------------------------------------


def test_events_page_links_come_from_site_url_whatever_the_host(client, settings):
    settings.SITE_URL = "https://portal.wego.example"
    EventFactory()

    poisoned = client.get("/events/", HTTP_HOST="127.0.0.1:6666")
    cache_hit = client.get("/events/")

    for response in (poisoned, cache_hit):
        page = response.content.decode()
        assert "webcal://portal.wego.example/events/calendar.ics" in page
        assert "6666" not in page


# --- The API's throttles -----------------------------------------------------------------------


def test_rotating_x_forwarded_for_does_not_escape_the_api_throttle(monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    api = APIClient()

    statuses = [
        api.get("/api/v1/offices/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_behind_a_trusted_proxy_the_api_throttles_each_forwarded_client(monkeypatch, settings):
    from rest_framework.throttling import AnonRateThrottle

    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    api = APIClient()

    first = api.get("/api/v1/offices/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    other = api.get("/api/v1/offices/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.2")
    again = api.get("/api/v1/offices/", HTTP_X_FORWARDED_FOR="7.7.7.7, 198.51.100.1")

    assert [first.status_code, other.status_code, again.status_code] == [200, 200, 429]


def test_drf_reads_the_proxy_count_from_the_one_setting():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT == 0
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT


def test_log_lines_name_the_client_address_from_the_same_rule(settings):
    import logging

    from wego_portal.client import ClientAddressFilter

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    about_a_request = logging.LogRecord("django.request", 40, "", 0, "boom", (), None)
    about_a_request.request = request
    other = logging.LogRecord("celery", 20, "", 0, "tick", (), None)

    ClientAddressFilter().filter(about_a_request)
    ClientAddressFilter().filter(other)

    assert (about_a_request.client, other.client) == ("10.0.0.1", "-")
