import pytest
from rest_framework.test import APIClient

from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from wego_portal.api import WriteRateThrottle


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def seoul(db):
    return OrganizationFactory(name="Seoul", slug="seoul")


@pytest.fixture
def makati(db):
    return OrganizationFactory(name="Makati", slug="makati", country="PH")


@pytest.fixture
def seoul_editor(seoul):
    return OrganizationUserFactory(organization=seoul).user


@pytest.fixture
def makati_editor(makati):
    return OrganizationUserFactory(organization=makati).user


@pytest.fixture
def write_limit(monkeypatch):
    """Two writes a minute, whatever the settings say."""
    rates = {**WriteRateThrottle.THROTTLE_RATES, "write": "2/min"}
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", rates)
