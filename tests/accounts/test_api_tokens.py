import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/organizations/"


def test_user_creates_a_token_shown_once_and_stored_hashed(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(reverse("api_tokens"), {"expires_in_days": "30"})

    secret = response.context["new_secret"]
    token = AuthToken.objects.get(user=person)
    assert secret.startswith("wego_")
    assert secret not in token.digest
    assert token.expiry.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    assert secret not in client.get(reverse("api_tokens")).content.decode()
    assert APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200


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
