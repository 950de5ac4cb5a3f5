"""E-mails are rendered when they are sent, in the recipient's language at that moment."""

import datetime
import decimal
import re
from collections import namedtuple

import pytest
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from notifications.context import StaleContext, dump, dump_context, load
from notifications.digest import register_digest_provider
from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.services import notification_create, outbox_deliver, staff_digest_send
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ARABIC = re.compile(r"[\u0600-\u06ff]")


def t(code: str, text: str) -> str:
    with translation.override(code):
        return gettext(text)


# --- Keeping the context -----------------------------------------------------------------------


def test_context_keeps_objects_dates_and_translations_for_later(staff_user):
    Line = namedtuple("Line", "label count")
    context = {
        "user": staff_user,
        "on": datetime.date(2020, 11, 26),
        "at": datetime.datetime(2020, 11, 26, 9, 30, tzinfo=datetime.UTC),
        "amount": decimal.Decimal("1.50"),
        "label": gettext_lazy("Online"),
        "line": Line(gettext_lazy("Online"), 2),
        "people": [staff_user],
        "html": mark_safe("<b>bold</b>"),
        "nested": {"$t": "date", "v": "not a tag: the caller's own dict"},
    }

    stored = dump_context(context)
    with translation.override("ko"):
        loaded = load(stored)

    assert loaded["user"] == staff_user and loaded["people"] == [staff_user]
    assert loaded["on"] == datetime.date(2020, 11, 26)
    assert loaded["at"] == context["at"]
    assert loaded["amount"] == decimal.Decimal("1.50")
    assert loaded["label"] == t("ko", "Online") != "Online"
    assert loaded["line"] == {"label": t("ko", "Online"), "count": 2}
    assert isinstance(loaded["html"], SafeData)
    assert loaded["nested"] == {"$t": "date", "v": "not a tag: the caller's own dict"}


def test_context_refuses_what_it_cannot_keep_and_notices_deleted_objects(staff_user):
    with pytest.raises(TypeError):
        dump({"callback": print})
    with pytest.raises(TypeError):
        dump({"unsaved": UserFactory.build()})

    stored = dump({"user": staff_user})
    staff_user.delete()
    with pytest.raises(StaleContext):
        load(stored)


# --- Sent in the language of the moment ---------------------------------------------------------


def _message(mailoutbox, address):
    return next(m for m in mailoutbox if m.to == [address])


def test_a_language_changed_after_queueing_is_the_language_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="min@seoul.test", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notification_create(
            kind="account.security",
            recipient=user,
            context={"change": "password"},
            idempotency_key="security-1",
            url="/notifications/",
        )
    assert notification.language == "en" and not HANGUL.search(notification.subject)

    # Between queueing and delivery, the person switches to Korean.
    user.preferred_language = "ko"
    user.save()
    for callback in callbacks:
        callback()

    sent = _message(mailoutbox, "min@seoul.test")
    assert HANGUL.search(sent.subject)
    assert HANGUL.search(sent.body)
    row = Notification.objects.get(pk=notification.pk)
    assert row.state == NotificationState.SENT
    # The row keeps what went out, and no longer the context.
    assert (row.language, row.subject, row.body_text) == ("ko", sent.subject, sent.body)
    assert row.url == "/ko/notifications/"
    assert row.context is None


def test_a_visitor_gets_the_language_of_the_form_whatever_is_active_at_delivery(
    mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        translation.override("ar"),
    ):
        notification = notification_create(
            kind="general.message",
            to_email="leila@rabat.test",
            context={"title": gettext_lazy("Online"), "body": "…"},
            idempotency_key="visitor-1",
        )

    with translation.override("en"):
        for callback in callbacks:
            callback()

    sent = _message(mailoutbox, "leila@rabat.test")
    assert sent.subject == t("ar", "Online")
    assert ARABIC.search(sent.body)
    assert Notification.objects.get(pk=notification.pk).language == "ar"


