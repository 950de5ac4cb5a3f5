"""The public pages: the list with its filters, the event page, registering, the month view."""

import datetime
import re

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from events.enums import Audience, RegistrationStatus
from events.models import EventRegistration
from tests.factories.events import (
    EventFactory,
    EventHostFactory,
    EventLinkFactory,
    EventRegistrationFactory,
    EventSponsorFactory,
    RegistrationQuestionFactory,
    SpeakerFactory,
    in_days,
)
from tests.factories.members import OrganizationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("events:list")


def titles(response) -> list[str]:
    return [event.title for event in response.context["page"].object_list]


def facet(response, key) -> dict:
    return {item["value"]: item["count"] for item in response.context["facets"][key]}


# --- The list ----------------------------------------------------------------------------------


def test_the_list_shows_upcoming_events_by_default_soonest_first(client):
    EventFactory(title="Later", starts_at=in_days(20))
    EventFactory(title="Sooner", starts_at=in_days(3))
    EventFactory(title="Over", starts_at=in_days(-30))
    EventFactory(title="Draft", status="draft")
    EventFactory(title="Called off", starts_at=in_days(5), status="cancelled")

    response = client.get(LIST)

    assert titles(response) == ["Sooner", "Called off", "Later"]
    assert response.context["when"] == "upcoming"
    assert "3 upcoming events" in response.content.decode()


def test_the_past_archive_shows_the_most_recent_first(client):
    EventFactory(title="Last month", starts_at=in_days(-30))
    EventFactory(title="Last year", starts_at=in_days(-365))
    EventFactory(title="Next week", starts_at=in_days(7))

    response = client.get(LIST, {"when": "past"})

    assert titles(response) == ["Last month", "Last year"]


def test_the_list_sorts_across_date_precisions(client):
    year = timezone.localdate().year + 1
    EventFactory(title="Year-round", date_precision="year_round", starts_at=None, year=year)
    EventFactory(title="Q3", date_precision="quarter", starts_at=None, year=year, quarter=3)
    EventFactory(
        title="1 July, 10:00",
        starts_at=datetime.datetime(year, 7, 1, 10, tzinfo=timezone.get_current_timezone()),
    )
    EventFactory(
        title="June", date_precision="month", starts_at=None, start_date=datetime.date(year, 6, 1)
    )

    response = client.get(LIST)

    assert titles(response) == ["June", "1 July, 10:00", "Q3", "Year-round"]
    assert f"Q3 {year}" in response.content.decode()
    assert "(date to be confirmed)" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "workshop"}, ["Workshop in Seoul"]),
        ({"kind": ["workshop", "training"]}, ["Workshop in Seoul", "Hybrid training"]),
        ({"program": "smart_health_responder"}, ["Health webinar"]),
        ({"region": "africa"}, ["Abuja conference"]),
        ({"country": "kr"}, ["Workshop in Seoul"]),
        ({"attendance": "online"}, ["Health webinar", "Hybrid training"]),
        ({"attendance": "in_person"}, ["Workshop in Seoul", "Hybrid training", "Abuja conference"]),
        ({"recordings": "on", "when": "all"}, ["Recorded webinar"]),
        ({"year": "2020", "when": "all"}, ["Recorded webinar"]),
        ({"q": "abuja"}, ["Abuja conference"]),
    ],
)
def test_list_filters(client, query, expected):
    EventFactory(title="Health webinar", program="smart_health_responder", starts_at=in_days(1))
    EventFactory(
        title="Workshop in Seoul",
        kind="workshop",
        attendance="in_person",
        city="Seoul",
        country="KR",
        starts_at=in_days(2),
    )
    EventFactory(
        title="Hybrid training", kind="training", attendance="hybrid", starts_at=in_days(3)
    )
    EventFactory(
        title="Abuja conference",
        kind="conference",
        attendance="in_person",
        city="Abuja",
        country="NG",
        starts_at=in_days(4),
    )
    recorded = EventFactory(
        title="Recorded webinar",
        starts_at=datetime.datetime(2020, 5, 12, 10, tzinfo=datetime.UTC),
    )
    EventLinkFactory(event=recorded)

    response = client.get(LIST, query)

    assert titles(response) == expected


