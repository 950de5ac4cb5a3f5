"""The back office's escalation paths, each refused, and the exports free of live formulas.

A regional office's staff member (here: the Europe office, ``world.office_staff_elsewhere``)
tried to reach the Asia-Pacific organization ``world.org``: by linking themself to it, by
importing over it, by reading the judges' scores; and results were published while an
edition still took entries. Each path is closed below.
"""

import io

import openpyxl
import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from awards import services as awards_services
from awards.enums import Result, Stage
from members import services as members_services
from members.enums import ApplicationStatus, OrganizationRole, OrganizationStatus
from members.models import Organization, OrganizationUser
from members.services import office_staff_group_ensure
from tests.factories.accounts import UserFactory
from tests.factories.awards import (
    CategoryFactory,
    EditionFactory,
    EntryFactory,
    JudgeFactory,
    ScoreFactory,
    close_entries,
)
from tests.factories.events import EventFactory, EventRegistrationFactory
from tests.factories.members import MembershipApplicationFactory, OrganizationFactory

FORMULA = '=HYPERLINK("http://evil.test","Click")'


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def asia_staff(world):
    user = UserFactory(email="staff@asia-office.test", is_staff=True)
    user.groups.add(office_staff_group_ensure(office=world.office))
    return user


# --- 1. Linking oneself to a foreign organization ------------------------------------------------


def test_office_staff_cannot_link_themselves_to_another_regions_organization(world):
    staff = world.office_staff_elsewhere
    client = client_for(staff)
    add = reverse("admin:members_organizationuser_add")

    form = client.get(add).context["adminform"].form
    response = client.post(
        add,
        {"user": staff.pk, "organization": world.org.pk, "role": OrganizationRole.PRIMARY_CONTACT},
    )

    assert world.org not in form.fields["organization"].queryset
    assert list(form.fields["organization"].queryset) == [world.other_org]
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"user", "organization"}
    assert not OrganizationUser.objects.filter(user=staff).exists()
    portal = client.get(reverse("members:portal_organization", args=[world.org.slug]))
    assert portal.status_code == 404


def test_office_staff_cannot_reach_a_foreign_organizations_inline_or_history(world):
    client = client_for(world.office_staff_elsewhere)
    change = reverse("admin:members_organization_change", args=[world.org.pk])

    response = client.post(
        change,
        {"name": "Taken", "organization_users-TOTAL_FORMS": "1"},
    )
    history = client.get(reverse("admin:members_organization_history", args=[world.org.pk]))

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert (history.status_code, history["Location"]) == (302, "/admin/")
    world.org.refresh_from_db()
    assert world.org.name != "Taken"


# --- 2. Importing over a foreign organization ----------------------------------------------------


def _import(client, csv_text: str):
    url = reverse("admin:members_organization_import")
    form = client.get(url).context["form"]
    csv_index = next(i for i, label in form.fields["format"].choices if label == "csv")
    upload = io.BytesIO(csv_text.encode())
    upload.name = "organizations.csv"
    return client.post(url, {"format": csv_index, "resource": "0", "import_file": upload})


HEADER = "slug,name,member_type,relationship,country,region,city,office,website,contact_email"


def test_an_import_row_over_a_foreign_organization_is_a_row_error_and_nothing_is_written(world):
    world.org.contact_email = "mayor@owner-city.test"
    world.org.website = "https://owner-city.test"
    world.org.save()
    client = client_for(world.office_staff_elsewhere)
    rows = [
        HEADER,
        f"{world.org.slug},Seoul,local_government,member,KR,europe,Seoul,europe-office,"
        "https://evil.test,evil@evil.test",
        "brand-new,Brand New,local_government,member,FR,europe,Lyon,europe-office,,",
    ]

    response = _import(client, "\n".join(rows) + "\n")

    result = response.context["result"]
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [1, 2]
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    html = response.content.decode()
    assert "mayor@owner-city.test" not in html  # no diff with the other region's values
    world.org.refresh_from_db()
    assert (world.org.office, world.org.website) == (world.office, "https://owner-city.test")
    assert not Organization.objects.filter(slug="brand-new").exists()


def test_office_staff_import_their_own_regions_rows_but_never_the_status(world, asia_staff):
    client = client_for(asia_staff)
    csv_text = (
        HEADER
        + ",status\n"
        + f"{world.org.slug},{world.org.name},local_government,member,KR,asia_pacific,Seoul,"
        "asia-office,https://new.owner-city.test,,former\n"
    )

    preview = _import(client, csv_text)
    confirm = preview.context["confirm_form"]
    done = client.post(
        reverse("admin:members_organization_process_import"), confirm.initial, follow=False
    )

    assert not preview.context["result"].has_validation_errors()
    assert done.status_code == 302
    world.org.refresh_from_db()
    assert world.org.website == "https://new.owner-city.test"
    assert world.org.status == OrganizationStatus.ACTIVE  # status is not an import column


def test_import_is_refused_where_the_resource_has_no_office_scope(world):
    staff = world.office_staff_elsewhere

    response = client_for(staff).get(reverse("admin:members_organization_import"))
    scores = client_for(staff).get("/admin/awards/score/")

    assert response.status_code == 200  # organizations: per-row scope
    assert scores.status_code == 403


