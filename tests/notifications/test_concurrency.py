"""Two transactions creating the same notification at once (PostgreSQL's row locking)."""

import threading

import pytest
from django.db import connection, transaction

from notifications.models import Notification
from notifications.services import notification_create
from tests.factories.notifications import NotificationFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serializes writers, so inserts cannot race",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_create_of_one_key_returns_the_winner_and_keeps_the_transaction(user):
    inserted, main_inserting = threading.Event(), threading.Event()
    winner: list[Notification] = []

    def other_request() -> None:
        try:
            with transaction.atomic():
                winner.append(NotificationFactory(recipient=user, idempotency_key="same-key"))
                inserted.set()
                main_inserting.wait(5)
                # Commit only while the other transaction is blocked on our uncommitted row.
                threading.Event().wait(0.3)
        finally:
            connection.close()

    thread = threading.Thread(target=other_request)
    thread.start()
    inserted.wait(5)
    with transaction.atomic():
        main_inserting.set()
        loser = notification_create(
            kind="general.message",
            recipient=user,
            context={"title": "t", "body": "b"},
            idempotency_key="same-key",
        )
        # The IntegrityError was contained in a savepoint: this transaction goes on.
        after = notification_create(
            kind="general.message",
            recipient=user,
            context={"title": "t", "body": "b"},
            idempotency_key="next-key",
        )
    thread.join()

    assert loser.pk == winner[0].pk
    assert Notification.objects.filter(pk=after.pk).exists()
    assert Notification.objects.count() == 2