def test_the_filters_show_counts_within_the_results(client):
    EventFactory(kind="webinar", starts_at=in_days(1))
    EventFactory(kind="webinar", starts_at=in_days(2))
    EventFactory(kind="workshop", country="NG", starts_at=in_days(3))
    EventFactory(kind="workshop", starts_at=in_days(-3))

    response = client.get(LIST)

    assert facet(response, "kind")["webinar"] == 2
    assert facet(response, "kind")["workshop"] == 1
    assert facet(response, "region")["africa"] == 1
    assert facet(response, "country") == {"NG": 1}
    assert 'value="webinar" id="kind-webinar"' in response.content.decode()
    assert "Webinar (2)" in response.content.decode()


def test_a_selected_filter_can_be_removed(client):
    EventFactory(kind="webinar")

    response = client.get(LIST, {"kind": "webinar", "program": "smart_city_driver"})

    chips = {chip["label"]: chip["url"] for chip in response.context["selected"]}
    assert chips == {
        "Webinar": "?program=smart_city_driver",
        "Smart City Driver": "?kind=webinar",
    }


def test_the_list_is_paginated(client):
    for day in range(25):
        EventFactory(starts_at=in_days(day + 1))

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert (len(first.context["page"].object_list), len(second.context["page"].object_list)) == (
        20,
        5,
    )
    assert first.context["page"].paginator.count == 25


def test_an_empty_list_says_what_to_do(client):
    response = client.get(LIST, {"kind": "training"})

    assert "No events match" in response.content.decode()
    assert "Look in the past events" in response.content.decode()


def test_the_list_offers_a_feed_of_the_same_filters(client):
    response = client.get(LIST, {"kind": "webinar", "page": "1", "when": "upcoming"})

    assert response.context["feed_url"] == "http://testserver/events/calendar.ics?kind=webinar"
    assert response.context["webcal_url"] == "webcal://testserver/events/calendar.ics?kind=webinar"


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_count_is_constant(client, django_assert_num_queries, count):
    for n in range(count):
        event = EventFactory(
            starts_at=in_days(n + 1),
            open_registration=True,
            capacity=10,
            country="KR" if n % 2 else "NG",
            program="smart_city_driver" if n % 3 else "",
        )
        EventRegistrationFactory(event=event)
        EventLinkFactory(event=event)

    # the number of results and the 6 facets (kind, program, year, region, attendance,
    # country) in one grouped query, the earliest start of the events not over yet (where
    # the upcoming list's index scan starts), then the page's rows
    with django_assert_num_queries(3):
        response = client.get(LIST, {"kind": "webinar"})

    assert len(response.context["page"].object_list) == count
    assert response.context["page"].paginator.count == count
    assert sum(item["count"] for item in response.context["facets"]["country"]) == count

    # another page of the same filters: the counts and the floor come from the cache
    with django_assert_num_queries(1):
        client.get(LIST, {"kind": "webinar", "page": "2"})


# --- The event page ----------------------------------------------------------------------------


