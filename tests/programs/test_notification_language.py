"""Notifications are written in each recipient's language, subject included."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from notifications.models import Notification
from programs import services
from programs.enums import ApplicationKind

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_application_receipt_in_korean_for_a_korean_user_and_english_for_an_english_one(
    make_application,
    seoul_editor,
    seoul_colleague,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    seoul_editor.preferred_language = "ko"
    seoul_editor.save()
    application = make_application(kind=ApplicationKind.PROJECT_IMPLEMENTER)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, submitted_by=seoul_editor)

    sent = {m.to[0]: m for m in mailoutbox}
    words = {"ref": application.reference, "call": application.call.title}
    msgid = "We have received your application %(ref)s to %(call)s"
    with translation.override("ko"):
        korean_subject = gettext(msgid) % words
    english_subject = msgid % words
    assert HANGUL.search(korean_subject)
    assert sent["editor@seoul.test"].subject == korean_subject
    assert HANGUL.search(sent["editor@seoul.test"].body)
    assert sent["colleague@seoul.test"].subject == english_subject
    assert not HANGUL.search(sent["colleague@seoul.test"].body)
    languages = dict(
        Notification.objects.filter(kind="programs.application.submitted").values_list(
            "to_email", "language"
        )
    )
    assert languages == {"editor@seoul.test": "ko", "colleague@seoul.test": "en"}


def test_the_actors_language_does_not_leak_into_the_recipients_mail(
    make_application, seoul_editor, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(kind=ApplicationKind.PROJECT_IMPLEMENTER)

    with translation.override("ar"), django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, submitted_by=seoul_editor)

    receipt = next(m for m in mailoutbox if m.to == ["editor@seoul.test"])
    assert receipt.subject == (
        f"We have received your application {application.reference} to {application.call.title}"
    )
    assert "/ar/" not in receipt.body


def test_a_switch_to_korean_between_submission_and_delivery_is_honoured(
    make_application, seoul_editor, seoul_colleague, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(kind=ApplicationKind.PROJECT_IMPLEMENTER)

    # Queued while both read English; the e-mails are not sent yet.
    with django_capture_on_commit_callbacks(execute=False) as deliveries:
        services.application_submit(application=application, submitted_by=seoul_editor)
    queued = Notification.objects.get(
        kind="programs.application.submitted", to_email="editor@seoul.test"
    )
    assert queued.language == "en" and not HANGUL.search(queued.subject)

    seoul_editor.preferred_language = "ko"
    seoul_editor.save()
    for deliver in deliveries:
        deliver()

    sent = {m.to[0]: m for m in mailoutbox}
    assert HANGUL.search(sent["editor@seoul.test"].subject)
    assert HANGUL.search(sent["editor@seoul.test"].body)
    assert f"/ko/portal/applications/{application.pk}/" in sent["editor@seoul.test"].body
    assert not HANGUL.search(
        sent["colleague@seoul.test"].subject + sent["colleague@seoul.test"].body
    )
    queued.refresh_from_db()
    assert (queued.language, queued.subject) == ("ko", sent["editor@seoul.test"].subject)
