"""Double opt-in, preferences and unsubscribing, through the services and the public pages."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from newsletter import services, tokens
from newsletter.enums import SubscriberState
from newsletter.models import Subscriber
from notifications.models import Notification
from privacy.enums import ConsentPurpose
from privacy.models import ConsentRecord
from privacy.services import consent_active
from tests.factories.accounts import UserFactory
from tests.factories.newsletter import SubscriberFactory

pytestmark = pytest.mark.django_db


def _link(body: str, name: str) -> str:
    match = re.search(rf"https?://\S+/newsletter/{name}/\S+/", body)
    assert match, body
    return match.group(0)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _sign_up(client, email="reader@city.test", topics=("news", "events"), language="en"):
    return client.post(
        reverse("newsletter:subscribe"),
        {
            "email": email,
            "topics": [_topic_id(slug) for slug in topics],
            "language": language,
            "consent": "on",
        },
    )


def _topic_id(slug):
    from newsletter.models import Topic

    return Topic.objects.get(slug=slug).pk


@pytest.fixture(autouse=True)
def _topics(topics):
    return topics


def test_subscribe_sends_only_a_confirmation_link_and_stays_pending(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, email="  Reader@City.test ")
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:check_email")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@city.test"
    assert subscriber.state == SubscriberState.PENDING
    assert sorted(t.slug for t in subscriber.topics.all()) == ["events", "news"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["reader@city.test"]
    assert "/newsletter/confirm/" in mailoutbox[0].body
    assert "7 days" in mailoutbox[0].body
    assert not consent_active(purpose=ConsentPurpose.NEWSLETTER, subject=subscriber)


def test_confirm_link_confirms_on_post_only_and_records_consent(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client)
    link = _path(_link(mailoutbox[0].body, "confirm"))
    page = client.get(link)
    assert page.status_code == 200
    assert Subscriber.objects.get().state == SubscriberState.PENDING  # a link scanner's GET
    response = client.post(link)
    assert response.status_code == 200
    assert "You are subscribed" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.state == SubscriberState.CONFIRMED
    assert subscriber.confirmed_at is not None
    record = ConsentRecord.objects.get(subject=f"newsletter.Subscriber:{subscriber.pk}")
    assert (record.purpose, record.text_version, record.withdrawn_at) == ("newsletter", "1", None)
    # Confirming twice is harmless.
    assert client.post(link).status_code == 200
    assert ConsentRecord.objects.count() == 1


def test_confirm_link_expires_after_seven_days(client):
    subscriber = SubscriberFactory(state=SubscriberState.PENDING, confirmed_at=None)
    start = 1_767_268_800  # 2026-01-01 12:00 UTC
    week = 7 * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=start):
        token = tokens.confirm_token(subscriber.key)
    with mock.patch("django.core.signing.time.time", return_value=start + week - 60):
        assert tokens.key_from_confirm_token(token) == subscriber.key
    with mock.patch("django.core.signing.time.time", return_value=start + week + 60):
        with pytest.raises(tokens.ExpiredToken):
            services.confirm(token=token)
        response = Client().post(reverse("newsletter:confirm", kwargs={"token": token}))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.PENDING


def test_tampered_or_foreign_tokens_are_refused(client):
    subscriber = SubscriberFactory()
    manage = tokens.manage_token(subscriber.key)
    forged = manage[:-2] + ("AA" if not manage.endswith("AA") else "BB")
    for name, token in [
        ("newsletter:confirm", forged),
        ("newsletter:preferences", forged),
        ("newsletter:unsubscribe", forged),
        # A preferences token is not a confirmation token (different salt), nor the reverse.
        ("newsletter:confirm", manage),
        ("newsletter:preferences", tokens.confirm_token(subscriber.key)),
    ]:
        assert client.get(reverse(name, kwargs={"token": token})).status_code == 404
    assert (
        client.post(reverse("newsletter:unsubscribe", kwargs={"token": forged})).status_code == 404
    )
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.CONFIRMED


def test_resubscribing_gives_the_same_answer_and_no_duplicate(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed = SubscriberFactory(email="known@city.test")
    with django_capture_on_commit_callbacks(execute=True):
        known = _sign_up(client, email="KNOWN@city.test", topics=("awards",), language="ko")
        unknown = _sign_up(client, email="new@city.test", topics=("awards",), language="ko")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert Subscriber.objects.filter(email="known@city.test").count() == 1
    confirmed.refresh_from_db()
    # A stranger cannot change a confirmed subscriber's choices by signing up again.
    assert confirmed.language == "en"
    assert confirmed.state == SubscriberState.CONFIRMED
    to_known = [m for m in mailoutbox if m.to == ["known@city.test"]]
    assert len(to_known) == 1
    assert "/newsletter/preferences/" in to_known[0].body
    assert "/newsletter/confirm/" not in to_known[0].body


def test_pending_address_signing_up_again_gets_a_new_link_not_a_second_row(
    mailoutbox, django_capture_on_commit_callbacks, topics
):
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe(email="a@city.test", topics=[topics["news"]], language="en")
        services.subscribe(email="A@city.test", topics=[topics["events"]], language="fr")
    subscriber = Subscriber.objects.get()
    assert (subscriber.language, [t.slug for t in subscriber.topics.all()]) == ("fr", ["events"])
    assert len(mailoutbox) == 2
    assert Notification.objects.filter(kind="newsletter.confirm").count() == 2


def test_confirmation_is_written_in_the_chosen_language(
    mailoutbox, django_capture_on_commit_callbacks, topics
):
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe(email="seoul@city.test", topics=[topics["news"]], language="ko")
    assert mailoutbox[0].subject == "WeGO 뉴스레터 구독을 확인해 주세요"
    assert "/ko/newsletter/confirm/" in mailoutbox[0].body


def test_member_gets_the_address_prefilled_and_the_subscription_linked(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory(email="member@seoul.test")
    client.force_login(member)
    page = client.get(reverse("newsletter:subscribe"))
    assert page.context["form"].initial["email"] == "member@seoul.test"
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, email="member@seoul.test")
    assert Subscriber.objects.get().user == member


def test_sign_up_form_explains_every_error(client):
    response = client.post(reverse("newsletter:subscribe"), {"email": "not-an-address"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "topics", "language", "consent"}
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Choose at least one topic." in body
    assert Subscriber.objects.count() == 0


def test_sign_up_is_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "newsletter": "2/h/key"}
    for _ in range(2):
        assert _sign_up(client, email="flood@city.test").status_code == 302
    refused = _sign_up(client, email="flood@city.test")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert Notification.objects.filter(kind="newsletter.confirm").count() == 2


def test_preferences_page_changes_topics_and_language_without_login(client, topics):
    subscriber = SubscriberFactory(topics=[topics["news"]])
    url = reverse("newsletter:preferences", kwargs={"token": tokens.manage_token(subscriber.key)})
    assert client.get(url).status_code == 200
    response = client.post(url, {"topics": [topics["awards"].pk], "language": "ar"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.language == "ar"
    assert [t.slug for t in subscriber.topics.all()] == ["awards"]
    invalid = client.post(url, {"topics": [], "language": "xx"})
    assert set(invalid.context["form"].errors) == {"topics", "language"}


def test_unsubscribe_get_asks_and_post_without_session_or_csrf_unsubscribes(topics):
    subscriber = SubscriberFactory(topics=[topics["news"]])
    from privacy.services import consent_give

    consent_give(purpose=ConsentPurpose.NEWSLETTER, subject=subscriber)
    url = reverse("newsletter:unsubscribe", kwargs={"token": tokens.manage_token(subscriber.key)})
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.CONFIRMED  # a link scanner unsubscribes no one
    response = client.post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.UNSUBSCRIBED
    assert not consent_active(purpose=ConsentPurpose.NEWSLETTER, subject=subscriber)
    # Again: still unsubscribed, still fine.
    assert client.post(url).status_code == 200


def test_preferences_form_still_needs_csrf(topics):
    subscriber = SubscriberFactory(topics=[topics["news"]])
    url = reverse("newsletter:preferences", kwargs={"token": tokens.manage_token(subscriber.key)})
    response = Client(enforce_csrf_checks=True).post(
        url, {"topics": [topics["awards"].pk], "language": "ko"}
    )
    assert response.status_code == 403


def test_old_confirmation_link_does_not_resubscribe_after_unsubscribing(topics):
    subscriber = SubscriberFactory(state=SubscriberState.PENDING, topics=[topics["news"]])
    token = tokens.confirm_token(subscriber.key)
    services.confirm(token=token)
    services.unsubscribe(subscriber=subscriber)
    with pytest.raises(tokens.BadToken):
        services.confirm(token=token)


def test_tokens_are_signed_with_the_secret_key(settings):
    subscriber = SubscriberFactory()
    token = tokens.manage_token(subscriber.key)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(tokens.BadToken):
        tokens.key_from_manage_token(token)
    assert isinstance(signing.Signer(salt=tokens.MANAGE_SALT).sign("a"), str)


def test_confirm_validity_is_shown_on_the_pages(client):
    page = client.get(reverse("newsletter:subscribe"))
    assert "valid for 7 days" in page.content.decode()
    assert timedelta(days=7) == tokens.confirm_validity()
