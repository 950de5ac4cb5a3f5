"""The events list at any size: pages read in index order, the list shared between people,
the same queries for 2 events and 20."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events import selectors
from events.enums import DatePrecision, When
from tests.factories.events import EventFactory, EventRegistrationFactory, in_days

pytestmark = pytest.mark.django_db

LIST = reverse("events:list")


def titles(response) -> list[str]:
    return [event.title for event in response.context["page"].object_list]


@pytest.mark.parametrize("count", [2, 20])
def test_past_list_signed_in_query_count_is_constant(
    client, user, count, django_assert_num_queries
):
    for n in range(count):
        event = EventFactory(starts_at=in_days(-n - 1), open_registration=True, capacity=5)
        EventRegistrationFactory(event=event)
    client.force_login(user)
    client.get(LIST, {"when": "past", "page": "2"})  # warm up: the session, the counts

    # the session and the user, the list's counts (cached), then the page's rows
    with django_assert_num_queries(3):
        response = client.get(LIST, {"when": "past"})
    assert len(response.context["page"].object_list) == count
    assert [event.confirmed_count for event in response.context["page"].object_list] == [1] * count

    # the same list again: shared by everyone for a minute, so only the session and the user
    with django_assert_num_queries(2):
        again = client.get(LIST, {"when": "past"})
    assert again.status_code == 200
    assert again.content.count(b'<li class="event-card') == count


def test_the_shared_list_carries_nothing_of_the_person(client, user, django_user_model):
    EventFactory(title="Open Data Webinar")
    other = django_user_model.objects.create_user(email="other@example.com", password="x")
    client.force_login(user)
    first = client.get(LIST)
    client.force_login(other)
    second = client.get(LIST)
    assert "Open Data Webinar" in second.content.decode()
    assert first.content.count(b"My event registrations") == 1
    assert b'name="csrfmiddlewaretoken"' not in second.content.split(b'class="layout-filter"')[1]


def test_past_list_leaves_out_an_event_still_running_and_orders_latest_first():
    now = timezone.now()
    running = EventFactory(title="Running", starts_at=now - datetime.timedelta(hours=1))
    ended = EventFactory(title="Ended", starts_at=now - datetime.timedelta(days=2))
    older = EventFactory(title="Older", starts_at=now - datetime.timedelta(days=20))
    past = list(selectors.events_in_period(selectors.public_events(), When.PAST))
    assert past == [ended, older]
    upcoming = list(selectors.events_in_period(selectors.public_events(), When.UPCOMING))
    assert upcoming == [running]


def test_upcoming_list_keeps_an_event_that_began_long_ago_and_is_not_over():
    now = timezone.now()
    year_round = EventFactory(
        title="All year",
        date_precision=DatePrecision.QUARTER_SPAN,
        starts_at=None,
        year=now.year - 1,
        quarter=1,
        quarter_end=4,
    )
    long_running = EventFactory(
        title="Long",
        starts_at=now - datetime.timedelta(days=200),
        ends_at=now + datetime.timedelta(days=30),
    )
    soon = EventFactory(title="Soon", starts_at=now + datetime.timedelta(days=3))
    upcoming = list(selectors.events_in_period(selectors.public_events(), When.UPCOMING))
    assert long_running in upcoming
    assert soon in upcoming
    assert year_round not in upcoming  # last year's
    assert selectors.upcoming_floor(now) <= long_running.sort_at


def test_upcoming_floor_is_recomputed_for_a_new_version_of_the_events():
    now = timezone.now()
    EventFactory(starts_at=now + datetime.timedelta(days=5))
    first = selectors.upcoming_floor(now)
    earlier = EventFactory(
        title="Running since spring",
        starts_at=now - datetime.timedelta(days=100),
        ends_at=now + datetime.timedelta(days=1),
    )
    assert selectors.upcoming_floor(now) == first  # cached for this version
    selectors.bump_events_list_version()  # what every write of an event does after commit
    assert selectors.upcoming_floor(now) <= earlier.sort_at
    upcoming = list(selectors.events_in_period(selectors.public_events(), When.UPCOMING))
    assert earlier in upcoming
