"""The 2020 calendar and the "Forward to 2021" plan from WeGO's annual report."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from events import dates
from events.enums import DatePrecision
from events.models import Event, EventHost, EventSponsor
from members.models import Organization

pytestmark = pytest.mark.django_db

BEFORE_2021 = datetime.datetime(2020, 12, 31, tzinfo=datetime.UTC)


def test_the_report_has_26_events_in_2020_and_26_planned_for_2021(wego_data):
    per_year = dict(Event.objects.values_list("year").annotate(n=Count("id")))

    assert per_year == {2020: 26, 2021: 26}
    assert Event.objects.filter(status="published").count() == 52


def test_dates_keep_the_reports_precision(wego_data):
    per_precision = dict(
        Event.objects.values_list("date_precision").annotate(n=Count("id")).order_by()
    )
    assembly = Event.objects.get(title="5th WeGO General Assembly")
    course = Event.objects.get(title="WeGO-NIA-AfDB Joint Online Course")
    consultancy = Event.objects.get(title__startswith="Consultancy for the Improvement")

    assert per_precision == {
        DatePrecision.DAY: 7,
        DatePrecision.MONTH: 33,
        DatePrecision.QUARTER: 4,
        DatePrecision.QUARTER_SPAN: 1,
        DatePrecision.YEAR_ROUND: 7,
    }
    assert dates.date_display(assembly, now=BEFORE_2021) == "Q3/Q4 2021 (date to be confirmed)"
    assert course.date_label == "30 November – 18 December 2020"
    assert consultancy.date_label == "July – December 2020"


def test_excom_2020_with_its_figures_host_and_sponsors(wego_data):
    excom = Event.objects.get(title="WeGO EXCOM 2020")

    assert (excom.participant_count, excom.speaker_count, excom.viewer_count) == (331, 24, 924)
    assert excom.kind == "governance_meeting"
    assert excom.attendance == "online"
    assert excom.theme == "Rethinking Smart Cities: Agile and Connected"
    assert excom.host_text == "Moscow City Government"
    assert [o.name for o in excom.hosts.all()] == ["Moscow"]
    assert list(
        EventSponsor.objects.filter(event=excom).values_list("name", "organization__name")
    ) == [
        ("beCloud", "beCloud (Belarusian Cloud Technologies)"),
        ("Seoul Business Agency", None),
    ]
    assert excom.date_label == "November 2020"


def test_the_smart_health_responder_webinars_and_their_participants(wego_data):
    webinars = Event.objects.filter(
        program="smart_health_responder", title__contains="Webinar Part"
    ).order_by("sort_at")

    assert [w.participant_count for w in webinars] == [141, 145, 120]
    assert [w.date_label for w in webinars] == ["May 2020", "July 2020", "November 2020"]


def test_the_event_pages_show_the_figures(client, wego_data):
    excom = Event.objects.get(title="WeGO EXCOM 2020")
    webinar = Event.objects.get(title__startswith="WeGO Smart Health Responder Webinar Part 1")

    excom_page = client.get(excom.get_absolute_url()).content.decode()
    webinar_page = client.get(webinar.get_absolute_url()).content.decode()

    for figure in ('stat__number">331<', 'stat__number">24<', 'stat__number">924<'):
        assert figure in excom_page
    assert 'stat__number">141<' in webinar_page
    assert '<a href="/members/moscow/">Moscow</a>' in excom_page


def test_hosts_link_to_the_directory_only_where_the_organization_exists(wego_data):
    linked = dict(EventHost.objects.values_list("event__host_text", "organization__name"))

    assert linked == {
        "Moscow City Government": "Moscow",
        "Smart City Institute Japan": "Smart City Institute Japan",
        "All India Institute of Local Self Government (AIILSG) with UCLG ASPAC": (
            "All India Institute of Local Self Government"
        ),
        "UCLG-Africa and the City of Rabat": "Rabat",
    }
    assert Event.objects.filter(host_text="WeGO").count() == 10


def test_loading_twice_changes_nothing(wego_data):
    before = list(Event.objects.order_by("pk").values())
    hosts = EventHost.objects.count()
    sponsors = EventSponsor.objects.count()
    out = io.StringIO()

    call_command("load_wego_events", stdout=out)

    assert list(Event.objects.order_by("pk").values()) == before
    assert (EventHost.objects.count(), EventSponsor.objects.count()) == (hosts, sponsors)
    assert out.getvalue().strip() == "Events: 52 from the 2020 report (0 new, 0 host links added)"


def test_loading_again_keeps_what_the_secretariat_changed(wego_data):
    assembly = Event.objects.get(title="5th WeGO General Assembly")
    assembly.date_precision = "day"
    assembly.start_date = datetime.date(2021, 10, 5)
    assembly.save()

    call_command("load_wego_events", stdout=io.StringIO())

    assembly.refresh_from_db()
    assert (assembly.date_precision, assembly.start_date) == ("day", datetime.date(2021, 10, 5))
    assert Event.objects.count() == 52


def test_events_load_without_the_members_and_link_hosts_once_they_exist():
    call_command("load_wego_events", stdout=io.StringIO())
    assert EventHost.objects.count() == 0

    Organization.objects.create(name="Moscow", slug="moscow", member_type="local_government")
    call_command("load_wego_events", stdout=io.StringIO())

    assert list(EventHost.objects.values_list("organization__name", flat=True)) == ["Moscow"]


def test_the_past_archive_lists_the_2020_calendar(client, wego_data):
    response = client.get(reverse("events:list"), {"when": "past", "year": "2020"})

    assert response.context["page"].paginator.count == 26
