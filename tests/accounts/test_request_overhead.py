"""A signed-in page view costs two queries of session and authentication and writes nothing;
the directory below the header costs none more once its fragment is cached."""

import pytest
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import services as notification_services
from tests.factories.members import OrganizationUserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seoul_editor():
    return OrganizationUserFactory().user


CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


def _queries(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_signed_in_page_view_reads_the_session_and_the_user_once_and_writes_nothing(
    client, seoul_editor
):
    client.force_login(seoul_editor)
    page = reverse("members:directory")
    client.get(page, HTTP_USER_AGENT=CHROME)  # the session's activity is recorded once

    queries = _queries(client, page, HTTP_USER_AGENT=CHROME)

    overhead = [
        sql
        for sql in queries
        if any(t in sql for t in ("django_session", "accounts_user", "usersessions", "notific"))
    ]
    assert len(overhead) == 2  # the session, the user; the header's unread count is cached
    assert len(queries) == 2  # and the list below the header is a cached fragment of the URL
    assert not [sql for sql in queries if sql.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert not [sql for sql in queries if "SAVEPOINT" in sql.upper()]


def test_the_session_list_still_learns_a_new_browser_at_once(client, seoul_editor):
    client.force_login(seoul_editor)
    client.get(reverse("members:directory"), HTTP_USER_AGENT=CHROME)
    assert UserSession.objects.get(user=seoul_editor).user_agent == CHROME

    client.get(reverse("members:directory"), HTTP_USER_AGENT=FIREFOX)

    assert UserSession.objects.get(user=seoul_editor).user_agent == FIREFOX


def test_activity_is_refreshed_once_the_interval_has_passed(client, seoul_editor):
    client.force_login(seoul_editor)
    client.get(reverse("members:directory"), HTTP_USER_AGENT=CHROME)
    first = UserSession.objects.get(user=seoul_editor).last_seen_at
    client.get(reverse("members:directory"), HTTP_USER_AGENT=CHROME)
    assert UserSession.objects.get(user=seoul_editor).last_seen_at == first  # within the interval

    cache.clear()  # the interval has passed: its marker expired
    client.get(reverse("members:directory"), HTTP_USER_AGENT=CHROME)

    assert UserSession.objects.get(user=seoul_editor).last_seen_at > first


def test_the_cached_unread_count_follows_new_and_read_notices(client, seoul_editor):
    client.force_login(seoul_editor)
    page = reverse("members:directory")
    NotificationFactory(recipient=seoul_editor, message="Already there")
    assert b'aria-label="1 unread"' in client.get(page).content

    notification_services.notification_create(
        kind="general.message",
        recipient=seoul_editor,
        context={"title": "Board meeting", "body": "Minutes are online."},
        idempotency_key="overhead-test-1",
    )
    assert b'aria-label="2 unread"' in client.get(page).content

    notification_services.notification_mark_all_read(user=seoul_editor)
    html = client.get(page).content
    assert b"unread" not in html.split(b"<main")[0]
