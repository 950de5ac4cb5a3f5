from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationPreference
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
PREFERENCES = reverse("notifications:preferences")


@pytest.fixture
def member_client(client, user):
    client.force_login(user)
    return client


def _notices(user, count, **kwargs):
    now = timezone.now()
    return [
        NotificationFactory(
            recipient=user, subject=f"Notice {i}", created_at=now - timedelta(minutes=i), **kwargs
        )
        for i in range(count)
    ]


# --- Inbox -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [INBOX, PREFERENCES, reverse("notifications:open", args=[1])],
)
def test_notification_pages_require_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_inbox_lists_the_users_own_notices_newest_first(member_client, user):
    older, newer = _notices(user, 2)[::-1]
    NotificationFactory(subject="Someone else's notice")

    response = member_client.get(INBOX)

    html = response.content.decode()
    assert response.status_code == 200
    assert [n.pk for n in response.context["notices"]] == [newer.pk, older.pk]
    assert "Someone else&#x27;s notice" not in html
    assert "2 notices" in html
    assert f'href="{reverse("notifications:open", args=[newer.pk])}"' in html
    assert "<title>Notices · WeGO Portal</title>" in html


def test_inbox_paginates_twenty_per_page(member_client, user):
    _notices(user, 25)

    first = member_client.get(INBOX)
    second = member_client.get(INBOX, {"page": 2})

    assert len(first.context["notices"]) == 20
    assert [n.subject for n in second.context["notices"]] == [f"Notice {i}" for i in range(20, 25)]
    assert "Page 2 of 2" in second.content.decode()
    assert 'href="?page=1" rel="prev"' in second.content.decode()


def test_inbox_filters_unread(member_client, user):
    unread, read = _notices(user, 2)
    read.read_at = timezone.now()
    read.save()

    response = member_client.get(INBOX, {"filter": "unread"})

    assert [n.pk for n in response.context["notices"]] == [unread.pk]
    assert "Unread (1)" in response.content.decode()


def test_inbox_without_notices_says_what_happens_next(member_client):
    response = member_client.get(INBOX)

    assert "You have no notices yet." in response.content.decode()


def test_header_shows_the_unread_count(member_client, user):
    _notices(user, 3)

    response = member_client.get(reverse("home"))

    html = response.content.decode()
    assert f'<a href="{INBOX}" class="bell">Notices' in html
    assert '<span class="badge" aria-label="3 unread">3</span>' in html


@pytest.mark.parametrize("count", [2, 20])
def test_inbox_query_count_does_not_grow_with_notices(
    count, member_client, user, django_assert_num_queries
):
    _notices(user, count)
    member_client.get(INBOX)  # records the session's activity and caches the unread count

    # session, user; inbox: paginator count, the page of notices
    with django_assert_num_queries(4):
        response = member_client.get(INBOX)

    assert len(response.context["notices"]) == count


# --- Opening and marking read --------------------------------------------------------------------


def test_opening_a_notice_marks_it_read_and_follows_its_link(member_client, user):
    notice = NotificationFactory(recipient=user, url="/events/42/")

    response = member_client.get(reverse("notifications:open", args=[notice.pk]))

    assert response.status_code == 302
    assert response.url == "/events/42/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opening_a_notice_without_link_shows_it(member_client, user):
    notice = NotificationFactory(recipient=user, body_text="Line one\n<b>two</b>")

    response = member_client.get(reverse("notifications:open", args=[notice.pk]))

    assert response.status_code == 200
    assert "<p>Line one<br>&lt;b&gt;two&lt;/b&gt;</p>" in response.content.decode()


def test_opening_a_notice_never_redirects_off_site(member_client, user):
    notice = NotificationFactory(recipient=user, url="https://evil.example/phish", body_text="Hi")

    response = member_client.get(reverse("notifications:open", args=[notice.pk]))

    # Shown on the site instead of followed, with no link to the foreign address; still read.
    assert response.status_code == 200
    assert response.templates[0].name == "notifications/notice_detail.html"
    assert "evil.example" not in response.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_users_notice_is_not_found(member_client):
    foreign = NotificationFactory()

    opened = member_client.get(reverse("notifications:open", args=[foreign.pk]))
    marked = member_client.post(reverse("notifications:read", args=[foreign.pk]))

    assert opened.status_code == 404
    assert marked.status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_mark_read_posts_and_returns_to_the_inbox_page(member_client, user):
    notice = NotificationFactory(recipient=user)

    response = member_client.post(
        reverse("notifications:read", args=[notice.pk]), {"next": f"{INBOX}?filter=unread"}
    )

    assert response.status_code == 302
    assert response.url == f"{INBOX}?filter=unread"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_read_ignores_an_off_site_next(member_client, user):
    notice = NotificationFactory(recipient=user)

    response = member_client.post(
        reverse("notifications:read", args=[notice.pk]), {"next": "https://evil.example/"}
    )

    assert response.url == INBOX


def test_mark_read_refuses_get(member_client, user):
    notice = NotificationFactory(recipient=user)

    response = member_client.get(reverse("notifications:read", args=[notice.pk]))

    assert response.status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_read_needs_the_csrf_token(user):
    notice = NotificationFactory(recipient=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(reverse("notifications:read", args=[notice.pk]))

    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read_marks_only_the_users_notices(member_client, user):
    _notices(user, 3)
    foreign = NotificationFactory()

    response = member_client.post(reverse("notifications:read_all"), follow=True)

    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=foreign.pk).read_at is None
    assert "All notices are marked as read." in response.content.decode()
    assert "Mark all as read" not in response.content.decode()


# --- Preferences -------------------------------------------------------------------------------


def test_preferences_offer_optional_kinds_and_name_mandatory_ones_once(member_client, user):
    NotificationPreferenceFactory(user=user, kind="general.message", email_enabled=False)

    response = member_client.get(PREFERENCES)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="kind_account__security"' not in html  # mandatory: no checkbox to untick
    assert '<input type="checkbox" name="kind_general__message" aria-describedby' in html
    assert 'id="id_kind_general__message">' in html  # switched off: not checked
    always = response.context["form"].always_sent
    assert "Account security" in always
    assert always.count("Invitation to the portal") == 1  # two kinds, one name
    assert "kinds of e-mail are always sent" in html
    assert "Daily staff digest" not in html  # staff-only kind
    assert response.context["form"]["kind_general__message"].value() is False


def test_staff_see_the_staff_only_kinds(client, staff_user):
    client.force_login(staff_user)

    response = client.get(PREFERENCES)

    assert "Daily staff digest" in response.content.decode()


def test_preferences_are_saved_and_mandatory_kinds_stay_on(member_client, user):
    response = member_client.post(PREFERENCES, {"kind_account__security": ""}, follow=True)

    assert response.redirect_chain == [(PREFERENCES, 302)]
    assert "Your e-mail preferences are saved." in response.content.decode()
    saved = dict(
        NotificationPreference.objects.filter(user=user).values_list("kind", "email_enabled")
    )
    assert saved["general.message"] is False
    assert "account.security" not in saved  # mandatory: never stored
    assert "staff.digest" not in saved  # not the member's to choose

    member_client.post(PREFERENCES, {"kind_general__message": "on"})

    assert NotificationPreference.objects.get(user=user, kind="general.message").email_enabled


def test_preferences_of_one_user_do_not_touch_another(member_client, user):
    other = UserFactory()

    member_client.post(PREFERENCES, {})

    assert not NotificationPreference.objects.filter(user=other).exists()
