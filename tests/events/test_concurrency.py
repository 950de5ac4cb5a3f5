"""Places are never overbooked, even when people register or cancel at the same instant.

These tests start real threads, each with its own database connection and transaction, and
release them together. They need PostgreSQL: its row locks (``SELECT … FOR UPDATE``) are what
serialise the registrations of one event. SQLite has no row locks (it locks the whole file), so
there the tests are skipped with that reason; CI runs them on PostgreSQL.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection

from events import services
from events.enums import RegistrationStatus
from events.models import EventRegistration
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.USING_POSTGRES, reason="needs PostgreSQL's row locks (CI runs it there)"
    ),
]


def run_together(actions) -> list:
    """Run each action in its own thread, all released at once; return errors raised."""
    barrier = threading.Barrier(len(actions))
    errors: list = []

    def worker(action):
        try:
            barrier.wait(timeout=10)
            action()
        except Exception as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def counts(event) -> dict[str, int]:
    rows = EventRegistration.objects.filter(event=event).values_list("status", flat=True)
    return {status: list(rows).count(status) for status in set(rows)}


def test_concurrent_registrations_for_the_last_places_never_overbook():
    event = EventFactory(open_registration=True, capacity=3)
    people = [UserFactory() for _ in range(12)]

    errors = run_together(
        [
            (lambda person=person: services.registration_create_for_user(event=event, user=person))
            for person in people
        ]
    )

    assert errors == []
    assert counts(event) == {RegistrationStatus.CONFIRMED: 3, RegistrationStatus.WAITLISTED: 9}


def test_concurrent_registrations_without_waitlist_fill_exactly_the_places():
    event = EventFactory(open_registration=True, capacity=1, waitlist_enabled=False)
    people = [UserFactory() for _ in range(8)]

    errors = run_together(
        [
            (lambda person=person: services.registration_create_for_user(event=event, user=person))
            for person in people
        ]
    )

    assert counts(event) == {RegistrationStatus.CONFIRMED: 1}
    assert len(errors) == 7
    assert all(isinstance(error, services.EventFull) for error in errors)


def test_two_cancellations_at_once_hand_on_exactly_two_places_in_waitlist_order():
    event = EventFactory(open_registration=True, capacity=2)
    registrations = [
        services.registration_create_for_user(event=event, user=UserFactory(email=f"{n}@x.test"))
        for n in ("a", "b", "c", "d", "e")
    ]

    errors = run_together(
        [
            lambda: services.registration_cancel(registration=registrations[0]),
            lambda: services.registration_cancel(registration=registrations[1]),
        ]
    )

    assert errors == []
    assert dict(EventRegistration.objects.filter(event=event).values_list("email", "status")) == {
        "a@x.test": "cancelled",
        "b@x.test": "cancelled",
        "c@x.test": "confirmed",
        "d@x.test": "confirmed",
        "e@x.test": "waitlisted",
    }


def test_cancellations_racing_new_registrations_keep_the_count_within_capacity():
    event = EventFactory(open_registration=True, capacity=3)
    holders = [
        services.registration_create_for_user(event=event, user=UserFactory()) for _ in range(3)
    ]
    waiting = [
        services.registration_create_for_user(event=event, user=UserFactory()) for _ in range(2)
    ]
    newcomers = [UserFactory() for _ in range(6)]

    errors = run_together(
        [(lambda r=r: services.registration_cancel(registration=r)) for r in holders[:2]]
        + [
            (lambda p=p: services.registration_create_for_user(event=event, user=p))
            for p in newcomers
        ]
    )

    assert errors == []
    confirmed = EventRegistration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    # The two freed places went to the two people already waiting, not to newcomers.
    assert set(confirmed.values_list("pk", flat=True)) == {holders[2].pk, *(w.pk for w in waiting)}
    assert counts(event)[RegistrationStatus.WAITLISTED] == 6