# --- 3. Exporting: the changelist's rows, no live formula ------------------------------------------


def _export(client, url_name, query="", fmt="xlsx"):
    url = reverse(url_name) + query
    form = client.get(url).context["form"]
    index = next(i for i, label in form.fields["format"].choices if label == fmt)
    data = {"format": index, "resource": "0"}
    data.update(
        {name: "on" for name, field in form.fields.items() if isinstance(field, forms.BooleanField)}
    )
    return client.post(url, data)


def _formula_cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        cell.coordinate
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def _texts(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def test_scores_cannot_be_exported_by_anyone_but_the_secretariat(world, asia_staff):
    ScoreFactory(comments="Confidential")
    for user in (world.office_staff_elsewhere, asia_staff, world.judge):
        client = client_for(user)
        get = client.get(reverse("admin:awards_score_export"))
        post = client.post(reverse("admin:awards_score_export"), {"format": "0"})
        assert (get.status_code, post.status_code) != (200, 200), user
        assert b"Confidential" not in get.content + post.content


def test_the_organizations_export_is_the_changelists_rows(world):
    client = client_for(world.office_staff_elsewhere)

    response = _export(client, "admin:members_organization_export", fmt="csv")

    text = response.content.decode("utf-8-sig")
    assert world.other_org.slug in text
    assert world.org.slug not in text


@pytest.mark.parametrize(
    ("url_name", "build"),
    [
        (
            "admin:members_organization_export",
            lambda w: OrganizationFactory(name=FORMULA, website="https://x.test", office=w.office),
        ),
        (
            "admin:awards_entry_export",
            lambda w: EntryFactory(project_title=FORMULA, summary="+SUM(1,2)", partners="@cmd"),
        ),
        (
            "admin:awards_score_export",
            lambda w: ScoreFactory(comments="-2+3+cmd|' /C calc'!A0"),
        ),
        (
            "admin:programs_application_export",
            lambda w: (
                __import__("tests.factories.programs", fromlist=["x"])
                .SolutionFinderDetailsFactory(
                    application__organization=OrganizationFactory(name=FORMULA, office=w.office)
                )
                .application
            ),
        ),
    ],
)
def test_exports_contain_no_live_formula(world, url_name, build):
    build(world)
    client = client_for(world.secretariat)

    response = _export(client, url_name, "?status=all" if "application" in url_name else "")

    assert response.status_code == 200, url_name
    assert _formula_cells(response.content) == []
    texts = _texts(response.content)
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))], texts


def test_the_registrations_export_contains_no_live_formula(world):
    event = EventFactory(open_registration=True)
    EventRegistrationFactory(event=event, name=FORMULA, organization_name="@SUM(A1)")
    client = client_for(world.secretariat)

    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "export_registrations_xlsx", "_selected_action": [event.pk]},
    )

    assert response.status_code == 200
    assert _formula_cells(response.content) == []
    assert f"'{FORMULA}" in _texts(response.content)


# --- 4. Results while the edition is open --------------------------------------------------------


def test_results_cannot_be_recorded_or_published_while_entries_are_open(world):
    edition = EditionFactory()
    entry = EntryFactory(category=CategoryFactory(edition=edition), submitted=True)
    client = client_for(world.secretariat_group_user)

    with pytest.raises(awards_services.ResultsError, match="while the edition is judged"):
        awards_services.entry_record_result(
            entry=entry, result=Result.WINNER, recorded_by=world.secretariat_group_user
        )
    with pytest.raises(awards_services.ResultsError, match="Entries are open until"):
        awards_services.edition_move(
            edition=edition, to_stage=Stage.JUDGING, by=world.secretariat_group_user
        )
    publish = client.post(reverse("admin:awards_edition_publish", args=[edition.pk]))
    page = client.get(reverse("admin:awards_edition_publish", args=[edition.pk]))

    edition.refresh_from_db()
    entry.refresh_from_db()
    assert (edition.stage, edition.results_published, entry.result) == (Stage.OPEN, False, "")
    assert publish.status_code == 302
    assert "at the stage “Open for entries”" in page.content.decode()
    assert not edition.transitions.exists()


def test_publishing_needs_every_score_or_a_recorded_reason(world):
    officer = world.secretariat_group_user
    edition = EditionFactory()
    category = CategoryFactory(edition=edition)
    entry = EntryFactory(category=category, submitted=True)
    scored, missing = JudgeFactory(edition=edition, categories=[category]), None
    missing = JudgeFactory(edition=edition, name="Ada Absent", categories=[category])
    conflicted = JudgeFactory(edition=edition, categories=[category])
    ScoreFactory(judge=scored, entry=entry)
    from awards.models import ConflictOfInterest

    ConflictOfInterest.objects.create(judge=conflicted, entry=entry, reason="Former adviser")
    close_entries(edition, judging=False)
    awards_services.entry_record_result(entry=entry, result=Result.WINNER, recorded_by=officer)
    awards_services.edition_move(edition=edition, to_stage=Stage.RESULTS_RECORDED, by=officer)

    from awards.selectors import edition_missing_scores

    assert edition_missing_scores(edition) == [(entry, ["Ada Absent"])]
    with pytest.raises(awards_services.ResultsError, match="not yet scored by every judge"):
        awards_services.edition_publish_results(edition=edition, published_by=officer)
    ScoreFactory(judge=missing, entry=entry)
    published = awards_services.edition_publish_results(edition=edition, published_by=officer)

    assert (published.stage, published.results_published) == (Stage.PUBLISHED, True)
    assert list(edition.transitions.values_list("from_stage", "to_stage", "override")) == [
        ("judging", "results_recorded", False),
        ("results_recorded", "published", False),
    ]
    with pytest.raises(awards_services.ResultsError, match="cannot move"):
        awards_services.edition_move(edition=published, to_stage=Stage.JUDGING, by=officer)


