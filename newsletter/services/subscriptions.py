"""Subscribing with double opt-in, confirming, preferences, unsubscribing, bounces.

Nothing but the confirmation link is ever sent to an address that has not confirmed. Every
answer to a sign-up is the same whether the address is new, waiting, subscribed or gone, so the
form cannot be used to learn who subscribes.
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from notifications.services import notification_create
from privacy.enums import ConsentPurpose
from privacy.services import consent_give, consent_withdraw
from wego_portal.links import absolute_url

from .. import tokens
from ..enums import SubscriberState
from ..models import Subscriber, Topic
from ..notification_kinds import CONFIRM

#: Permanent refusals in a row after which an address is marked as bouncing.
BOUNCE_LIMIT = 3


class NewsletterError(Exception):
    """An operation the subscription's state does not allow."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def bounce_limit() -> int:
    return getattr(settings, "NEWSLETTER_BOUNCE_LIMIT", BOUNCE_LIMIT)


def _page(name: str, token: str, language: str) -> str:
    with translation.override(language):
        return absolute_url(reverse(name, kwargs={"token": token}))


def confirm_url(subscriber: Subscriber) -> str:
    return _page("newsletter:confirm", tokens.confirm_token(subscriber.key), subscriber.language)


def manage_url(subscriber: Subscriber) -> str:
    return _page("newsletter:preferences", tokens.manage_token(subscriber.key), subscriber.language)


def unsubscribe_url(subscriber: Subscriber) -> str:
    return _page("newsletter:unsubscribe", tokens.manage_token(subscriber.key), subscriber.language)


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _send_confirmation(subscriber: Subscriber, *, already: bool) -> None:
    """The confirmation link, or (already subscribed) a link to the preferences page."""
    now = timezone.now()
    notification_create(
        kind=CONFIRM.key,
        to_email=subscriber.email,
        context={
            "already": already,
            "confirm_url": "" if already else confirm_url(subscriber),
            "manage_url": manage_url(subscriber) if already else "",
            "valid_days": tokens.confirm_validity().days,
        },
        idempotency_key=f"newsletter-confirm-{subscriber.pk}-{now.timestamp():.6f}",
        language=subscriber.language,
    )
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now)


@transaction.atomic
def subscribe(*, email: str, topics: Iterable[Topic], language: str, user=None) -> Subscriber:
    """Ask ``email`` to confirm a subscription to ``topics`` in ``language``.

    - a new address: a ``pending`` subscriber is stored and the confirmation link e-mailed;
    - an address waiting for confirmation, unsubscribed or bouncing: its choices are replaced,
      it is ``pending`` again and a new confirmation link goes out (the old ones still work
      until they expire);
    - an address already subscribed: nothing changes (only its owner may change choices, on
      the preferences page) and a message with the link to that page goes out.

    Never more than one row per address (unique, compared in lower case). The caller shows the
    same answer in every case. ``user`` (signed in, and this is their address) links the
    subscription to the account. Side effects: one e-mail in the outbox (after commit).
    """
    email = normalise_email(email)
    topics = list(topics)
    if not topics:
        raise NewsletterError("Choose at least one topic.")
    if language not in _languages():
        raise NewsletterError(f"Unknown language {language!r}.")
    owner = user if user is not None and normalise_email(user.email or "") == email else None
    subscriber, created = Subscriber.objects.select_for_update().get_or_create(
        email=email, defaults={"language": language, "user": owner}
    )
    if not created and subscriber.state == SubscriberState.CONFIRMED:
        _send_confirmation(subscriber, already=True)
        return subscriber
    subscriber.language = language
    subscriber.state = SubscriberState.PENDING
    subscriber.bounce_count = 0
    if owner is not None:
        subscriber.user = owner
    subscriber.save(update_fields=["language", "state", "bounce_count", "user"])
    subscriber.topics.set(topics)
    _send_confirmation(subscriber, already=False)
    return subscriber


def subscriber_for_manage_token(token: str) -> Subscriber:
    """The subscriber of a preferences/unsubscribe link; ``tokens.BadToken`` otherwise."""
    key = tokens.key_from_manage_token(token)
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        raise tokens.BadToken
    return subscriber


