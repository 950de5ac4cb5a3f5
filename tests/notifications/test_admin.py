import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from notifications.enums import NotificationState
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_notification_changelist")


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_outbox_list_shows_readable_states(admin_client):
    NotificationFactory(to_email="mayor@seoul.test", state=NotificationState.FAILED)

    response = admin_client.get(CHANGELIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert "mayor@seoul.test" in html
    assert '<span class="notification-state notification-state--failed">Failed</span>' in html
    assert "Messages from the secretariat" in html  # the kind's label
    assert "notifications/admin.css" in html


def test_outbox_list_filters_by_state_and_kind(admin_client):
    failed = NotificationFactory(state=NotificationState.FAILED)
    NotificationFactory(state=NotificationState.SENT)
    digest = NotificationFactory(kind="staff.digest", state=NotificationState.SENT)

    by_state = admin_client.get(CHANGELIST, {"state__exact": "failed"})
    by_kind = admin_client.get(CHANGELIST, {"kind": "staff.digest"})

    assert [n.pk for n in by_state.context["cl"].result_list] == [failed.pk]
    assert [n.pk for n in by_kind.context["cl"].result_list] == [digest.pk]


@pytest.mark.parametrize("term", ["visitor@example", "event-9-registration"])
def test_outbox_search_by_address_or_key(admin_client, term):
    match = NotificationFactory(
        recipient=None, to_email="visitor@example.org", idempotency_key="event-9-registration-3"
    )
    NotificationFactory(recipient=UserFactory(email="someone@city.test"))

    response = admin_client.get(CHANGELIST, {"q": term})

    assert [n.pk for n in response.context["cl"].result_list] == [match.pk]


def test_outbox_search_by_recipient_account_email(admin_client):
    match = NotificationFactory(recipient=UserFactory(email="officer@makati.test"), to_email="")
    NotificationFactory()

    response = admin_client.get(CHANGELIST, {"q": "makati"})

    assert [n.pk for n in response.context["cl"].result_list] == [match.pk]


def test_notifications_are_never_added_changed_or_deleted_by_hand(admin_client):
    notification = NotificationFactory()
    change_url = reverse("admin:notifications_notification_change", args=[notification.pk])

    add = admin_client.get(reverse("admin:notifications_notification_add"))
    change = admin_client.post(change_url, {"subject": "edited"})
    delete = admin_client.get(
        reverse("admin:notifications_notification_delete", args=[notification.pk])
    )

    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    notification.refresh_from_db()
    assert notification.subject != "edited"


def test_detail_shows_the_text_and_the_html_only_escaped_or_sandboxed(admin_client):
    notification = NotificationFactory(
        body_text="Hello <b>text</b>", body_html="<p>Hi</p><script>alert(1)</script>"
    )

    response = admin_client.get(
        reverse("admin:notifications_notification_change", args=[notification.pk])
    )

    html = response.content.decode()
    preview_url = reverse("admin:notifications_notification_preview", args=[notification.pk])
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;p&gt;Hi&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Hello &lt;b&gt;text&lt;/b&gt;" in html
    assert f'<iframe class="notification-preview" sandbox src="{preview_url}"' in html


def test_html_preview_is_served_under_a_strict_policy(admin_client):
    notification = NotificationFactory(body_html="<p>Hi</p><script>alert(1)</script>")

    response = admin_client.get(
        reverse("admin:notifications_notification_preview", args=[notification.pk])
    )

    assert response.status_code == 200
    assert response.content == b"<p>Hi</p><script>alert(1)</script>"
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; img-src data:; frame-ancestors 'self'"
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_html_preview_is_for_staff_only(client, user):
    notification = NotificationFactory(recipient=user)
    client.force_login(user)

    response = client.get(
        reverse("admin:notifications_notification_preview", args=[notification.pk])
    )

    assert response.status_code == 302
    assert "login" in response.url


def test_retry_action_asks_first_then_requeues_failed_rows(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(state=NotificationState.FAILED, last_error="SMTP 550")
    sent = NotificationFactory(state=NotificationState.SENT)
    data = {"action": "retry_sending", ACTION_CHECKBOX_NAME: [failed.pk, sent.pk]}

    confirmation = admin_client.post(CHANGELIST, data)
    failed.refresh_from_db()
    assert failed.state == NotificationState.FAILED
    assert "These 2 failed notifications" not in confirmation.content.decode()
    assert "This failed notification will be queued" in confirmation.content.decode()
    assert "1 selected notification has not failed" in confirmation.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(CHANGELIST, {**data, "post": "yes"}, follow=True)

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.state == NotificationState.SENT
    assert sent.state == NotificationState.SENT
    assert len(mailoutbox) == 1
    assert "1 notification is queued to be sent again." in response.content.decode()


def test_the_outbox_is_the_secretariats_whatever_the_model_permissions(client):
    """A Django model permission does not open the outbox: the back office asks the rules."""
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_notification", "change_notification"])
    )
    client.force_login(viewer)
    failed = NotificationFactory(state=NotificationState.FAILED)

    response = client.get(CHANGELIST)
    retry = client.post(
        CHANGELIST, {"action": "retry_sending", ACTION_CHECKBOX_NAME: [failed.pk], "post": "yes"}
    )

    assert response.status_code == 403
    assert retry.status_code == 403
    failed.refresh_from_db()
    assert failed.state == NotificationState.FAILED


@pytest.mark.parametrize("count", [2, 20])
def test_outbox_list_query_count_does_not_grow_with_rows(
    count, admin_client, django_assert_num_queries
):
    NotificationFactory.create_batch(count)
    admin_client.get(CHANGELIST)  # records the session's activity on first use

    # session, user; the table's size (PostgreSQL's estimate of a big table, else a count: one
    # query either way), the page (recipients joined); no second count of the whole table, no
    # date hierarchy (a scan of every row)
    with django_assert_num_queries(4):
        response = admin_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == count


def test_outbox_shows_each_rows_attempts_and_next_attempt(admin_client):
    deferred = NotificationFactory(
        to_email="greylisted@city.test",
        attempts=2,
        last_error="SMTPRecipientsRefused: 452 try again later",
        next_attempt_at=timezone.make_aware(datetime.datetime(2030, 5, 4, 3, 2)),
    )
    NotificationFactory(to_email="done@city.test", state=NotificationState.SENT, attempts=1)

    listing = admin_client.get(CHANGELIST).content.decode()
    detail = admin_client.get(
        reverse("admin:notifications_notification_change", args=[deferred.pk])
    ).content.decode()

    assert "column-next_attempt_column" in listing
    assert "Next attempt" in listing
    assert '<td class="field-attempts">2</td>' in listing
    assert "4 May 2030" in listing
    assert '<td class="field-next_attempt_column">—</td>' in listing  # the sent row
    assert "452 try again later" in detail
    assert "claim expires" in detail.lower()
