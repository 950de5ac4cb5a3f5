from datetime import timedelta

import factory
from django.utils import timezone

from notifications.enums import NotificationState
from notifications.models import Notification, NotificationPreference
from tests.factories.accounts import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """An outbox row as ``notification_create`` would leave it, without rendering templates."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    to_email = factory.LazyAttribute(lambda o: o.recipient.email if o.recipient else "")
    kind = "general.message"
    subject = factory.Sequence(lambda n: f"Message {n}")
    body_text = "Hello,\n\nA message from the secretariat.\n"
    body_html = "<p>Hello,</p><p>A message from the secretariat.</p>"
    message = factory.LazyAttribute(lambda o: o.subject)
    url = ""
    email = True
    state = NotificationState.QUEUED
    idempotency_key = factory.Sequence(lambda n: f"test-notification-{n}")
    created_at = factory.LazyFunction(timezone.now)
    # As notification_create leaves it: the sweeper republishes it if its task is lost.
    next_attempt_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(minutes=2))


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = "general.message"
    email_enabled = False
