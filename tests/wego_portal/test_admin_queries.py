"""The back office's lists cost the same number of queries for a few rows or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.awards import EntryFactory
from tests.factories.catalog import ProjectFactory
from tests.factories.events import EventRegistrationFactory
from tests.factories.health import InitiativeFactory, InquiryFactory, SupplierFactory
from tests.factories.members import OrganizationFactory

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
    "events_eventregistration": lambda: EventRegistrationFactory(),
}


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
