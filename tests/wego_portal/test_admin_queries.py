"""The back office's lists cost the same number of queries for a few rows or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories.accounts import UserFactory
from tests.factories.awards import EntryFactory
from tests.factories.catalog import ProjectFactory
from tests.factories.events import EventFactory, EventRegistrationFactory
from tests.factories.health import InitiativeFactory, InquiryFactory, SupplierFactory
from tests.factories.members import OrganizationFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.programs import ApplicationFactory

pytestmark = pytest.mark.django_db

#: changelist -> how to make one more row (with the relations its columns show).
ROWS = {
    "catalog_project": lambda: ProjectFactory(organization=OrganizationFactory()),
    "health_initiative": lambda: InitiativeFactory(
        organization=OrganizationFactory(), submitted=True
    ),
    "health_inquiry": lambda: InquiryFactory(supplier=SupplierFactory()),
    "health_supplier": lambda: SupplierFactory(organization=OrganizationFactory()),
    "awards_entry": lambda: EntryFactory(organization=OrganizationFactory(), submitted=True),
    "events_event": lambda: (
        EventRegistrationFactory(event=EventFactory(open_registration=True, capacity=5)).event
    ),
    "events_eventregistration": lambda: EventRegistrationFactory(),
    "programs_application": lambda: ApplicationFactory(
        status="submitted", submitted_at=timezone.now()
    ),
    "notifications_notification": lambda: NotificationFactory(),
    "members_organization": lambda: OrganizationFactory(),
}

#: The biggest back-office lists (applications, events, registrations, the outbox,
#: organizations).
BIG_LISTS = [
    "programs_application",
    "events_event",
    "events_eventregistration",
    "notifications_notification",
    "members_organization",
]


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"status": "all"} if "initiative" in url else {})
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


@pytest.mark.parametrize("name", sorted(ROWS))
def test_changelist_query_count_does_not_grow_with_rows(client, name):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{name}_changelist")
    ROWS[name]()
    client.get(url)  # the first request of a session records it
    few, one = _queries(client, url)
    for _ in range(4):
        ROWS[name]()

    many, five = _queries(client, url)

    assert five == one + 4
    assert many == few


@pytest.mark.parametrize("name", BIG_LISTS)
def test_a_big_list_costs_the_same_for_3_rows_and_30(client, name):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{name}_changelist")
    for _ in range(3):
        ROWS[name]()
    client.get(url)
    few, three = _queries(client, url)
    for _ in range(27):
        ROWS[name]()

    many, thirty = _queries(client, url)

    assert thirty == three + 27
    assert many == few
    assert few <= 9  # session, user, the filters' choices, the count, the page


def test_the_registrations_event_filter_offers_the_latest_events_and_the_chosen_one(client):
    from events.admin.registrations import RegistrationEventFilter

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    first = EventRegistrationFactory().event
    later = [EventRegistrationFactory().event for _ in range(3)]
    url = reverse("admin:events_eventregistration_changelist")
    original = RegistrationEventFilter.shown
    RegistrationEventFilter.shown = 2
    try:
        offered = _event_choices(client.get(url))
        chosen = _event_choices(client.get(url, {"event": first.pk}))
    finally:
        RegistrationEventFilter.shown = original

    assert len(offered) == 2
    assert str(first.pk) not in offered
    assert str(first.pk) in chosen
    assert {str(e.pk) for e in later} >= set(offered)


def _event_choices(response) -> set[str]:
    from events.admin.registrations import RegistrationEventFilter

    spec = next(
        f for f in response.context["cl"].filter_specs if isinstance(f, RegistrationEventFilter)
    )
    return {value for value, _title in spec.lookup_choices}


def test_an_unfiltered_big_list_shows_the_planners_estimate_and_a_filtered_one_counts(
    monkeypatch,
):
    from django.db import connection as db

    from members.models import Organization
    from wego_portal import pagination

    for _ in range(3):
        OrganizationFactory()
    if db.vendor != "postgresql":
        assert pagination.EstimatedCountPaginator(Organization.objects.all(), 10).count == 3
        return
    with db.cursor() as cursor:
        cursor.execute("ANALYZE members_organization")
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relname = 'members_organization'"
        )
        estimate = cursor.fetchone()[0]
    OrganizationFactory.create_batch(2)  # the estimate now lags two rows behind
    exact = Organization.objects.count()
    assert exact == estimate + 2

    monkeypatch.setattr(pagination, "ESTIMATE_COUNT_ABOVE", -1)  # every table counts as big
    with CaptureQueriesContext(db) as queries:
        unfiltered = pagination.EstimatedCountPaginator(Organization.objects.order_by("pk"), 10)
        assert unfiltered.count == estimate
    assert len(queries) == 1

    monkeypatch.setattr(pagination, "ESTIMATE_COUNT_ABOVE", 10**9)  # every table is small
    with CaptureQueriesContext(db) as queries:
        small = pagination.EstimatedCountPaginator(Organization.objects.order_by("pk"), 10)
        assert small.count == exact
    assert len(queries) == 1, "the same one query, whichever the branch"

    filtered = Organization.objects.filter(name__startswith="City")
    assert pagination.EstimatedCountPaginator(filtered, 10).count == 5


def test_a_small_table_is_counted_exactly():
    from members.models import Organization
    from wego_portal.pagination import EstimatedCountPaginator

    OrganizationFactory()
    assert EstimatedCountPaginator(Organization.objects.all(), 10).count == 1
