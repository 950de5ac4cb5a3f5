"""The back office: the event list, firming up dates, registrations, actions, exports, scope."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from events.enums import RegistrationStatus
from events.models import Event, EventRegistration
from members.services import office_staff_group_ensure
from tests.factories.accounts import UserFactory
from tests.factories.events import (
    EventFactory,
    EventRegistrationFactory,
    RegistrationQuestionFactory,
    in_days,
)
from tests.factories.members import OfficeFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")
REGISTRATIONS = reverse("admin:events_eventregistration_changelist")


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def action(client, name, events, url=CHANGELIST, **data):
    return client.post(url, {"action": name, ACTION_CHECKBOX_NAME: [e.pk for e in events], **data})


def change_data(event, **overrides) -> dict:
    """The change form's POST data for ``event`` (no inline rows; texts in English)."""
    data = {
        "title_en": event.title,
        "slug": event.slug,
        "status": event.status,
        "kind": event.kind,
        "program": event.program,
        "theme_en": "",
        "summary_en": "",
        "date_precision": event.date_precision,
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        "start_date": "",
        "end_date": "",
        "year": event.year or "",
        "quarter": event.quarter or "",
        "quarter_end": event.quarter_end or "",
        "timezone": event.timezone,
        "attendance": event.attendance,
        "venue": "",
        "city": "",
        "country": "",
        "region": "",
        "join_url": "",
        "office": "",
        "host_text": "",
        "description": "",
        "outcomes": "",
        "registration": event.registration,
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "capacity": event.capacity or "",
        "audience": event.audience,
        "registered_count": "",
        "participant_count": "",
        "speaker_count": "",
        "viewer_count": "",
        "source_notes": "",
    }
    for prefix in (
        "host_links",
        "participant_links",
        "speakers",
        "sponsors",
        "links",
        "questions",
        "registrations",
    ):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data["registrations-TOTAL_FORMS"] = str(event.registrations.count())
    data["registrations-INITIAL_FORMS"] = str(event.registrations.count())
    for n, registration in enumerate(event.registrations.order_by("status", "requested_at", "id")):
        data[f"registrations-{n}-id"] = registration.pk
        data[f"registrations-{n}-event"] = event.pk
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_changelist_shows_dates_at_their_precision_and_places(admin_client):
    EventFactory(
        title="Assembly",
        date_precision="quarter_span",
        starts_at=None,
        year=2031,
        quarter=3,
        quarter_end=4,
    )
    event = EventFactory(title="Webinar", open_registration=True, capacity=10)
    EventRegistrationFactory(event=event)
    EventRegistrationFactory(event=event, status="waitlisted", confirmed_at=None)

    response = admin_client.get(CHANGELIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Q3/Q4 2031 (date to be confirmed)" in html
    assert "1/10 · 1 waiting (Open)" in html


@pytest.mark.parametrize("count", [2, 20])
def test_changelist_query_count_is_constant(admin_client, django_assert_num_queries, count):
    for _ in range(count):
        EventRegistrationFactory(event=EventFactory(open_registration=True, capacity=5))
    admin_client.get(CHANGELIST)

    # the same whatever the number of events: counts and places come with the page query
    # (the table's size is one query, the estimate of a big table or the count of a small one)
    with django_assert_num_queries(6):
        admin_client.get(CHANGELIST)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"when": "upcoming"}, ["Quarter", "Soon, undated", "Upcoming"]),
        ({"when": "past"}, ["Past"]),
        ({"date_precision__exact": "quarter"}, ["Quarter"]),
        ({"year": "2019"}, ["Past"]),
        ({"when": "soon-undated"}, ["Soon, undated"]),
    ],
)
def test_changelist_filters(admin_client, query, expected):
    EventFactory(title="Upcoming", starts_at=in_days(5))
    EventFactory(title="Past", starts_at=datetime.datetime(2019, 5, 1, 10, tzinfo=datetime.UTC))
    EventFactory(title="Quarter", date_precision="quarter", starts_at=None, year=2040, quarter=1)
    EventFactory(
        title="Soon, undated", date_precision="month", starts_at=None, start_date=in_days(20).date()
    )

    response = admin_client.get(CHANGELIST, query)

    assert sorted(e.title for e in response.context["cl"].result_list) == expected


