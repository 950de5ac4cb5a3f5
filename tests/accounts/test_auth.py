import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_uses_the_site_layout(client):
    response = client.get(reverse("account_login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sign in to the WeGO Portal" in html
    assert 'class="skip-link"' in html
    assert '<label class="field__label" for="id_login">' in html


def test_user_logs_in_with_email_and_password(client):
    person = UserFactory(email="officer@seoul.test")

    response = client.post(
        reverse("account_login"), {"login": "Officer@Seoul.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("members:dashboard")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_login_refused_until_the_email_is_verified(client):
    UserFactory(email="new@seoul.test", verified=False)

    response = client.post(
        reverse("account_login"), {"login": "new@seoul.test", "password": PASSWORD}
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")


def test_wrong_password_explains_the_error_and_keeps_the_email(client):
    UserFactory(email="officer@seoul.test")

    response = client.post(
        reverse("account_login"), {"login": "officer@seoul.test", "password": "nope"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'value="officer@seoul.test"' in html


def test_open_signup_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "me@nowhere.test",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )

    assert response.status_code == 200
    assert "Accounts are by invitation" in response.content.decode()
    assert not User.objects.filter(email="me@nowhere.test").exists()


def test_login_is_rate_limited_after_repeated_failures(client):
    UserFactory(email="target@seoul.test")
    statuses = [
        client.post(
            reverse("account_login"), {"login": "target@seoul.test", "password": f"x{i}"}
        ).status_code
        for i in range(6)
    ]

    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429


def test_admin_login_goes_through_the_portal_login(client):
    UserFactory(email="boss@wego.test", is_staff=True, is_superuser=True)

    response = client.post(
        reverse("admin:login"), {"username": "boss@wego.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    assert "_auth_user_id" not in client.session


def test_admin_brute_force_meets_the_same_rate_limit(client):
    UserFactory(email="boss@wego.test", is_staff=True)
    admin_login = reverse("account_login") + "?next=/admin/"

    statuses = [
        client.post(admin_login, {"login": "boss@wego.test", "password": f"guess{i}"}).status_code
        for i in range(6)
    ]

    assert statuses[-1] == 429


def test_staff_reaches_the_admin_after_portal_login(client):
    UserFactory(email="boss@wego.test", is_staff=True, is_superuser=True)
    client.post(reverse("account_login"), {"login": "boss@wego.test", "password": PASSWORD})

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "Secretariat dashboard" in response.content.decode()


def test_member_user_is_refused_the_admin(client):
    UserFactory(email="member@seoul.test")
    client.post(reverse("account_login"), {"login": "member@seoul.test", "password": PASSWORD})

    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain == [(reverse("admin:login") + "?next=/admin/", 302)]
    assert response.status_code == 403


def test_password_reset_sends_a_link(client, mailoutbox):
    UserFactory(email="forgot@seoul.test")

    response = client.post(reverse("account_reset_password"), {"email": "forgot@seoul.test"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["forgot@seoul.test"]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_user_sees_their_other_sessions(client):
    person = UserFactory(email="traveller@seoul.test")
    other = type(client)()
    other.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    response = client.get(reverse("usersessions_list"))

    assert response.status_code == 200
    assert person.usersession_set.count() == 2


def test_two_factor_page_offers_totp(client):
    person = UserFactory(email="secure@seoul.test")
    client.force_login(person)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code in (200, 302)
    if response.status_code == 302:  # allauth asks to re-authenticate first
        assert "reauthenticate" in response.url


def test_user_email_is_unique_case_insensitively():
    UserFactory(email="dup@city.test")

    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="DUP@city.test")
