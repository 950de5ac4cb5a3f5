import pytest
from django.db import IntegrityError, transaction

from notifications.enums import NotificationState
from tests.factories.notifications import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db


def test_state_must_be_a_known_value():
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(state="lost")


def test_idempotency_key_is_unique():
    NotificationFactory(idempotency_key="application-42-status-submitted-user-7")

    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(idempotency_key="application-42-status-submitted-user-7")


def test_a_notification_needs_a_recipient_or_an_address():
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(recipient=None, to_email="")


@pytest.mark.parametrize(
    ("email", "state"),
    [(False, NotificationState.QUEUED), (True, NotificationState.SKIPPED)],
)
def test_skipped_exactly_when_no_email_is_due(email, state):
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(email=email, state=state)


def test_one_preference_per_user_and_kind():
    preference = NotificationPreferenceFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationPreferenceFactory(user=preference.user, kind=preference.kind)


def test_address_and_labels():
    notification = NotificationFactory(to_email="", kind="account.security")

    assert notification.address == notification.recipient.email
    assert notification.kind_label == "Account security"
    assert NotificationFactory(kind="gone.kind").kind_label == "gone.kind"
