"""The newsletter in the back office: preview, test send, send with progress, and refusals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletter.enums import IssueState, SubscriberState
from newsletter.models import Issue
from tests.factories.newsletter import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(topics):
    issue = IssueFactory(subject="May in the network", subject_ko="네트워크의 5월")
    issue.topics.set([topics["news"]])
    return issue


def test_preview_as_html_and_text_in_each_language(client, secretariat, issue):
    client.force_login(secretariat)
    url = reverse("admin:newsletter_issue_preview", args=[issue.pk])
    html = client.get(url, {"language": "ko", "format": "html"})
    assert html.status_code == 200
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert "sandbox" in html["Content-Security-Policy"]
    assert "네트워크의 5월" in html.content.decode()
    text = client.get(url, {"language": "en", "format": "text"})
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text.content.decode().startswith("May in the network\n")
    assert client.get(url, {"language": "xx"}).status_code == 404
    change = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk]))
    assert f"{url}?language=ar&amp;format=html" in change.content.decode()


def test_send_test_goes_to_the_officer(
    client, secretariat, issue, mailoutbox, django_capture_on_commit_callbacks
):
    SubscriberFactory(topics=list(issue.topics.all()))
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:newsletter_issue_send_test", args=[issue.pk]), {"language": "ko"}
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["officer@wego.test"]]
    assert mailoutbox[0].subject == "네트워크의 5월"


def test_send_asks_first_then_sends_and_shows_progress(
    client, secretariat, issue, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(3):
        SubscriberFactory(topics=list(issue.topics.all()))
    SubscriberFactory(topics=list(issue.topics.all()), state=SubscriberState.PENDING)
    client.force_login(secretariat)
    url = reverse("admin:newsletter_issue_send", args=[issue.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["count"] == 3
    assert "goes to 3 confirmed subscribers" in page.content.decode()
    assert Issue.objects.get().state == IssueState.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirmed": "yes"})
    issue.refresh_from_db()
    assert (issue.state, issue.recipients, issue.send_started_by) == (
        IssueState.SENT,
        3,
        secretariat,
    )
    assert len(mailoutbox) == 3
    change = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk]))
    body = change.content.decode()
    assert '<progress max="3" value="3"' in body
    assert "3 sent, 0 queued, 0 failed, of 3" in body
    # What was sent stays as sent: the form is read-only now.
    assert change.context["has_change_permission"] is False
    listing = client.get(reverse("admin:newsletter_issue_changelist"))
    assert "3 / 3" in listing.content.decode()


def test_regional_office_officer_may_not_compose_preview_or_send(
    client, office_officer, issue, mailoutbox, django_capture_on_commit_callbacks
):
    SubscriberFactory(topics=list(issue.topics.all()))
    client.force_login(office_officer)
    assert client.get(reverse("admin:newsletter_issue_changelist")).status_code == 403
    assert client.get(reverse("admin:newsletter_issue_add")).status_code == 403
    for name in ("send", "send_test", "preview", "resume"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse(f"admin:newsletter_issue_{name}", args=[issue.pk]),
                {"confirmed": "yes", "language": "en"},
            )
        assert response.status_code in (403, 404), name
    issue.refresh_from_db()
    assert issue.state == IssueState.DRAFT
    assert mailoutbox == []
    assert client.get(reverse("admin:newsletter_subscriber_changelist")).status_code == 403


@pytest.mark.parametrize("count", [2, 20])
def test_subscriber_list_is_filterable_searchable_and_paginated(client, secretariat, topics, count):
    for _index in range(count):
        SubscriberFactory(topics=[topics["news"], topics["events"]], language="ko")
    SubscriberFactory(email="bounce@city.test", state=SubscriberState.BOUNCED)
    client.force_login(secretariat)
    url = reverse("admin:newsletter_subscriber_changelist")
    response = client.get(url)
    assert response.status_code == 200
    bouncing = client.get(url, {"state": "bounced"})
    assert [s.email for s in bouncing.context["cl"].result_list] == ["bounce@city.test"]
    by_topic = client.get(url, {"topics__id__exact": topics["news"].pk, "language": "ko"})
    assert by_topic.context["cl"].result_count == count
    found = client.get(url, {"q": "bounce@"})
    assert found.context["cl"].result_count == 1


def test_subscriber_query_count_is_the_same_for_2_and_20(client, secretariat, topics):
    client.force_login(secretariat)
    url = reverse("admin:newsletter_subscriber_changelist")
    counts = []

    for total in (2, 20):
        SubscriberFactory.create_batch(total, topics=[topics["news"]])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_subscribers_export_and_unsubscribe_action(client, secretariat, topics):
    subscriber = SubscriberFactory(email="leave@city.test", topics=[topics["news"]])
    client.force_login(secretariat)
    url = reverse("admin:newsletter_subscriber_changelist")
    ask = client.post(url, {"action": "unsubscribe_selected", "_selected_action": [subscriber.pk]})
    assert ask.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.CONFIRMED
    client.post(
        url,
        {"action": "unsubscribe_selected", "_selected_action": [subscriber.pk], "confirmed": "yes"},
    )
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.UNSUBSCRIBED
    assert client.get(reverse("admin:newsletter_subscriber_export")).status_code == 200
