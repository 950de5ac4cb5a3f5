"""The built-in programs data: the three programs, their calls, and the 2020 result."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from members.models import Organization
from programs.enums import ApplicationStatus
from programs.models import Application, ApplicationTransition, Call, Program, ProgramSection
from tests.factories.members import OrganizationFactory

pytestmark = pytest.mark.django_db


def load():
    out = io.StringIO()
    call_command("load_wego_programs", stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "programs": list(Program.objects.values_list("slug", "name", "summary")),
        "sections": ProgramSection.objects.count(),
        "calls": list(Call.objects.order_by("slug").values_list("slug", "opens_at", "closes_at")),
        "applications": list(Application.objects.values_list("organization__name", "status")),
        "transitions": ApplicationTransition.objects.count(),
        "organizations": Organization.objects.count(),
    }


@pytest.fixture
def cauayan(db):
    # As in members/data/organizations.csv.
    return OrganizationFactory(name="Cauayan", slug="cauayan", country="PH", city="Cauayan")


def test_loader_creates_the_programs_and_calls(cauayan):
    load()

    assert list(Program.objects.values_list("name", flat=True)) == [
        "Smart City Driver",
        "Project Implementer",
        "Smart Health Responder",
    ]
    assert Program.objects.get(slug="smart-city-driver").areas.count() == 16
    calls = {call.slug: call for call in Call.objects.all()}
    assert calls["solution-finder"].always_open and calls["solution-finder"].is_open()
    assert calls["project-implementer-2021"].is_open()
    assert calls["project-implementer-2021"].closes_at > timezone.now()
    assert calls["project-implementer-2020"].has_closed()
    assert all(c.eligible_member_types == ["local_government"] for c in calls.values())


def test_loader_records_cauayan_as_the_2020_beneficiary(cauayan):
    load()

    application = Application.objects.get()
    transition = application.transitions.get()
    assert application.organization == cauayan
    assert application.call.slug == "project-implementer-2020"
    assert application.status == ApplicationStatus.BENEFICIARY_SELECTED
    assert transition.at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m") == "2020-02"
    assert "postponed to 2021" in transition.note
    assert list(application.stakeholders.values_list("organization__name", "role")) == [
        ("Cauayan", "beneficiary_city")
    ]


def test_loader_is_idempotent(cauayan):
    load()
    before = snapshot()

    load()

    assert snapshot() == before


def test_loader_creates_nothing_fake_when_cauayan_is_not_loaded_yet(db):
    output = load()

    assert "Cauayan is not loaded yet" in output
    assert not Application.objects.exists()
    assert not Organization.objects.exists()


def test_the_wego_data_command_loads_the_programs_too(db):
    call_command("load_wego_data", stdout=io.StringIO())

    application = Application.objects.get(call__slug="project-implementer-2020")
    assert (application.organization.name, application.organization.country.code) == (
        "Cauayan",
        "PH",
    )
    assert Call.objects.count() == 3


def test_without_cauayan_in_the_member_data_the_loader_creates_it(db, monkeypatch, tmp_path):
    from programs.management.commands import load_wego_programs

    monkeypatch.setattr(load_wego_programs, "MEMBERS_CSV", tmp_path / "missing.csv")

    load()

    organization = Organization.objects.get()
    assert (organization.name, organization.country.code, organization.region) == (
        "Cauayan City",
        "PH",
        "asia_pacific",
    )
    assert (organization.member_type, organization.status) == ("local_government", "active")
    assert Application.objects.get().organization == organization
