"""Sending an issue: targeting, languages, headers of the sent message, no duplicates,
constant queries per batch, and bounces."""

import email.policy
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter import services, tokens
from newsletter.enums import IssueState, SubscriberState
from newsletter.models import Issue
from newsletter.selectors import issue_progress
from newsletter.tasks import send_issue_task
from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.services import outbox_deliver
from tests.factories.events import EventFactory
from tests.factories.news import ArticleFactory
from tests.factories.newsletter import IssueFactory, SubscriberFactory
from tests.factories.programs import CallFactory

pytestmark = pytest.mark.django_db


def _send(issue, by, capture):
    with capture(execute=True):
        services.issue_send(issue=issue, by=by)
    issue.refresh_from_db()
    return issue


def test_issue_goes_once_to_each_confirmed_subscriber_of_its_topics(
    secretariat, topics, mailoutbox, django_capture_on_commit_callbacks
):
    news_reader = SubscriberFactory(email="news@city.test", topics=[topics["news"]])
    both = SubscriberFactory(email="both@city.test", topics=[topics["news"], topics["events"]])
    SubscriberFactory(email="events@city.test", topics=[topics["events"]])
    SubscriberFactory(
        email="pending@city.test", topics=[topics["news"]], state=SubscriberState.PENDING
    )
    SubscriberFactory(
        email="gone@city.test", topics=[topics["news"]], state=SubscriberState.UNSUBSCRIBED
    )
    SubscriberFactory(
        email="bouncing@city.test", topics=[topics["news"]], state=SubscriberState.BOUNCED
    )
    issue = IssueFactory()
    issue.topics.set([topics["news"]])
    issue = _send(issue, secretariat, django_capture_on_commit_callbacks)
    assert issue.state == IssueState.SENT
    assert issue.recipients == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([news_reader.email, both.email])
    progress = issue_progress(issue)
    assert (progress.total, progress.sent, progress.queued, progress.failed) == (2, 2, 0, 0)
    assert progress.percent == 100


