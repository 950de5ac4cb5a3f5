"""CSRF: every URL of the URL conf refuses a POST without a token (forms and session API writes).

``CsrfViewMiddleware`` answers 403 before the view runs, so nothing can change; the one
state check below proves it on a real write. A view marked ``csrf_exempt`` would answer
something else and fail. (DRF views are csrf_exempt, then SessionAuthentication enforces CSRF
itself for session-authenticated requests: the same 403; Knox token requests skip it.)
"""

import pytest
from django.test import Client
from django.urls import reverse

from programs.enums import ApplicationStatus
from programs.models import Application

from .matrix import RULES, Case, url_patterns
from .test_authorization import url_for

#: The views that take a POST without a CSRF token on purpose, and why (each has its own test).
DELIBERATELY_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients post without a session or a form; the signed
    # token in the URL is the proof (tests/newsletter, and the test below with a forged token).
    "newsletter:unsubscribe": "one-click unsubscribe (RFC 8058)",
}

ENTRIES = {}
for _entry in url_patterns():
    if _entry.key in DELIBERATELY_EXEMPT:
        continue
    if _entry.takes_identifier and _entry.key in RULES and RULES[_entry.key].not_an_object:
        continue
    if not _entry.takes_identifier and (not _entry.name or _entry.name.endswith(":")):
        continue  # nameless, parameterless patterns (none today) cannot be reversed
    if not _entry.takes_identifier and set(_entry.kwargs) - {"app_label"}:
        continue  # no such pattern today; app_label is the only non-identifier kwarg
    ENTRIES.setdefault(_entry.key, _entry)


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_post_without_a_csrf_token_is_refused(key, world):
    entry = ENTRIES[key]
    if entry.takes_identifier:
        case = RULES[key].build(world)
    else:
        case = Case(kwargs=dict.fromkeys(entry.kwargs, "members"))  # admin:app_list
    url = url_for(entry, case)
    user = world.secretariat if entry.is_admin else (case.owners or [world.owner])[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(url, {"name": "x"})

    assert response.status_code == 403, f"{key}: {response.status_code}"


def test_anonymous_forms_refuse_a_post_without_a_token():
    client = Client(enforce_csrf_checks=True)

    for url in ["/join/", "/accounts/login/", "/accounts/password/reset/"]:
        assert client.post(url, {"login": "a@b.test"}).status_code == 403, url


def test_a_refused_post_changes_nothing(world):
    application = Application.objects.get(
        pk=RULES["programs:application_withdraw"].build(world).kwargs["pk"]
    )
    application.status = ApplicationStatus.SUBMITTED
    application.save(update_fields=["status"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)

    response = client.post(reverse("programs:application_withdraw", kwargs={"pk": application.pk}))

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_same_post_with_a_token_reaches_the_view():
    client = Client(enforce_csrf_checks=True)
    client.get("/join/")
    token = client.cookies["csrftoken"].value

    response = client.post("/join/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 200  # the form, with its errors


@pytest.mark.django_db
def test_session_api_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    pk = RULES["api:my-application-withdraw"].build(world).kwargs["pk"]

    response = client.post(
        f"/api/v1/me/applications/{pk}/withdraw/", content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in str(response.json())


@pytest.mark.django_db
def test_the_one_click_unsubscribe_needs_its_signed_token():
    """The one view without CSRF protection acts only on a valid signature: a forged or
    altered token changes nothing."""
    from newsletter import tokens
    from newsletter.enums import SubscriberState
    from tests.factories.newsletter import SubscriberFactory

    subscriber = SubscriberFactory()
    token = tokens.manage_token(subscriber.key)
    client = Client(enforce_csrf_checks=True)

    for forged in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x:y", "0" * 40):
        response = client.post(reverse("newsletter:unsubscribe", kwargs={"token": forged}))
        assert response.status_code == 404, forged

    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.CONFIRMED
    assert (
        client.post(reverse("newsletter:unsubscribe", kwargs={"token": token})).status_code == 200
    )
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.UNSUBSCRIBED
