"""The Knowledge Hub (webinars from the events app, materials, member cities), the section's
home page, and the back office's digest lines."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from events.enums import EventKind, EventProgram, LinkKind
from health import selectors
from health.enums import InquiryStatus
from notifications.digest import digest_items_for
from tests.factories.events import EventFactory, in_days
from tests.factories.health import (
    InitiativeFactory,
    InquiryFactory,
    MaterialFactory,
)
from tests.factories.members import OrganizationFactory
from tests.members.files import pdf_bytes

pytestmark = pytest.mark.django_db
HUB = reverse("health:knowledge_hub")
SHR = EventProgram.SMART_HEALTH_RESPONDER


def test_the_2020_webinar_series_is_in_the_archive(client):
    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115

    response = client.get(HUB)

    past = [
        (event.title.split(":")[0], event.participant_count, event.date_label)
        for event in response.context["webinars"]["past"]
        if event.year == 2020
    ]
    assert past == [
        ("WeGO Smart Health Responder Webinar Part 3", 120, "November 2020"),
        ("WeGO Smart Health Responder Webinar Part 2", 145, "July 2020"),
        ("WeGO Smart Health Responder Webinar Part 1", 141, "May 2020"),
    ]
    body = response.content.decode()
    assert "141 participants" in body
    assert "145 participants" in body
    assert "120 participants" in body


def test_hub_lists_upcoming_and_past_webinars_of_the_program_only(client):
    EventFactory(title="Vaccination logistics webinar", program=SHR, starts_at=in_days(5))
    past = EventFactory(title="Testing strategies webinar", program=SHR, starts_at=in_days(-30))
    past.links.create(kind=LinkKind.RECORDING, title="Recording", url="https://video.test/1")
    EventFactory(title="Smart City Driver demo", program=EventProgram.SMART_CITY_DRIVER)
    EventFactory(title="Draft webinar", program=SHR, status="draft")

    response = client.get(HUB)

    webinars = response.context["webinars"]
    assert [e.title for e in webinars["upcoming"]] == ["Vaccination logistics webinar"]
    assert [e.title for e in webinars["past"]] == ["Testing strategies webinar"]
    assert 'href="https://video.test/1"' in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_hub_query_count_is_constant(client, django_assert_num_queries, count):
    for n in range(count):
        event = EventFactory(program=SHR, kind=EventKind.WEBINAR, starts_at=in_days(-n - 1))
        event.links.create(kind=LinkKind.RECORDING, title="Recording", url="https://video.test")
        EventFactory(program=SHR, starts_at=in_days(n + 1))
        MaterialFactory()
        InitiativeFactory(published=True)

    client.get(HUB)  # the upcoming list's starting point is cached after the first request

    # upcoming + links, past + links; materials, their count, member cities
    with django_assert_num_queries(7):
        response = client.get(HUB)

    assert len(response.context["webinars"]["past"]) == count


def test_hub_lists_member_cities_sharing_initiatives(client):
    seoul = OrganizationFactory(name="Seoul", slug="seoul")
    InitiativeFactory(organization=seoul, published=True)
    InitiativeFactory(organization=seoul, published=True)
    InitiativeFactory(organization=OrganizationFactory(name="Draft City"))

    response = client.get(HUB)

    assert [(org.name, org.initiative_count) for org in response.context["cities"]] == [
        ("Seoul", 2)
    ]
    assert f"{reverse('health:initiatives')}?member=seoul" in response.content.decode()


def test_materials_are_filtered_by_topic(client):
    MaterialFactory(title="Dashboard guide", topic="data_dashboards")
    MaterialFactory(title="Tracing toolkit", topic="contact_tracing")
    MaterialFactory(title="Hidden draft", topic="contact_tracing", is_public=False)

    response = client.get(reverse("health:materials"), {"topic": "contact_tracing"})

    assert [m.title for m in response.context["page"].object_list] == ["Tracing toolkit"]


@pytest.mark.parametrize("count", [2, 20])
def test_materials_query_count_is_constant(client, django_assert_num_queries, count):
    for _ in range(count):
        MaterialFactory()

    # count, page, topic counts
    with django_assert_num_queries(3):
        response = client.get(reverse("health:materials"))

    assert response.context["page"].paginator.count == count


def test_material_document_is_streamed_only_when_public(client):
    shown = MaterialFactory(url="", file=ContentFile(pdf_bytes(), name="guide.pdf"))
    hidden = MaterialFactory(
        url="", file=ContentFile(pdf_bytes(), name="hidden.pdf"), is_public=False
    )

    response = client.get(reverse("health:material_file", args=[shown.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert client.get(reverse("health:material_file", args=[hidden.pk])).status_code == 404


def test_home_of_the_section_shows_figures_and_latest_initiatives(client):
    InitiativeFactory(title="Older", started_on=datetime.date(2020, 1, 1), published=True)
    InitiativeFactory(title="Newer", started_on=datetime.date(2021, 1, 1), published=True)

    response = client.get(reverse("health:index"))

    assert response.status_code == 200
    assert [i.title for i in response.context["latest"]] == ["Newer", "Older"]
    assert response.context["figures"]["initiatives"] == 2


def test_figures_for_wego_in_numbers(officer):
    InitiativeFactory(published=True, country="KR")
    InitiativeFactory(published=True, country="PH")
    InitiativeFactory()
    answered = InquiryFactory()
    from health import services

    services.inquiry_mark_answered(inquiry=answered, answered_by=officer)
    services.inquiry_close(inquiry=answered, closed_by=officer)
    InquiryFactory()

    figures = selectors.health_figures()

    assert figures == {
        "initiatives": 2,
        "sharing_members": 2,
        "countries": 2,
        "suppliers": 0,
        "inquiries": 2,
        "answered": 1,
    }


def test_digest_tells_the_secretariat_what_waits(officer):
    InitiativeFactory(submitted=True)
    InitiativeFactory(submitted=True)
    InitiativeFactory()
    InquiryFactory()
    InquiryFactory(status=InquiryStatus.CLOSED)

    lines = {item.label: item.count for item in digest_items_for(officer)}

    assert lines["Data Portal initiatives awaiting review"] == 2
    assert lines["New Smart Health Assistance inquiries"] == 1


def test_digest_says_nothing_to_other_staff(db):
    from tests.factories.accounts import UserFactory

    InitiativeFactory(submitted=True)

    lines = [item.label for item in digest_items_for(UserFactory(is_staff=True))]

    assert "Data Portal initiatives awaiting review" not in lines