def test_issue_without_topics_goes_to_every_confirmed_subscriber(
    secretariat, topics, mailoutbox, django_capture_on_commit_callbacks
):
    SubscriberFactory(topics=[topics["awards"]])
    SubscriberFactory(topics=[topics["calls"]])
    _send(IssueFactory(), secretariat, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2


def test_sent_message_carries_one_click_unsubscribe_headers_and_request_id(
    secretariat, topics, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(topics=[topics["news"]])
    _send(IssueFactory(), secretariat, django_capture_on_commit_callbacks)
    message = mailoutbox[0].message()
    token = tokens.manage_token(subscriber.key)
    assert message["List-Unsubscribe"] == (
        f"<http://testserver/newsletter/unsubscribe/{token}/>"
        if message["List-Unsubscribe"].startswith("<http://testserver")
        else message["List-Unsubscribe"]
    )
    assert f"/newsletter/unsubscribe/{token}/>" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe"].startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire (the SMTP mailer's policy): one plain line, not folded into encoded words.
    wire = mailoutbox[0].message(policy=email.policy.SMTP).as_bytes().decode()
    assert f"List-Unsubscribe: <{services.unsubscribe_url(subscriber)}>\r\n" in wire
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in wire
    assert "=?utf-8?" not in wire
    assert message["Message-ID"].startswith("<notification-")
    assert message["X-Request-ID"]
    body = mailoutbox[0].body
    assert f"/newsletter/preferences/{token}/" in body
    assert f"/newsletter/unsubscribe/{token}/" in body
    html = mailoutbox[0].alternatives[0][0]
    assert f"/newsletter/unsubscribe/{token}/" in html
    assert "__newsletter" not in body + html


def test_mailto_is_added_when_a_mailbox_is_set(settings):
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "unsubscribe@wego.test"
    headers = services.list_unsubscribe_headers("https://portal.test/newsletter/unsubscribe/t/")
    assert headers["List-Unsubscribe"] == (
        "<https://portal.test/newsletter/unsubscribe/t/>, "
        "<mailto:unsubscribe@wego.test?subject=unsubscribe>"
    )


def test_korean_subscriber_receives_korean_and_english_subscriber_english(
    secretariat, topics, mailoutbox, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="seoul@city.test", language="ko", topics=[topics["news"]])
    SubscriberFactory(email="paris@city.test", language="en", topics=[topics["news"]])
    issue = IssueFactory(
        subject="Newsletter of May", subject_ko="5월 뉴스레터", intro="Hello", intro_ko="안녕하세요"
    )
    _send(issue, secretariat, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mailoutbox}
    korean = by_address["seoul@city.test"]
    assert korean.subject == "5월 뉴스레터"
    assert "안녕하세요" in korean.body
    assert "/ko/newsletter/unsubscribe/" in korean.body
    assert by_address["paris@city.test"].subject == "Newsletter of May"
    assert Notification.objects.get(to_email="seoul@city.test").language == "ko"


def test_issue_lists_its_published_articles_events_and_calls_with_links(
    secretariat, topics, mailoutbox, django_capture_on_commit_callbacks
):
    SubscriberFactory(topics=[topics["news"]])
    article = ArticleFactory(published=True, title="WeGO turns ten")
    draft = ArticleFactory(title="Not yet public")
    event = EventFactory(title="Smart City Webinar on data")
    call = CallFactory(title="Project Implementer 2026")
    issue = IssueFactory()
    issue.articles.set([article, draft])
    issue.events.set([event])
    issue.calls.set([call])
    _send(issue, secretariat, django_capture_on_commit_callbacks)
    body = mailoutbox[0].body
    assert "WeGO turns ten" in body and f"/news/{article.slug}/" in body
    assert "Not yet public" not in body
    assert "Smart City Webinar on data" in body
    assert "Project Implementer 2026" in body


def test_running_the_send_task_twice_creates_no_duplicate(
    secretariat, topics, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(5):
        SubscriberFactory(topics=[topics["news"]])
    issue = IssueFactory()
    with django_capture_on_commit_callbacks(execute=False):
        services.issue_send(issue=issue, by=secretariat)
    # The task ran, died after the rows were made, and runs again (redelivery or resume).
    Issue.objects.filter(pk=issue.pk).update(state=IssueState.SENDING)
    with django_capture_on_commit_callbacks(execute=True):
        send_issue_task(issue.pk)
    Issue.objects.filter(pk=issue.pk).update(state=IssueState.SENDING)
    with django_capture_on_commit_callbacks(execute=True):
        send_issue_task(issue.pk)
    assert Notification.objects.filter(object_id=issue.pk, kind="newsletter.issue").count() == 5
    assert len(mailoutbox) == 5
    assert len({m.to[0] for m in mailoutbox}) == 5


def test_an_interrupted_send_resumes_with_the_missing_rows_only(
    secretariat, topics, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(7):
        SubscriberFactory(topics=[topics["news"]])
    issue = IssueFactory()
    Issue.objects.filter(pk=issue.pk).update(state=IssueState.SENDING)
    issue.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        last = services.issue_enqueue(issue=issue, topic_ids=[], batch_size=3)
    assert len(mailoutbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_resume(issue=issue, by=secretariat)
    assert last is not None
    assert len(mailoutbox) == 7
    assert len({m.to[0] for m in mailoutbox}) == 7
    issue.refresh_from_db()
    assert (issue.state, issue.recipients) == (IssueState.SENT, 7)


def test_an_issue_is_sent_only_once(secretariat, django_capture_on_commit_callbacks):
    issue = _send(IssueFactory(), secretariat, django_capture_on_commit_callbacks)
    with pytest.raises(services.NewsletterError):
        services.issue_send(issue=issue, by=secretariat)


def test_regional_office_officer_may_not_send_or_test(office_officer, topics):
    issue = IssueFactory()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.issue_send(issue=issue, by=office_officer)
    with pytest.raises(PermissionDenied):
        services.issue_send_test(issue=issue, by=office_officer, language="en")
    issue.refresh_from_db()
    assert issue.state == IssueState.DRAFT


def test_send_test_goes_to_the_officer_only_in_the_chosen_language(
    secretariat, topics, mailoutbox, django_capture_on_commit_callbacks
):
    SubscriberFactory(topics=[topics["news"]])
    issue = IssueFactory(subject="Issue", subject_fr="Numéro")
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_send_test(issue=issue, by=secretariat, language="fr")
    assert [m.to for m in mailoutbox] == [["officer@wego.test"]]
    assert mailoutbox[0].subject == "Numéro"
    assert mailoutbox[0].message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    issue.refresh_from_db()
    assert issue.state == IssueState.DRAFT
    assert issue_progress(issue).total == 0


@pytest.mark.parametrize("batch", [2, 20])
def test_enqueueing_a_batch_takes_a_constant_number_of_queries(
    batch, secretariat, topics, django_capture_on_commit_callbacks
):
    for index in range(batch):
        SubscriberFactory(topics=[topics["news"]], language=["en", "ko"][index % 2])
    issue = IssueFactory()
    Issue.objects.filter(pk=issue.pk).update(state=IssueState.SENDING)
    issue.refresh_from_db()
    renderings = services.issues._Renderings(issue)
    renderings.get("en"), renderings.get("ko")
    with (
        django_capture_on_commit_callbacks(execute=False),
        CaptureQueriesContext(connection) as queries,
    ):
        services.issue_enqueue(
            issue=issue, topic_ids=[topics["news"].pk], batch_size=batch, renderings=renderings
        )
    # subscribers, existing rows, insert, new ids (+ savepoint and content type lookups)
    assert len(queries) == 6, [q["sql"][:80] for q in queries]


def _refuse(code: int):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (code, b"No such user")})

    return mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", send_messages)


def test_three_permanent_refusals_in_a_row_mark_the_address_bouncing(
    secretariat, topics, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(email="gone@nowhere.test", topics=[topics["news"]])
    for round_ in range(3):
        issue = IssueFactory()
        with _refuse(550):
            _send(issue, secretariat, django_capture_on_commit_callbacks)
        subscriber.refresh_from_db()
        assert subscriber.bounce_count == round_ + 1
        row = Notification.objects.get(object_id=issue.pk, kind="newsletter.issue")
        assert row.state == NotificationState.FAILED
    assert subscriber.state == SubscriberState.BOUNCED
    assert subscriber.bounced_at is not None
    # Excluded from the next issue.
    issue = _send(IssueFactory(), secretariat, django_capture_on_commit_callbacks)
    assert issue.recipients == 0


def test_a_delivered_issue_resets_the_bounce_count_and_4xx_is_no_bounce(
    secretariat, topics, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(topics=[topics["news"]], bounce_count=2)
    with _refuse(450):
        _send(IssueFactory(), secretariat, django_capture_on_commit_callbacks)
    subscriber.refresh_from_db()
    assert (subscriber.bounce_count, subscriber.state) == (2, SubscriberState.CONFIRMED)
    mail.outbox = []
    _send(IssueFactory(), secretariat, django_capture_on_commit_callbacks)
    subscriber.refresh_from_db()
    assert subscriber.bounce_count == 0


def test_unsubscribing_stops_rows_still_queued(
    secretariat, topics, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(topics=[topics["news"]])
    issue = IssueFactory()
    with django_capture_on_commit_callbacks(execute=False):
        services.issue_send(issue=issue, by=secretariat)
    Issue.objects.filter(pk=issue.pk).update(state=IssueState.SENDING)
    with django_capture_on_commit_callbacks(execute=False):
        send_issue_task(issue.pk)
    services.unsubscribe(subscriber=subscriber)
    row = Notification.objects.get(object_id=issue.pk, kind="newsletter.issue")
    assert row.state == NotificationState.FAILED
    assert outbox_deliver(notification_ids=[row.pk]).sent == []
