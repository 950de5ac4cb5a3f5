"""What every back-office list draws for each row and around it: the same markup as Django's
admin, built without per-row template rendering or per-row choice lookups."""

import re
from pathlib import Path

import django.contrib.admin
import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection
from django.template import Context, engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events.enums import RegistrationMode, RegistrationStatus
from members.enums import OrganizationStatus, Region
from members.models import Organization
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, EventRegistrationFactory
from tests.factories.members import OrganizationFactory
from wego_portal.admin import ask, choice_label

pytestmark = pytest.mark.django_db


def _normalised(html: str) -> str:
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("language", ["en", "ko", "ar"])
def test_the_row_selection_box_is_djangos_markup(language):
    organization = OrganizationFactory(name='Ville "A" <b> & B')
    model_admin = admin.site._registry[Organization]

    with translation.override(language):
        ours = model_admin.action_checkbox(organization)
        djangos = ModelAdmin.action_checkbox(model_admin, organization)

    assert ours == djangos
    assert "&lt;b&gt;" in ours


@pytest.mark.parametrize("language", ["en", "ko", "ar"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/members/", "/admin/members/organization/"])
def test_the_navigation_sidebar_is_djangos_markup(language, path):
    user = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get(path)
    request.user = user
    original = Path(django.contrib.admin.__file__).parent / "templates/admin/nav_sidebar.html"
    djangos_template = engines["django"].engine.from_string(original.read_text())

    with translation.override(language):
        context = {**admin.site.each_context(request), "request": request}
        ours = render_to_string("admin/nav_sidebar.html", context)
        djangos = djangos_template.render(Context(context))

    assert _normalised(ours) == _normalised(djangos)
    assert 'id="nav-sidebar"' in ours


def test_the_navigation_sidebar_of_someone_without_models_says_so():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True)

    html = render_to_string("admin/nav_sidebar.html", {"available_apps": [], "request": request})

    assert "You don’t have permission to view or edit anything." in html


@pytest.mark.parametrize(
    ("choices", "value", "expected"),
    [
        (OrganizationStatus, OrganizationStatus.SUSPENDED, "Suspended"),
        (RegistrationStatus, RegistrationStatus.WAITLISTED, "On the waitlist"),
        (Region, "", ""),
        (RegistrationMode, "no-such-mode", "no-such-mode"),
    ],
)
def test_a_choice_label_is_what_get_display_shows(choices, value, expected):
    with translation.override("en"):
        assert str(choice_label(choices, value)) == expected


def test_choice_labels_follow_the_language():
    organization = OrganizationFactory(status=OrganizationStatus.SUSPENDED)
    with translation.override("fr"):
        assert str(choice_label(OrganizationStatus, organization.status)) == str(
            organization.get_status_display()
        )


def test_a_rule_without_an_object_is_asked_once_per_request(django_assert_num_queries):
    staff = UserFactory(is_staff=True)

    first = ask(staff, "members.view_organization")
    with django_assert_num_queries(0):
        again = ask(staff, "members.view_organization")

    assert first is again is False


def test_the_events_list_reads_its_index_in_order_without_grouping(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for _ in range(3):
        EventRegistrationFactory(event=EventFactory(open_registration=True, capacity=5))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 200
    page = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "events_event"."id", "events_event"."title"')
    ]
    assert len(page) == 1
    assert 'GROUP BY "events_event"' not in page[0]  # each event's counts: its own subquery
    order = page[0].rsplit("ORDER BY", 1)[1]
    assert '"events_event"."id" ASC' in order
    assert "DESC" not in order


def test_the_registrations_event_filter_says_it_lists_the_latest_events(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    EventRegistrationFactory()

    response = client.get(reverse("admin:events_eventregistration_changelist"))

    assert "event (the latest 50 with registrations)" in response.content.decode()
