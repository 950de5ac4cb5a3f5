"""The member portal's "My event registrations": status, cancelling, the personal feed."""

import pytest
from django.urls import reverse

from events.enums import RegistrationStatus
from events.models import CalendarFeedToken
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, EventRegistrationFactory, in_days

pytestmark = pytest.mark.django_db

MINE = reverse("events:my_registrations")


def cancel_url(registration) -> str:
    return reverse("events:cancel_registration", args=[registration.pk])


def test_my_registrations_lists_mine_with_status_and_waitlist(member_client, member):
    soon = EventFactory(title="Soon", starts_at=in_days(3), open_registration=True)
    full = EventFactory(title="Full", starts_at=in_days(5), open_registration=True)
    past = EventFactory(title="Last year", starts_at=in_days(-300))
    EventRegistrationFactory(event=soon, user=member, email=member.email)
    EventRegistrationFactory(
        event=full, user=member, email=member.email, status=RegistrationStatus.WAITLISTED
    )
    EventRegistrationFactory(event=past, user=member, email=member.email)
    # Registered as a visitor with the same (verified) address before having an account:
    visitor_made = EventFactory(title="As a visitor", starts_at=in_days(8))
    EventRegistrationFactory(event=visitor_made, email=member.email.upper())
    EventRegistrationFactory(event=EventFactory(title="Not mine"), user=UserFactory())

    response = member_client.get(MINE)

    html = response.content.decode()
    assert [r.event.title for r in response.context["upcoming"]] == [
        "Soon",
        "Full",
        "As a visitor",
    ]
    assert [r.event.title for r in response.context["past"]] == ["Last year"]
    assert "On the waitlist" in html
    assert "Not mine" not in html


def test_my_registrations_needs_a_login(client):
    response = client.get(MINE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_i_cancel_my_registration_after_confirming(member_client, member):
    event = EventFactory(open_registration=True, capacity=1)
    mine = EventRegistrationFactory(event=event, user=member, email=member.email)
    waiting = EventRegistrationFactory(event=event, status="waitlisted", confirmed_at=None)

    asked = member_client.get(cancel_url(mine))
    response = member_client.post(cancel_url(mine), follow=True)

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert "Yes, cancel my registration" in asked.content.decode()
    assert (mine.status, waiting.status) == ("cancelled", "confirmed")
    assert f"Your registration for {event.title} is cancelled." in response.content.decode()


def test_someone_elses_registration_cannot_be_cancelled_or_seen(member_client):
    theirs = EventRegistrationFactory(user=UserFactory(), email="someone@else.test")

    page = member_client.get(cancel_url(theirs))
    post = member_client.post(cancel_url(theirs))

    theirs.refresh_from_db()
    assert (page.status_code, post.status_code) == (404, 404)
    assert theirs.status == RegistrationStatus.CONFIRMED


def test_a_visitors_registration_is_not_anyones_in_the_portal(member_client):
    visitor = EventRegistrationFactory(email="visitor@else.test")

    assert member_client.post(cancel_url(visitor)).status_code == 404


def test_a_missing_registration_is_not_found(member_client):
    assert member_client.get(reverse("events:cancel_registration", args=[99999])).status_code == 404


def test_i_create_and_replace_my_personal_calendar_address(member_client, member):
    member_client.post(reverse("events:feed_token"))
    first = CalendarFeedToken.objects.get(user=member).token
    page = member_client.get(MINE).content.decode()

    member_client.post(reverse("events:feed_token"), {"reset": "1"})

    second = CalendarFeedToken.objects.get(user=member).token
    assert f"/events/feeds/{first}.ics" in page
    assert f"webcal://testserver/events/feeds/{first}.ics" in page
    assert second != first
