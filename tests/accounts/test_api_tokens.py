import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiTokenName
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/organizations/"


def test_user_creates_a_token_shown_once_and_stored_hashed(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(
        reverse("api_tokens"), {"name": "Directory sync", "expires_in_days": "30"}
    )

    secret = response.context["new_secret"]
    token = AuthToken.objects.get(user=person)
    assert secret.startswith("wego_")
    assert secret not in token.digest
    assert token.expiry.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    assert secret not in client.get(reverse("api_tokens")).content.decode()
    assert APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200


def test_the_token_list_shows_each_tokens_name(client):
    person = UserFactory()
    client.force_login(person)

    client.post(reverse("api_tokens"), {"name": "  Directory   sync ", "expires_in_days": ""})
    client.post(reverse("api_tokens"), {"name": "Events export", "expires_in_days": "90"})
    AuthToken.objects.create(user=person, expiry=None)  # made before tokens had names

    html = client.get(reverse("api_tokens")).content.decode()

    assert ApiTokenName.objects.filter(token__user=person).count() == 2
    assert '<th scope="row">Directory sync</th>' in html
    assert '<th scope="row">Events export</th>' in html
    assert "Unnamed token" in html
    assert html.index("Events export") < html.index("Directory sync")  # newest first


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 61, "Ensure this value has at most 60 characters"),
        ("Sync\x00script", "Null characters are not allowed."),
        ("Sync\u202escript", "The name cannot contain control characters."),
        ("directory SYNC", "You already have a token named"),
    ],
)
def test_a_token_name_is_required_and_checked(client, name, error):
    person = UserFactory()
    services.api_token_create(user=person, name="Directory sync", expires_in_days=None)
    client.force_login(person)

    response = client.post(reverse("api_tokens"), {"name": name, "expires_in_days": "30"})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert AuthToken.objects.filter(user=person).count() == 1


def test_another_users_token_names_do_not_clash():
    services.api_token_create(user=UserFactory(), name="Sync", expires_in_days=None)

    token, _secret = services.api_token_create(user=UserFactory(), name="Sync", expires_in_days=1)

    assert token.name_record.name == "Sync"


def test_revoking_a_token_removes_its_name(client):
    person = UserFactory()
    token, _secret = services.api_token_create(user=person, name="Sync", expires_in_days=None)
    client.force_login(person)

    client.post(reverse("api_tokens"), {"revoke": token.token_key})

    assert not ApiTokenName.objects.exists()
    assert services.api_tokens_revoke_all(user=person) == 0


def test_revoked_token_no_longer_works(client):
    person = UserFactory()
    token, secret = AuthToken.objects.create(user=person, expiry=None)
    client.force_login(person)

    client.post(reverse("api_tokens"), {"revoke": token.token_key})

    assert not AuthToken.objects.filter(user=person).exists()
    assert APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {secret}").status_code == 401


def test_user_cannot_revoke_another_users_token(client):
    owner = UserFactory()
    token, _secret = AuthToken.objects.create(user=owner, expiry=None)
    client.force_login(UserFactory())

    client.post(reverse("api_tokens"), {"revoke": token.token_key})

    assert AuthToken.objects.filter(user=owner).count() == 1


def test_expired_token_is_refused():
    person = UserFactory()
    token, secret = AuthToken.objects.create(user=person, expiry=datetime.timedelta(days=1))
    AuthToken.objects.filter(pk=token.pk).update(
        expiry=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {secret}")

    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


def test_token_page_requires_sign_in(client):
    response = client.get(reverse("api_tokens"))

    assert response.status_code == 302


def test_session_api_writes_need_csrf(staff_user):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(staff_user)

    response = api.post("/api/v1/organizations/", {}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["detail"]