def test_the_secretariat_firms_up_a_date_in_the_events_own_time_zone(
    admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(
        title="5th WeGO General Assembly",
        date_precision="quarter_span",
        starts_at=None,
        year=2031,
        quarter=3,
        quarter_end=4,
        open_registration=True,
    )
    EventRegistrationFactory(event=event, email="mayor@abuja.test")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:events_event_change", args=[event.pk]),
            change_data(
                event,
                date_precision="exact",
                starts_at_0="2031-09-28",
                starts_at_1="10:00",
                ends_at_0="2031-09-28",
                ends_at_1="17:00",
                timezone="America/Mexico_City",
                quarter="",
                quarter_end="",
            ),
        )

    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    # Mexico City keeps UTC−6 all year since 2022.
    assert event.starts_at == datetime.datetime(2031, 9, 28, 16, 0, tzinfo=datetime.UTC)
    assert (event.year, event.quarter, event.quarter_end, event.sequence) == (2031, 3, None, 1)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["mayor@abuja.test"], "New date: 5th WeGO General Assembly")
    ]
    assert "Sunday 28 September 2031, 10:00–17:00 (Mexico City time, UTC−6)" in mailoutbox[0].body


def test_the_change_form_shows_times_in_the_events_zone(admin_client):
    event = EventFactory(
        timezone="Europe/Moscow",
        starts_at=datetime.datetime(2031, 11, 17, 7, 0, tzinfo=datetime.UTC),
    )

    html = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert 'name="starts_at_1" value="10:00:00"' in html


def test_the_change_form_refuses_a_date_missing_for_its_precision(admin_client):
    event = EventFactory(date_precision="quarter", starts_at=None, year=2031, quarter=3)

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        change_data(event, date_precision="exact"),
    )

    assert response.status_code == 200
    assert "An exact date needs the start date and time." in response.content.decode()


def test_close_and_open_registration_actions(admin_client):
    event = EventFactory(open_registration=True)

    asked = action(admin_client, "close_registration", [event])
    action(admin_client, "close_registration", [event], confirmed="yes")
    event.refresh_from_db()
    closed = event.registration
    action(admin_client, "open_registration", [event])
    event.refresh_from_db()

    assert "Close registration for these events?" in asked.content.decode()
    assert (closed, event.registration) == ("closed", "open")


def test_promote_action_fills_places_added_in_bulk(admin_client):
    event = EventFactory(open_registration=True, capacity=1)
    EventRegistrationFactory(event=event)
    waiting = EventRegistrationFactory(event=event, status="waitlisted", confirmed_at=None)
    Event.objects.filter(pk=event.pk).update(capacity=2)

    action(admin_client, "promote_waitlist", [event])

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_mail_registrants_action_goes_through_the_outbox(
    admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(open_registration=True, title="Training")
    EventRegistrationFactory(event=event, email="a@x.test")
    EventRegistrationFactory(event=event, email="b@x.test", status="waitlisted", confirmed_at=None)
    form_page = action(admin_client, "message_registrants", [event])

    with django_capture_on_commit_callbacks(execute=True):
        action(
            admin_client,
            "message_registrants",
            [event],
            confirmed="yes",
            audience="active",
            subject="Room change",
            message="We meet in room 204.",
        )

    assert "E-mail the registrants of Training" in form_page.content.decode()
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("a@x.test", "Room change"),
        ("b@x.test", "Room change"),
    ]


def test_record_figures_action(admin_client):
    event = EventFactory(starts_at=in_days(-2), open_registration=True)
    EventRegistrationFactory(event=event)

    page = action(admin_client, "record_figures", [event])
    action(
        admin_client,
        "record_figures",
        [event],
        confirmed="yes",
        registered="150",
        participants="141",
        speakers="6",
        viewers="",
    )

    event.refresh_from_db()
    assert 'name="registered" value="1"' in page.content.decode()
    assert (
        event.registered_count,
        event.participant_count,
        event.speaker_count,
        event.viewer_count,
    ) == (150, 141, 6, None)


def test_export_registrations_as_csv_with_answers_and_no_formulas(admin_client):
    event = EventFactory(title="Workshop", open_registration=True)
    question = RegistrationQuestionFactory(event=event, label="Dietary needs")
    EventRegistrationFactory(
        event=event,
        name="=HYPERLINK(evil)",
        email="a@x.test",
        organization_name="Abuja",
        answers={str(question.pk): "Vegetarian"},
    )
    EventRegistrationFactory(event=event, email="pending@x.test", status="pending")

    response = action(admin_client, "export_registrations_csv", [event])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["event", "status", "name", "organization", "e-mail address"]
    assert rows[0][-1] == "Dietary needs"
    assert [row[:5] + row[-1:] for row in rows[1:]] == [
        ["Workshop", "Confirmed", "'=HYPERLINK(evil)", "Abuja", "a@x.test", "Vegetarian"]
    ]


