"""The public program pages: each program, its open calls, and past results."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.enums import ApplicationKind, ApplicationStatus
from tests.factories.programs import (
    CallDocumentFactory,
    CallFactory,
    ProgramFactory,
    ProgramSectionFactory,
)

pytestmark = pytest.mark.django_db

PI = ApplicationKind.PROJECT_IMPLEMENTER


def test_program_list_describes_each_program_and_its_open_calls(client, sf_call, pi_call):
    ProgramFactory(name="Smart Health Responder", slug="smart-health-responder")
    CallFactory(
        program=pi_call.program,
        title="Project Implementer 2019",
        closes_at=timezone.now() - datetime.timedelta(days=400),
        opens_at=timezone.now() - datetime.timedelta(days=500),
    )

    response = client.get(reverse("programs:list"))

    html = response.content.decode()
    assert response.status_code == 200
    programs = {p.name: [c.title for c in p.open_calls] for p in response.context["programs"]}
    assert programs == {
        "Smart City Driver": ["Solution Finder"],
        "Project Implementer": ["Project Implementer 2021"],
        "Smart Health Responder": [],
    }
    assert "Always open: apply at any time" in html
    assert "No call for applications is open at the moment." in html
    assert 'href="/programs/"' in html  # the main navigation links the programs


@pytest.mark.parametrize("count", [2, 20])
def test_program_list_query_count_is_constant(client, django_assert_num_queries, count):
    for _ in range(count):
        program = ProgramFactory()
        CallFactory(program=program)
        ProgramSectionFactory(program=program)

    with django_assert_num_queries(3):
        response = client.get(reverse("programs:list"))

    assert len(response.context["programs"]) == count


def test_program_page_shows_sections_areas_calls_and_results(
    client, make_application, pi_call, pi_program, areas, abuja
):
    ProgramSectionFactory(program=pi_program, title="How it works", body="Cities submit.")
    pi_program.areas.set([areas["healthcare"]])
    past = CallFactory(
        program=pi_program,
        kind=PI,
        title="Project Implementer 2020",
        opens_at=None,
        closes_at=timezone.now() - datetime.timedelta(days=300),
        dates_note="Closed before February 2020 (exact dates not recorded)",
    )
    make_application(kind=PI, status=ApplicationStatus.BENEFICIARY_SELECTED, call=past)
    make_application(kind=PI, status=ApplicationStatus.DECLINED, call=past, organization=abuja)

    response = client.get(pi_program.get_absolute_url())

    html = response.content.decode()
    assert "How it works" in html and "Cities submit." in html
    assert "Healthcare" in html
    assert [c.title for c in response.context["calls"]["open"]] == ["Project Implementer 2021"]
    assert [c.title for c in response.context["calls"]["past"]] == ["Project Implementer 2020"]
    assert "Closed before February 2020 (exact dates not recorded)" in html
    assert "Seoul (South Korea): Beneficiary selected" in html
    assert "Abuja" not in html  # only selected cities are announced


def test_call_page_explains_eligibility_dates_and_documents(client, pi_call):
    CallDocumentFactory(call=pi_call, name="Budget breakdown", hint="One page")

    response = client.get(pi_call.get_absolute_url())

    html = response.content.decode()
    assert "Local government" in html
    assert "A supporting letter of the mayor or authority" in html
    assert "Budget breakdown" in html
    assert "Sign in to apply" in html


def test_unpublished_programs_and_calls_are_not_found(client, pi_call):
    pi_call.is_published = False
    pi_call.save()
    hidden = ProgramFactory(is_published=False)

    assert client.get(pi_call.get_absolute_url()).status_code == 404
    assert client.get(hidden.get_absolute_url()).status_code == 404
