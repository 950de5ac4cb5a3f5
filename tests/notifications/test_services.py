import smtplib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from notifications.enums import NotificationState
from notifications.kinds import UnknownNotificationKind
from notifications.models import Notification
from notifications.services import (
    BulkRecipient,
    NotificationError,
    _enqueue_delivery,
    notification_create,
    notification_create_bulk,
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
    notification_retry,
)
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db


def deliveries(callbacks) -> list:
    """The delivery tasks queued on commit (other callbacks, e.g. the unread-count cache's
    invalidation, are not deliveries)."""
    return [c for c in callbacks if getattr(c, "func", None) is _enqueue_delivery]


def _message(recipient, key="message-1", **context):
    return notification_create(
        kind="general.message",
        recipient=recipient,
        context={"title": "Board meeting", "body": "See you in Seoul.", **context},
        idempotency_key=key,
        url="/events/42/",
    )


def test_notification_create_renders_and_sends_after_commit(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _message(user)
        assert mailoutbox == []  # nothing leaves before the commit

    notification.refresh_from_db()
    assert len(deliveries(callbacks)) == 1
    assert notification.state == NotificationState.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert notification.subject == "Board meeting"
    assert notification.message == "Board meeting"
    assert notification.to_email == user.email
    assert notification.url == "/events/42/"
    assert [m.to for m in mailoutbox] == [[user.email]]
    sent = mailoutbox[0]
    assert sent.subject == "Board meeting"
    assert "See you in Seoul." in sent.body
    assert "http://testserver/events/42/" in sent.body
    assert sent.alternatives[0].mimetype == "text/html"
    assert "See you in Seoul." in sent.alternatives[0].content
    assert sent.extra_headers["X-WeGO-Notification"] == "message-1"
    headers = sent.message()
    assert headers["Message-ID"] == f"<notification-{notification.pk}@wego-cities.org>"
    assert headers["X-WeGO-Notification"] == "message-1"
    assert headers["Auto-Submitted"] == "auto-generated"


def test_notification_create_twice_with_one_key_is_a_no_op(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _message(user, key="application-42-status-submitted-user-7")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = _message(user, key="application-42-status-submitted-user-7", title="Changed")

    assert second.pk == first.pk
    assert second.subject == "Board meeting"
    assert deliveries(callbacks) == []
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_notification_create_rolled_back_sends_nothing(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _message(user)
        raise RuntimeError("the workflow failed")

    assert deliveries(callbacks) == []
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_notification_create_for_a_visitor_emails_without_a_notice(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_create(
            kind="general.message",
            to_email="visitor@example.org",
            context={"title": "Thank you for registering", "body": "See you."},
            idempotency_key="event-3-registration-9",
        )

    notification.refresh_from_db()
    assert notification.recipient is None
    assert notification.to_email == "visitor@example.org"
    assert notification.state == NotificationState.SENT
    assert [m.to for m in mailoutbox] == [["visitor@example.org"]]


def test_notification_create_about_an_object_stores_the_generic_link(user):
    other = UserFactory()

    notification = _message(user, key="about-1")
    linked = notification_create(
        kind="general.message",
        recipient=user,
        about=other,
        context={"title": "t", "body": "b"},
        idempotency_key="about-2",
    )

    assert notification.about is None
    assert Notification.objects.get(pk=linked.pk).about == other


def test_optional_kind_switched_off_creates_the_notice_but_no_email(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreferenceFactory(user=user, kind="general.message", email_enabled=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _message(user)

    assert deliveries(callbacks) == []
    assert notification.email is False
    assert notification.state == NotificationState.SKIPPED
    assert notification.read_at is None
    assert mailoutbox == []


def test_mandatory_kind_is_emailed_even_when_switched_off(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreferenceFactory(user=user, kind="account.security", email_enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_create(
            kind="account.security",
            recipient=user,
            context={"event": "Your password was changed."},
            idempotency_key=f"user-{user.pk}-password-changed-1",
        )

    notification.refresh_from_db()
    assert notification.email is True
    assert notification.state == NotificationState.SENT
    assert notification.message == "Security: Your password was changed."
    assert len(mailoutbox) == 1


def test_notification_create_refuses_an_unknown_kind(user):
    with pytest.raises(UnknownNotificationKind):
        notification_create(kind="nope", recipient=user, context={}, idempotency_key="k")


def test_notification_create_refuses_a_missing_recipient():
    with pytest.raises(ValueError, match="recipient"):
        notification_create(kind="general.message", context={}, idempotency_key="k")


def test_notification_create_refuses_a_staff_only_kind_for_a_member(user):
    with pytest.raises(ValueError, match="staff"):
        notification_create(
            kind="staff.digest", recipient=user, context={"items": []}, idempotency_key="k"
        )


def test_notification_create_inside_an_outer_transaction_keeps_it_usable(user):
    with transaction.atomic():
        first = _message(user, key="same")
        again = _message(user, key="same")
        later = _message(user, key="other")

    assert again.pk == first.pk
    assert Notification.objects.filter(pk__in=[first.pk, later.pk]).count() == 2


# --- HTML escaping -----------------------------------------------------------------------------


def test_user_text_is_escaped_in_the_html_email_but_not_in_the_text_email(user):
    notification = notification_create(
        kind="general.message",
        recipient=user,
        context={
            "title": "R&D <b>day</b>",
            "body": '<script>alert("x")</script> Smith & Sons <img src=x onerror=y>',
        },
        idempotency_key="escape-1",
    )

    html = notification.body_html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=y&gt;" in html
    assert "<h1>R&amp;D &lt;b&gt;day&lt;/b&gt;</h1>" in html
    assert '<script>alert("x")</script> Smith & Sons' in notification.body_text
    assert notification.subject == "R&D <b>day</b>"


def test_kind_without_html_template_is_wrapped_in_the_layout_escaped(user, plain_kind):
    notification = notification_create(
        kind=plain_kind.key,
        recipient=user,
        context={"title": "Plain", "body": "<i>evil</i> & co"},
        idempotency_key="plain-1",
    )

    assert "<p>Plain text only:<br>&lt;i&gt;evil&lt;/i&gt; &amp; co</p>" in notification.body_html
    assert "<title>Plain</title>" in notification.body_html
    assert notification.body_text == "Plain text only:\n<i>evil</i> & co\n"


def test_html_email_turns_addresses_and_links_into_links_and_still_escapes(user, plain_kind):
    notification = notification_create(
        kind=plain_kind.key,
        recipient=user,
        context={
            "title": "Links",
            "body": "See https://portal.wego.test/events/ or write to ask@wego.test <b>now</b>",
        },
        idempotency_key="plain-links",
    )

    html = notification.body_html
    assert '<a href="https://portal.wego.test/events/" rel="nofollow">' in html
    assert '<a href="mailto:ask@wego.test">ask@wego.test</a>' in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html


# --- Bulk --------------------------------------------------------------------------------------


def test_bulk_create_makes_one_row_per_recipient_and_one_task_per_batch(
    mailoutbox, django_capture_on_commit_callbacks, scripted_mailer
):
    users = UserFactory.create_batch(5)
    NotificationPreferenceFactory(user=users[0], kind="general.message", email_enabled=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ids = notification_create_bulk(
            kind="general.message",
            recipients=[*users, "visitor@example.org", BulkRecipient(email="guest@example.org")],
            context={"title": "Reminder", "body": "Tomorrow at 10:00."},
            idempotency_key="event-7-reminder",
            batch_size=2,
        )

    rows = Notification.objects.filter(pk__in=ids)
    assert len(ids) == 7
    assert len(deliveries(callbacks)) == 3  # 6 e-mails in batches of 2
    assert rows.filter(state=NotificationState.SENT).count() == 6
    assert rows.get(recipient=users[0]).state == NotificationState.SKIPPED
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [u.email for u in users[1:]] + ["visitor@example.org", "guest@example.org"]
    )
    assert scripted_mailer.opened == 3  # one connection per batch
    assert set(rows.values_list("idempotency_key", flat=True)) >= {
        f"event-7-reminder-user-{users[1].pk}",
        "event-7-reminder-to-visitor@example.org",
    }


def test_bulk_create_again_creates_only_what_is_missing(
    mailoutbox, django_capture_on_commit_callbacks
):
    users = UserFactory.create_batch(3)
    context = {"title": "Reminder", "body": "Tomorrow."}
    with django_capture_on_commit_callbacks(execute=True):
        notification_create_bulk(
            kind="general.message", recipients=users[:2], context=context, idempotency_key="r"
        )

    with django_capture_on_commit_callbacks(execute=True):
        ids = notification_create_bulk(
            kind="general.message", recipients=users, context=context, idempotency_key="r"
        )

    assert len(ids) == 1
    assert Notification.objects.count() == 3
    assert len(mailoutbox) == 3


def test_bulk_create_renders_per_recipient_context(user):
    ids = notification_create_bulk(
        kind="general.message",
        recipients=[BulkRecipient(user=user, context={"body": "Your seat: 12A"})],
        context={"title": "Ticket", "body": "generic"},
        idempotency_key="tickets",
    )

    assert "Your seat: 12A" in Notification.objects.get(pk=ids[0]).body_text


# --- Reading -----------------------------------------------------------------------------------


def test_mark_read_marks_the_own_notice_once(user):
    notification = NotificationFactory(recipient=user)

    notification_mark_read(notification=notification, user=user)
    first_read = Notification.objects.get(pk=notification.pk).read_at
    notification_mark_read(notification=notification, user=user)

    assert first_read is not None
    assert Notification.objects.get(pk=notification.pk).read_at == first_read


def test_mark_read_refuses_another_users_notice(user):
    notification = NotificationFactory()

    with pytest.raises(PermissionDenied):
        notification_mark_read(notification=notification, user=user)
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read_touches_only_the_users_unread_notices(user):
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(recipient=user, read_at=timezone.now() - timedelta(days=1))
    someone_else = NotificationFactory()

    count = notification_mark_all_read(user=user)

    assert count == 3
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=someone_else.pk).read_at is None


def test_preferences_set_ignores_mandatory_and_foreign_kinds(user, optional_kind):
    notification_preferences_set(
        user=user,
        email_enabled={"test.optional": False, "account.security": False, "staff.digest": False},
    )

    assert dict(user.notification_preferences.values_list("kind", "email_enabled")) == {
        "test.optional": False
    }


# --- Retry -------------------------------------------------------------------------------------


def test_retry_requeues_a_failed_notification_and_sends_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    notification = NotificationFactory(
        state=NotificationState.FAILED, attempts=6, last_error="SMTPServerDisconnected: gone"
    )

    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification=notification)

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.attempts == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "state", [NotificationState.QUEUED, NotificationState.SENDING, NotificationState.SENT]
)
def test_retry_refuses_a_notification_that_has_not_failed(state, mailoutbox):
    notification = NotificationFactory(state=state)

    with pytest.raises(NotificationError):
        notification_retry(notification=notification)
    assert Notification.objects.get(pk=notification.pk).state == state


def test_transient_then_permanent_error_classification():
    from notifications.services import is_transient_error

    assert is_transient_error(smtplib.SMTPServerDisconnected("gone"))
    assert is_transient_error(smtplib.SMTPConnectError(421, b"busy"))
    assert is_transient_error(ConnectionRefusedError())
    assert is_transient_error(TimeoutError())
    assert is_transient_error(smtplib.SMTPDataError(451, b"try later"))
    assert is_transient_error(smtplib.SMTPRecipientsRefused({"a@b.c": (450, b"greylisted")}))
    assert not is_transient_error(smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"no user")}))
    assert not is_transient_error(smtplib.SMTPDataError(554, b"rejected"))
    assert not is_transient_error(smtplib.SMTPSenderRefused(553, b"no", "x@y.z"))
    assert not is_transient_error(ValueError("Invalid address"))