def test_export_registrations_as_excel(admin_client):
    event = EventFactory(open_registration=True)
    EventRegistrationFactory(event=event, email="a@x.test")

    response = action(admin_client, "export_registrations_xlsx", [event])

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=5).value == "a@x.test"


def test_cancel_registrations_action_promotes_the_waitlist(admin_client):
    event = EventFactory(open_registration=True, capacity=1)
    holder = EventRegistrationFactory(event=event)
    waiting = EventRegistrationFactory(event=event, status="waitlisted", confirmed_at=None)

    asked = action(admin_client, "cancel_registrations", [holder], url=REGISTRATIONS)
    action(admin_client, "cancel_registrations", [holder], url=REGISTRATIONS, confirmed="yes")

    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert "Cancel these registrations?" in asked.content.decode()
    assert (holder.status, waiting.status) == ("cancelled", "confirmed")


def test_registrations_cannot_be_added_or_deleted_in_the_back_office(admin_client):
    registration = EventRegistrationFactory()

    add = admin_client.get(reverse("admin:events_eventregistration_add"))
    delete = admin_client.get(
        reverse("admin:events_eventregistration_delete", args=[registration.pk])
    )

    assert (add.status_code, delete.status_code) == (403, 403)


# --- Regional scope ----------------------------------------------------------------------------


@pytest.fixture
def africa_staff(db):
    office = OfficeFactory(slug="africa", name="Africa Regional Office", regions=["africa"])
    group = office_staff_group_ensure(office=office)
    user = UserFactory(is_staff=True, email="staff@abuja.test")
    user.groups.add(group)
    return user, office


def test_office_staff_see_and_change_only_their_regions_events(client, africa_staff):
    user, office = africa_staff
    in_region = EventFactory(title="Abuja forum", country="NG")
    organized = EventFactory(title="Africa webinar", office=office)
    elsewhere = EventFactory(title="Seoul expo", country="KR")
    EventRegistrationFactory(event=in_region, email="in@x.test")
    EventRegistrationFactory(event=elsewhere, email="out@x.test")
    client.force_login(user)

    events = client.get(CHANGELIST)
    registrations = client.get(REGISTRATIONS)
    mine = client.get(reverse("admin:events_event_change", args=[in_region.pk]))
    theirs = client.get(reverse("admin:events_event_change", args=[elsewhere.pk]))

    assert sorted(e.title for e in events.context["cl"].result_list) == [
        "Abuja forum",
        "Africa webinar",
    ]
    assert [r.email for r in registrations.context["cl"].result_list] == ["in@x.test"]
    assert mine.status_code == 200
    assert theirs.status_code == 302  # the admin's "does not exist" redirect: nothing shown
    assert organized.office == office


def test_office_staff_cannot_delete_events_and_cannot_export_other_regions(client, africa_staff):
    user, _office = africa_staff
    event = EventFactory(country="NG")
    elsewhere = EventFactory(country="KR", open_registration=True)
    EventRegistrationFactory(event=elsewhere, email="secret@x.test")
    client.force_login(user)

    delete = client.get(reverse("admin:events_event_delete", args=[event.pk]))
    export = action(client, "export_registrations_csv", [elsewhere])

    assert delete.status_code == 403
    assert "secret@x.test" not in export.content.decode("utf-8-sig", errors="replace")


def test_a_member_user_has_no_back_office_access_to_events(client, member):
    client.force_login(member)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert EventRegistration.objects.count() == 0


def test_the_dashboard_lists_events_coming_up_without_a_fixed_day(admin_client):
    EventFactory(date_precision="month", starts_at=None, start_date=in_days(20).date())
    EventFactory(date_precision="quarter", starts_at=None, year=2040, quarter=1)
    EventFactory(starts_at=in_days(20))

    html = admin_client.get(reverse("admin:index")).content.decode()

    assert (
        '<a href="/admin/events/event/?when=soon-undated"><strong>1</strong> '
        "Events starting within 60 days whose day is not fixed yet</a>"
    ) in html
