"""Journey 5: an event fills up; a second person is waitlisted and promoted when the first
cancels."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.enums import RegistrationStatus
from events.models import EventRegistration
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.events import EventFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_out(page):
    page.goto("/")
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()


def test_a_full_event_waitlists_the_second_person_and_promotes_them_on_cancellation(page, sign_in):
    event = EventFactory(
        title="Smart Water Webinar", open_registration=True, capacity=1, waitlist_enabled=True
    )
    UserFactory(email="first@city.test", full_name="First Person")
    UserFactory(email="second@city.test", full_name="Second Person")

    # The first person takes the only place.
    sign_in("first@city.test", PASSWORD)
    page.goto(event.get_absolute_url())
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_contain_text("You are registered")

    # The event is full: the second person joins the waitlist.
    sign_out(page)
    sign_in("second@city.test", PASSWORD)
    page.goto(event.get_absolute_url())
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("status")).to_contain_text("waitlist")

    # The first person cancels from their registrations.
    sign_out(page)
    sign_in("first@city.test", PASSWORD)
    page.goto("/portal/events/")
    page.get_by_role("link", name="Cancel Smart Water Webinar").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()

    # The second person now has the place, and was told so once.
    sign_out(page)
    sign_in("second@city.test", PASSWORD)
    page.goto("/portal/events/")
    expect(page.get_by_role("row", name="Smart Water Webinar")).to_contain_text("Confirmed")
    statuses = dict(EventRegistration.objects.filter(event=event).values_list("email", "status"))
    assert statuses == {
        "first@city.test": RegistrationStatus.CANCELLED,
        "second@city.test": RegistrationStatus.CONFIRMED,
    }
    to_second = [m.subject for m in mail.outbox if m.to == ["second@city.test"]]
    assert len(to_second) == 2 and len(set(to_second)) == 2, to_second
