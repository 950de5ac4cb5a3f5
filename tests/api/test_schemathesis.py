"""Property-based checks of the live schema: no 5xx, and every response matches its schema.

The schema is loaded from the WSGI app itself; each operation runs a bounded number of
generated examples (``MAX_EXAMPLES``) so that CI stays fast. Member operations run with a
personal API token of a member whose organization has applications, registrations and entries.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from events.enums import Attendance
from programs.enums import ApplicationStatus
from tests.factories.awards import CategoryFactory, EditionFactory, EntryFactory
from tests.factories.catalog import ProjectFactory
from tests.factories.events import EventFactory, EventRegistrationFactory, in_days
from tests.factories.health import InitiativeFactory, SupplierFactory
from tests.factories.members import OfficeFactory, OrganizationFactory, OrganizationUserFactory
from tests.factories.programs import (
    ApplicationMessageFactory,
    CallFactory,
    SolutionFinderDetailsFactory,
)

# Examples per operation: 15 in CI; FUZZ_EXAMPLES (or SCHEMATHESIS_MAX_EXAMPLES) for a longer run.
MAX_EXAMPLES = int(
    os.environ.get("FUZZ_EXAMPLES") or os.environ.get("SCHEMATHESIS_MAX_EXAMPLES") or "15"
)
CHECKS = [not_a_server_error, response_schema_conformance]
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("SCHEMATHESIS_RANDOM"),
    suppress_health_check=list(HealthCheck),
)

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
api = schema.exclude(path_regex=r"/(schema|docs|redoc)/")
public = api.include(method="GET").exclude(path_regex=r"/me/")
member = api.include(path_regex=r"/me/|/register/")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI app, not through Django's test client, so disconnect
    what closes the database connection at each request's end, as the test client does (on
    PostgreSQL it would close the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def network(db):
    """A little of everything, so that generated ids and slugs sometimes hit real rows."""
    office = OfficeFactory(slug="east-asia")
    seoul = OrganizationFactory(name="Seoul", slug="seoul", office=office)
    OrganizationFactory(name="Abuja", slug="abuja", country="NG")
    person = OrganizationUserFactory(organization=seoul).user
    EventFactory(slug="webinar", open_registration=True)
    EventFactory(slug="forum", starts_at=in_days(-20), attendance=Attendance.IN_PERSON)
    EventRegistrationFactory(user=person, email=person.email)
    edition = EditionFactory(year=2020, number=4, published=True)
    EntryFactory(category=CategoryFactory(edition=edition), organization=seoul, winner=True)
    EntryFactory(organization=seoul)
    call = CallFactory(slug="solution-finder")
    draft = SolutionFinderDetailsFactory(
        application__organization=seoul, application__call=call
    ).application
    submitted = SolutionFinderDetailsFactory(
        application__organization=seoul, application__status=ApplicationStatus.SUBMITTED
    ).application
    ApplicationMessageFactory(application=submitted)
    ProjectFactory(organization=seoul, published=True)
    InitiativeFactory(organization=seoul, published=True)
    SupplierFactory(slug="kits")
    return {"person": person, "draft": draft}


@pytest.fixture
def token(network):
    _record, secret = AuthToken.objects.create(user=network["person"], expiry=None)
    return secret


@public.parametrize()
@HYPOTHESIS
def test_public_endpoints(case, network):
    case.call_and_validate(checks=CHECKS)


@member.parametrize()
@HYPOTHESIS
def test_member_endpoints_with_a_token(case, token):
    response = case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[*CHECKS, status_code_conformance],  # every answer is one the schema documents
    )

    # The token is accepted on every member operation: never refused as unauthenticated or
    # forbidden, and a read of the member's own lists, without filters, succeeds.
    assert response.status_code not in (401, 403)
    if case.method == "GET" and "{" not in case.path and not case.query:
        assert response.status_code == 200


@given(
    credentials=st.one_of(
        st.text(max_size=80),
        st.sampled_from(["wego_\x00abc", "wego_" + "0" * 64, "wego_é", "wego_" + "f" * 10_000]),
    )
)
@HYPOTHESIS
def test_any_authorization_header_is_a_401_or_ignored(credentials):
    """Tokens that are not ours (NUL bytes, non-ASCII, endless) never reach a query."""
    client = APIClient()
    header = f"Token {credentials}".encode("utf-8", "replace").decode("latin-1")

    response = client.get("/api/v1/offices/", HTTP_AUTHORIZATION=header)

    assert response.status_code in {200, 401}