def test_the_event_page_shows_facts_hosts_speakers_sponsors_materials_and_figures(client):
    moscow = OrganizationFactory(name="Moscow", slug="moscow", country="RU")
    event = EventFactory(
        title="WeGO EXCOM 2031",
        slug="wego-excom-2031",
        kind="governance_meeting",
        theme="Rethinking Smart Cities",
        host_text="Moscow City Government",
        participant_count=331,
        speaker_count=24,
        viewer_count=924,
        outcomes="Approval of the Africa Regional Office.",
        starts_at=in_days(-400),
    )
    EventHostFactory(event=event, organization=moscow)
    SpeakerFactory(event=event, name="Ana Lopez", title="CIO", affiliation="Mexico City")
    becloud = OrganizationFactory(name="beCloud", slug="becloud")
    EventSponsorFactory(event=event, name="beCloud", organization=becloud)
    EventSponsorFactory(event=event, name="Seoul Business Agency")
    EventLinkFactory(event=event, title="Watch the EXCOM", url="https://video.example.org/excom")

    response = client.get(reverse("events:detail", args=["wego-excom-2031"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Moscow City Government" in html
    assert '<a href="/members/moscow/">Moscow</a>' in html
    assert "Ana Lopez" in html
    assert '<a href="/members/becloud/">beCloud</a>' in html
    assert "Seoul Business Agency" in html
    assert 'href="https://video.example.org/excom"' in html
    assert re.findall(r'stat__number">([\d,]+)<', html) == ["331", "24", "924"]
    assert "Approval of the Africa Regional Office." in html
    assert "This event is over." in html


def test_a_draft_event_is_not_found(client):
    EventFactory(slug="secret-plan", status="draft")

    assert client.get(reverse("events:detail", args=["secret-plan"])).status_code == 404


def test_the_registration_box_shows_places_left_and_the_waitlist(client):
    event = EventFactory(open_registration=True, capacity=3)
    EventRegistrationFactory(event=event)

    open_page = client.get(event.get_absolute_url()).content.decode()
    EventRegistrationFactory(event=event)
    EventRegistrationFactory(event=event)
    EventRegistrationFactory(event=event, status="waitlisted", confirmed_at=None)
    full_page = client.get(event.get_absolute_url()).content.decode()

    assert "<strong>2</strong> places left of 3" in open_page
    assert "Fully booked" in full_page
    assert "1 person is on the waitlist" in full_page
    assert "Join the waitlist" in full_page


def test_an_imprecise_event_offers_no_calendar_file(client):
    event = EventFactory(date_precision="quarter", starts_at=None, year=2031, quarter=3)

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Q3 2031 (date to be confirmed)" in html
    assert reverse("events:event_ics", args=[event.slug]) not in html
    assert "once its day is set" in html


@pytest.mark.parametrize("count", [2, 20])
def test_event_page_query_count_is_constant(client, django_assert_num_queries, count):
    event = EventFactory(open_registration=True, capacity=100)
    for n in range(count):
        EventHostFactory(event=event, position=n)
        SpeakerFactory(event=event, organization=OrganizationFactory())
        EventSponsorFactory(event=event, organization=OrganizationFactory())
        EventLinkFactory(event=event)
        EventRegistrationFactory(event=event)
        RegistrationQuestionFactory(event=event)

    # event with counts, hosts, speakers, sponsors, links, questions
    with django_assert_num_queries(7):  # + its related news
        response = client.get(event.get_absolute_url())

    assert len(response.context["speakers"]) == count


# --- Registering (members) ---------------------------------------------------------------------


def test_a_member_registers_in_one_click(
    member_client, member, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("events:register", args=[event.slug]), follow=True)

    registration = EventRegistration.objects.get(event=event)
    assert (registration.user, registration.status) == (member, RegistrationStatus.CONFIRMED)
    assert "You are registered for Smart Health Responder Webinar" in response.content.decode()
    assert "Cancel my registration" in response.content.decode()
    assert len(mailoutbox) == 1


def test_a_second_click_does_not_register_twice(member_client, event):
    url = reverse("events:register", args=[event.slug])
    member_client.post(url)

    response = member_client.post(url, follow=True)

    assert EventRegistration.objects.filter(event=event).count() == 1
    assert "You are already registered for this event." in response.content.decode()


def test_registering_with_a_required_question_keeps_the_answers_on_error(member_client, event):
    question = RegistrationQuestionFactory(event=event, label="Dietary needs", required=True)
    other = RegistrationQuestionFactory(event=event, label="Your role")

    response = member_client.post(
        reverse("events:register", args=[event.slug]), {other.field_name: "Mayor's adviser"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'value="Mayor&#x27;s adviser"' in html
    assert EventRegistration.objects.count() == 0
    member_client.post(
        reverse("events:register", args=[event.slug]), {question.field_name: "Halal"}
    )
    assert EventRegistration.objects.get().answers == {str(question.pk): "Halal"}


def test_a_signed_in_non_member_is_refused_a_members_only_event(client, user):
    event = EventFactory(open_registration=True, audience=Audience.MEMBERS)
    client.force_login(user)

    page = client.get(event.get_absolute_url()).content.decode()
    response = client.post(reverse("events:register", args=[event.slug]), follow=True)

    assert "for people who act for a WeGO member organization" in page
    assert "This event is open to WeGO members only." in response.content.decode()
    assert EventRegistration.objects.count() == 0


def test_registering_needs_a_login(client, event):
    response = client.post(reverse("events:register", args=[event.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Registering (visitors) --------------------------------------------------------------------


def test_a_visitor_registers_and_confirms_through_the_link(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("events:register_visitor", args=[event.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"name": "Amina Bello", "organization_name": "Abuja", "email": "amina@abuja.test"},
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration_sent", args=[event.slug])
    sent = client.get(response["Location"]).content.decode()
    assert "We have sent a link to amina@abuja.test." in sent
    assert EventRegistration.objects.get().status == RegistrationStatus.PENDING
    confirm_path = re.search(
        r"http://testserver(/events/registrations/confirm/\S+/)", mailoutbox[0].body
    ).group(1)

    question_page = client.get(confirm_path)
    assert "Confirm my registration" in question_page.content.decode()
    assert (
        EventRegistration.objects.get().status == RegistrationStatus.PENDING
    )  # GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        result = client.post(confirm_path)

    assert result.status_code == 200
    assert "You are registered" in result.content.decode()
    assert EventRegistration.objects.get().status == RegistrationStatus.CONFIRMED
    assert [m.subject.split(":")[0] for m in mailoutbox] == [
        "Please confirm your registration for Smart Health Responder Webinar",
        "You are registered",
    ]


def test_the_visitor_form_shows_errors_and_keeps_what_was_typed(client, event):
    response = client.post(
        reverse("events:register_visitor", args=[event.slug]),
        {"name": "Amina Bello", "organization_name": "", "email": "not-an-address"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_organization_name"' in html
    assert 'value="Amina Bello"' in html
    assert 'value="not-an-address"' in html
    assert EventRegistration.objects.count() == 0


def test_a_members_only_event_refuses_visitors(client):
    event = EventFactory(open_registration=True, audience=Audience.MEMBERS)
    url = reverse("events:register_visitor", args=[event.slug])

    page = client.get(url)
    post = client.post(url, {"name": "X", "organization_name": "Y", "email": "x@y.test"})
    detail = client.get(event.get_absolute_url()).content.decode()

    assert (page.status_code, post.status_code) == (403, 403)
    assert "This event is for WeGO members" in page.content.decode()
    assert "Sign in to register" in detail
    assert EventRegistration.objects.count() == 0


def test_a_broken_confirmation_link_is_refused(client):
    response = client.get(reverse("events:confirm_registration", args=["made-up:token"]))

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


# --- Cancelling --------------------------------------------------------------------------------


def test_cancelling_through_the_emailed_link_frees_the_place_for_the_waitlist(client):
    event = EventFactory(open_registration=True, capacity=1)
    holder = EventRegistrationFactory(event=event, email="holder@x.test")
    waiting = EventRegistrationFactory(
        event=event, email="waiting@x.test", status="waitlisted", confirmed_at=None
    )
    from events.links import cancellation_url

    path = cancellation_url(holder).removeprefix("http://testserver")

    asked = client.get(path)
    done = client.post(path)

    assert "Yes, cancel my registration" in asked.content.decode()
    assert "Registration cancelled" in done.content.decode()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.status, waiting.status) == ("cancelled", "confirmed")


def test_a_tampered_cancellation_link_cancels_nothing(client):
    holder = EventRegistrationFactory()
    from events.links import cancellation_token

    token = cancellation_token(holder)[:-3] + "abc"

    response = client.post(reverse("events:cancel_by_link", args=[token]))

    holder.refresh_from_db()
    assert response.status_code == 400
    assert holder.status == "confirmed"


# --- The month calendar ------------------------------------------------------------------------


def test_the_month_view_puts_events_on_their_days_and_lists_undated_ones(client):
    tz = timezone.get_current_timezone()
    EventFactory(title="Workshop", starts_at=datetime.datetime(2031, 6, 10, 10, tzinfo=tz))
    EventFactory(
        title="Course",
        date_precision="day",
        starts_at=None,
        start_date=datetime.date(2031, 5, 30),
        end_date=datetime.date(2031, 6, 2),
    )
    EventFactory(
        title="Forum", date_precision="month", starts_at=None, start_date=datetime.date(2031, 6, 1)
    )
    EventFactory(title="Assembly", date_precision="quarter", starts_at=None, year=2031, quarter=2)
    EventFactory(title="Networking", date_precision="year_round", starts_at=None, year=2031)
    EventFactory(title="July", starts_at=datetime.datetime(2031, 7, 1, 10, tzinfo=tz))

    response = client.get(reverse("events:month", args=[2031, 6]))

    days = {
        cell["date"].day: [e.title for e in cell["events"]]
        for week in response.context["weeks"]
        for cell in week
        if cell["in_month"] and cell["events"]
    }
    assert days == {1: ["Course"], 2: ["Course"], 10: ["Workshop"]}
    assert [e.title for e in response.context["undated"]] == ["Assembly", "Forum"]
    assert "June 2031" in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_month_view_query_count_is_constant(client, django_assert_num_queries, count):
    tz = timezone.get_current_timezone()
    for n in range(count):
        EventFactory(starts_at=datetime.datetime(2031, 6, 1 + n, 10, tzinfo=tz))

    with django_assert_num_queries(1):
        client.get(reverse("events:month", args=[2031, 6]))


# --- The organization profile ------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 20])
def test_the_member_profile_lists_hosted_events_at_a_constant_query_cost(
    client, django_assert_num_queries, count
):
    moscow = OrganizationFactory(name="Moscow", slug="moscow")
    for n in range(count):
        EventHostFactory(
            organization=moscow, event=EventFactory(title=f"Hosted {n}", starts_at=in_days(-n - 1))
        )
    EventHostFactory(organization=moscow, event=EventFactory(title="Draft", status="draft"))
    fragment = get_template("events/_organization_events.html")

    # The profile's fragment costs one query, whatever the number of events (the rest of the
    # profile belongs to other apps and is measured by their tests).
    with django_assert_num_queries(1):
        html = fragment.render({"organization": moscow})
    page = client.get(reverse("members:profile", args=["moscow"])).content.decode()

    assert "Events hosted" in page
    assert "Hosted 0" in page
    assert "Draft" not in html
    assert html.count(">Hosted ") == min(count, 10)
    assert '/events/?when=all&amp;host=moscow"' in html


def test_the_list_filters_by_host_and_shows_it_as_a_removable_filter(client):
    moscow = OrganizationFactory(name="Moscow", slug="moscow")
    EventHostFactory(organization=moscow, event=EventFactory(title="EXCOM", starts_at=in_days(-30)))
    EventFactory(title="Other", starts_at=in_days(-20))

    response = client.get(LIST, {"when": "all", "host": "moscow"})

    assert titles(response) == ["EXCOM"]
    assert {chip["label"]: chip["url"] for chip in response.context["selected"]} == {
        "Hosted by Moscow": "?when=all"
    }
