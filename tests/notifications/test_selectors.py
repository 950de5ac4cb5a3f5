import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from notifications.selectors import notices_for, unread_count_for
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db


def test_unread_count_is_one_query_over_the_users_unread_notices(user, django_assert_num_queries):
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(recipient=user, read_at=timezone.now())
    NotificationFactory()

    with django_assert_num_queries(1):
        count = unread_count_for(user)

    assert count == 3


def test_unread_count_for_anonymous_is_zero_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert unread_count_for(AnonymousUser()) == 0


def test_notices_for_is_scoped_to_the_user(user):
    own = NotificationFactory(recipient=user)
    NotificationFactory()
    visitor = NotificationFactory(recipient=None, to_email="visitor@example.org")

    assert list(notices_for(user)) == [own]
    assert visitor not in notices_for(user)