@transaction.atomic
def confirm(*, token: str) -> Subscriber:
    """Confirm the subscription of a confirmation link: ``pending`` → ``confirmed``.

    Raises ``tokens.ExpiredToken`` for a link older than ``tokens.confirm_validity()`` and
    ``tokens.BadToken`` for a link we did not make, or whose subscriber is gone or has left
    since (an old link must not subscribe again someone who unsubscribed). Confirming twice is
    harmless. Side effects: records the newsletter consent (``privacy``) in the current text
    version.
    """
    key = tokens.key_from_confirm_token(token)
    subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
    if subscriber is None:
        raise tokens.BadToken
    if subscriber.state == SubscriberState.CONFIRMED:
        return subscriber
    if subscriber.state != SubscriberState.PENDING:
        raise tokens.BadToken
    subscriber.state = SubscriberState.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.bounced_at = None
    subscriber.save(update_fields=["state", "confirmed_at", "unsubscribed_at", "bounced_at"])
    consent_give(purpose=ConsentPurpose.NEWSLETTER, subject=subscriber)
    return subscriber


@transaction.atomic
def update_preferences(
    *, subscriber: Subscriber, topics: Iterable[Topic], language: str
) -> Subscriber:
    """The subscriber's own choice of topics and language (from the preferences page).

    A confirmed subscriber stays subscribed; one who had unsubscribed is not subscribed again
    by this (they sign up again). Raises ``NewsletterError`` without a topic.
    """
    topics = list(topics)
    if not topics:
        raise NewsletterError("Choose at least one topic.")
    if language not in _languages():
        raise NewsletterError(f"Unknown language {language!r}.")
    subscriber.language = language
    subscriber.save(update_fields=["language"])
    subscriber.topics.set(topics)
    return subscriber


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Stop every issue to ``subscriber`` (idempotent; no login needed, the link is the proof).

    Side effects: withdraws the newsletter consent (``privacy``); issues already in the outbox
    for this address and not yet sent are not sent.
    """
    from notifications.enums import NotificationState
    from notifications.models import Notification

    from ..notification_kinds import ISSUE

    if subscriber.state != SubscriberState.UNSUBSCRIBED:
        subscriber.state = SubscriberState.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["state", "unsubscribed_at"])
    consent_withdraw(purpose=ConsentPurpose.NEWSLETTER, subject=subscriber)
    Notification.objects.filter(
        kind=ISSUE.key, to_email=subscriber.email, state=NotificationState.QUEUED
    ).update(
        state=NotificationState.FAILED,
        last_error="Not sent: the address unsubscribed.",
    )
    return subscriber


@transaction.atomic
def mark_bounced(*, subscriber: Subscriber) -> Subscriber:
    """Mark ``subscriber`` as bouncing: no issue goes to it until it subscribes again."""
    if subscriber.state != SubscriberState.BOUNCED:
        subscriber.state = SubscriberState.BOUNCED
        subscriber.bounced_at = timezone.now()
        subscriber.save(update_fields=["state", "bounced_at"])
    return subscriber


def _is_permanent_refusal(exc: BaseException) -> bool:
    """An SMTP 5xx for the address: the server says it will never take it."""
    import smtplib

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


@transaction.atomic
def delivery_outcomes(*, sent: Sequence, failed: Sequence[tuple]) -> None:
    """Count bounces from a delivery batch of issues (``notifications.kinds.listen_to_delivery``).

    A permanent SMTP refusal (5xx) adds one to the address's consecutive bounces; at
    ``bounce_limit()`` a subscribed address is marked ``bounced``. A delivered issue starts
    the count again. Two queries per batch at most for each outcome.
    """
    delivered = {normalise_email(row.to_email) for row in sent if row.to_email}
    if delivered:
        Subscriber.objects.filter(email__in=delivered, bounce_count__gt=0).update(bounce_count=0)
    refused = {
        normalise_email(row.to_email)
        for row, exc in failed
        if row.to_email and _is_permanent_refusal(exc)
    }
    if refused:
        Subscriber.objects.filter(email__in=refused).update(bounce_count=F("bounce_count") + 1)
        Subscriber.objects.filter(
            email__in=refused,
            bounce_count__gte=bounce_limit(),
            state=SubscriberState.CONFIRMED,
        ).update(state=SubscriberState.BOUNCED, bounced_at=timezone.now())
