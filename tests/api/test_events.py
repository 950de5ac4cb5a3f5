import datetime

import pytest
from django.utils import timezone

from events.enums import Attendance, EventKind, EventProgram, EventStatus, RegistrationStatus
from events.models import EventRegistration
from members.enums import Region
from tests.factories.events import EventFactory, EventRegistrationFactory, in_days

pytestmark = pytest.mark.django_db
LIST = "/api/v1/events/"
MINE = "/api/v1/me/event-registrations/"


def titles(response):
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture
def calendar(db):
    EventFactory(
        title="Forum",
        slug="forum",
        kind=EventKind.CONFERENCE,
        starts_at=in_days(30),
        attendance=Attendance.IN_PERSON,
        region=Region.EUROPE,
        country="FR",
    )
    EventFactory(
        title="Webinar",
        slug="webinar",
        starts_at=in_days(5),
        program=EventProgram.SMART_CITY_DRIVER,
    )
    EventFactory(title="Old", slug="old", starts_at=in_days(-40))
    EventFactory(title="Older", slug="older", starts_at=in_days(-80))
    EventFactory(title="Draft", slug="draft", status=EventStatus.DRAFT)


def test_events_default_to_upcoming_soonest_first(api, calendar):
    assert titles(api.get(LIST)) == ["Webinar", "Forum"]


def test_past_events_are_most_recent_first(api, calendar):
    assert titles(api.get(LIST, {"when": "past"})) == ["Old", "Older"]


def test_event_filters(api, calendar):
    assert titles(api.get(LIST, {"kind": "conference"})) == ["Forum"]
    assert titles(api.get(LIST, {"program": "smart_city_driver"})) == ["Webinar"]
    assert titles(api.get(LIST, {"region": "europe"})) == ["Forum"]
    assert titles(api.get(LIST, {"online": "true"})) == ["Webinar"]
    assert titles(api.get(LIST, {"online": "false"})) == ["Forum"]
    assert titles(api.get(LIST, {"attendance": "in_person"})) == ["Forum"]
    assert titles(api.get(LIST, {"country": "fr"})) == ["Forum"]


def test_event_date_range(api, calendar):
    today = timezone.localdate()
    params = {
        "when": "all",
        "date_from": (today - datetime.timedelta(days=50)).isoformat(),
        "date_to": (today + datetime.timedelta(days=10)).isoformat(),
    }

    assert titles(api.get(LIST, params)) == ["Old", "Webinar"]


def test_an_invalid_filter_is_a_400_with_the_error_body(api, calendar):
    response = api.get(LIST, {"date_from": "not-a-date"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "date_from" in response.json()["error"]["fields"]


def test_event_detail_and_404_for_drafts(api, calendar):
    assert api.get(f"{LIST}forum/").json()["kind"] == "conference"
    assert api.get(f"{LIST}draft/").status_code == 404


@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_event_cursor_pagination_walks_every_event_once(api, when):
    sign = 1 if when == "upcoming" else -1
    for n in range(7):
        EventFactory(title=f"E{n}", starts_at=in_days(sign * (n + 1)))

    seen, url = [], f"{LIST}?page_size=3&when={when}"
    while url:
        body = api.get(url).json()
        seen += [row["title"] for row in body["results"]]
        url = body["next"]

    assert seen == [f"E{n}" for n in range(7)]


@pytest.mark.parametrize("count", [2, 20])
def test_event_list_query_count_is_constant(api, django_assert_num_queries, count):
    for _ in range(count):
        EventFactory()
    api.get(LIST)  # warm up: where the upcoming events start is looked up once and kept

    with django_assert_num_queries(1):
        response = api.get(LIST)

    assert len(response.json()["results"]) == count


def test_register_needs_a_user(api):
    EventFactory(slug="open", open_registration=True)

    response = api.post(f"{LIST}open/register/", {}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_register_then_cancel(api, seoul_editor):
    EventFactory(slug="open", open_registration=True)
    api.force_authenticate(seoul_editor)

    created = api.post(f"{LIST}open/register/", {}, format="json")
    again = api.post(f"{LIST}open/register/", {}, format="json")
    listed = api.get(MINE)
    cancelled = api.post(f"{MINE}{created.json()['id']}/cancel/")

    assert created.status_code == 201
    assert created.json()["status"] == RegistrationStatus.CONFIRMED
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    assert [row["event"]["slug"] for row in listed.json()] == ["open"]
    assert cancelled.json()["status"] == RegistrationStatus.CANCELLED
    assert EventRegistration.objects.get().status == RegistrationStatus.CANCELLED


def test_register_for_a_closed_event_is_a_400(api, user):
    EventFactory(slug="closed")
    api.force_authenticate(user)

    response = api.post(f"{LIST}closed/register/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_allowed"


def test_register_for_an_unknown_event_is_a_404(api, user):
    api.force_authenticate(user)

    assert api.post(f"{LIST}nope/register/", {}, format="json").status_code == 404


def test_someone_elses_registration_is_a_404(api, user, seoul_editor):
    theirs = EventRegistrationFactory(user=seoul_editor, email=seoul_editor.email)
    api.force_authenticate(user)

    detail = api.get(f"{MINE}{theirs.pk}/")
    cancel = api.post(f"{MINE}{theirs.pk}/cancel/")

    assert detail.status_code == 404
    assert cancel.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RegistrationStatus.CONFIRMED


def test_my_registrations_need_a_user(api):
    assert api.get(MINE).status_code == 401


@pytest.mark.parametrize("count", [2, 20])
def test_my_registrations_query_count_is_constant(api, user, django_assert_num_queries, count):
    for _ in range(count):
        EventRegistrationFactory(user=user, email=user.email)
    api.force_authenticate(user)

    with django_assert_num_queries(1):
        response = api.get(MINE)

    assert len(response.json()) == count


def test_registering_is_throttled_as_a_write(api, user, write_limit):
    for n in range(3):
        EventFactory(slug=f"open-{n}", open_registration=True)
    api.force_authenticate(user)

    statuses = [
        api.post(f"{LIST}open-{n}/register/", {}, format="json").status_code for n in range(3)
    ]
    reads = api.get(MINE)

    assert statuses == [201, 201, 429]
    assert reads.status_code == 200