def test_each_recipient_of_one_bulk_notification_reads_their_own_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.services import notification_create_bulk

    korean = UserFactory(email="ko@city.test", preferred_language="ko")
    english = UserFactory(email="en@city.test", preferred_language="en")
    turkish = UserFactory(email="tr@city.test", preferred_language="en")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_create_bulk(
            kind="general.message",
            recipients=[korean, english, turkish],
            context={"title": gettext_lazy("Online"), "body": "—"},
            idempotency_key="bulk-1",
        )
    turkish.preferred_language = "tr"
    turkish.save()
    for callback in callbacks:
        callback()

    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects == {
        "ko@city.test": t("ko", "Online"),
        "en@city.test": "Online",
        "tr@city.test": t("tr", "Online"),
    }


def test_a_row_whose_object_was_deleted_is_sent_as_created(mailoutbox, staff_user):
    other = UserFactory(full_name="Soon Gone")
    notification = notification_create(
        kind="general.message",
        recipient=staff_user,
        context={"title": "Board meeting", "body": "Hello", "sender": other},
        idempotency_key="stale-1",
    )
    other.delete()

    report = outbox_deliver(notification_ids=[notification.pk])

    assert report.sent == [notification.pk]
    assert mailoutbox[0].subject == "Board meeting"
    assert "Soon Gone" in mailoutbox[0].body


def test_a_context_that_cannot_be_kept_is_sent_as_rendered_when_created(mailoutbox, staff_user):
    class Opaque:
        def __str__(self):
            return "opaque value"

    notification = notification_create(
        kind="general.message",
        recipient=staff_user,
        context={"title": "Board meeting", "body": Opaque()},
        idempotency_key="opaque-1",
    )
    assert notification.context is None

    outbox_deliver(notification_ids=[notification.pk])

    assert "opaque value" in mailoutbox[0].body


def test_rows_created_before_contexts_were_kept_are_sent_unchanged(mailoutbox):
    row = NotificationFactory(subject="Old row", body_text="As stored.\n", context=None)

    outbox_deliver(notification_ids=[row.pk])

    assert (mailoutbox[0].subject, mailoutbox[0].body) == ("Old row", "As stored.\n")


def test_a_redelivered_task_sends_nothing_again_after_rendering(mailoutbox):
    user = UserFactory(preferred_language="ko")
    notification = notification_create(
        kind="account.security",
        recipient=user,
        context={"change": "password"},
        idempotency_key="security-twice",
    )

    first = outbox_deliver(notification_ids=[notification.pk])
    second = outbox_deliver(notification_ids=[notification.pk])

    assert first.sent == [notification.pk] and second.claimed == []
    assert len(mailoutbox) == 1


# --- The staff digest ---------------------------------------------------------------------------


@pytest.fixture
def digest_line(monkeypatch):
    from notifications import digest

    monkeypatch.setattr(digest, "_providers", {})

    @register_digest_provider(key="test.languages")
    def line(user):
        return [(gettext_lazy("Applications awaiting review"), 3, "/admin/programs/")]


def test_each_staff_member_gets_the_digest_in_their_language_at_delivery(
    digest_line, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="ko@wego.test", is_staff=True, preferred_language="ko")
    UserFactory(email="en@wego.test", is_staff=True, preferred_language="en")
    changes = UserFactory(email="ar@wego.test", is_staff=True, preferred_language="en")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert staff_digest_send(today=datetime.date(2026, 11, 27)) == 3
    changes.preferred_language = "ar"
    changes.save()
    for callback in callbacks:
        callback()

    def subject(code):
        with translation.override(code):
            return ngettext(
                "WeGO back office: %(count)s item needs attention",
                "WeGO back office: %(count)s items need attention",
                3,
            ) % {"count": 3}

    sent = {m.to[0]: m for m in mailoutbox}
    for address, code in (("ko@wego.test", "ko"), ("en@wego.test", "en"), ("ar@wego.test", "ar")):
        assert sent[address].subject == subject(code)
        assert t(code, "Applications awaiting review") in sent[address].body
        prefix = "" if code == "en" else f"/{code}"
        assert f"http://testserver{prefix}/admin/programs/" in sent[address].body
    assert HANGUL.search(sent["ko@wego.test"].subject)
    assert ARABIC.search(sent["ar@wego.test"].subject)