# --- 5. Services check the acting user themselves -----------------------------------------------


def test_services_refuse_an_actor_without_the_named_permission(world, asia_staff):
    application = MembershipApplicationFactory()
    edition = EditionFactory(judging=True)
    entry = EntryFactory(category=CategoryFactory(edition=edition), submitted=True)

    refused = [
        lambda: members_services.membership_application_approve(
            application=application, approved_by=asia_staff, excom_approved_on="2020-11-18"
        ),
        lambda: members_services.membership_application_reject(
            application=application, rejected_by=world.office_staff_elsewhere
        ),
        lambda: members_services.organization_set_status(
            organization=world.org,
            status=OrganizationStatus.SUSPENDED,
            changed_by=world.office_staff_elsewhere,
        ),
        lambda: awards_services.entry_record_result(
            entry=entry, result=Result.WINNER, recorded_by=asia_staff
        ),
        lambda: awards_services.edition_publish_results(edition=edition, published_by=asia_staff),
        lambda: awards_services.edition_move(
            edition=edition, to_stage=Stage.RESULTS_RECORDED, by=world.owner
        ),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied):
            call()

    members_services.organization_set_status(
        organization=world.org, status=OrganizationStatus.SUSPENDED, changed_by=asia_staff
    )
    world.org.refresh_from_db()
    application.refresh_from_db()
    assert world.org.status == OrganizationStatus.SUSPENDED
    assert application.status == ApplicationStatus.PENDING


def test_the_organization_status_is_read_only_on_its_page(world):
    client = client_for(world.secretariat_group_user)

    page = client.get(reverse("admin:members_organization_change", args=[world.org.pk]))

    assert "status" not in page.context["adminform"].form.fields
    assert "status" in page.context["adminform"].readonly_fields


# --- 6. Membership requests: Approve / Decline on the request's own page ---------------------------


def test_the_secretariat_approves_a_request_from_its_page(world, mailoutbox):
    application = MembershipApplicationFactory(organization_name="Rabat")
    client = client_for(world.secretariat_group_user)
    change = reverse("admin:members_membershipapplication_change", args=[application.pk])
    approve = reverse("admin:members_membershipapplication_approve", args=[application.pk])

    page = client.get(change).content.decode()
    confirm = client.get(approve)
    missing_date = client.post(approve, {"confirmed": "yes"})
    done = client.post(approve, {"confirmed": "yes", "excom_approved_on": "2020-11-18"})

    assert approve in page
    assert confirm.status_code == 200 and "excom_approved_on" in confirm.content.decode()
    assert missing_date.status_code == 200 and missing_date.context["form"].errors
    assert (done.status_code, done["Location"]) == (302, change)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert str(application.organization.joined_on) == "2020-11-18"


def test_the_regions_office_reads_a_request_but_cannot_decide_it(world, asia_staff):
    application = MembershipApplicationFactory()
    client = client_for(asia_staff)
    change = reverse("admin:members_membershipapplication_change", args=[application.pk])

    page = client.get(change)
    approve = client.post(
        reverse("admin:members_membershipapplication_approve", args=[application.pk]),
        {"confirmed": "yes", "excom_approved_on": "2020-11-18"},
    )
    decline = client.post(
        reverse("admin:members_membershipapplication_decline", args=[application.pk]),
        {"confirmed": "yes"},
    )

    assert page.status_code == 200
    assert "/approve/" not in page.content.decode()
    assert (approve.status_code, decline.status_code) == (403, 403)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_event_services_refuse_staff_of_another_region(world, asia_staff):
    from events import services as events_services
    from events.enums import RegistrationMode

    event = EventFactory(office=world.office)

    with pytest.raises(PermissionDenied):
        events_services.event_set_registration(
            event=event, mode=RegistrationMode.CLOSED, changed_by=world.office_staff_elsewhere
        )
    with pytest.raises(PermissionDenied):
        events_services.event_record_figures(
            event=event,
            registered=1,
            participants=1,
            speakers=1,
            viewers=1,
            recorded_by=world.office_staff_elsewhere,
        )
    events_services.event_record_figures(
        event=event,
        registered=40,
        participants=31,
        speakers=4,
        viewers=None,
        recorded_by=asia_staff,
    )

    event.refresh_from_db()
    assert (event.registered_count, event.participant_count) == (40, 31)
