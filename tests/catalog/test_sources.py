"""One action publishes an award-winning entry or a completed Project Implementer project."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from awards.enums import Result
from catalog import selectors, services
from catalog.enums import ProjectSource, ProjectStatus
from catalog.models import Project
from programs.enums import ApplicationStatus
from programs.models import SmartCityArea
from tests.factories.awards import (
    CategoryFactory,
    EditionFactory,
    EntryFactory,
    EntryImageFactory,
)
from tests.factories.members import OrganizationFactory
from tests.factories.programs import ProjectImplementerDetailsFactory, StakeholderFactory

pytestmark = pytest.mark.django_db
CANDIDATES = reverse("admin:catalog_project_candidates")
PUBLISH = reverse("admin:catalog_project_publish_candidate")


@pytest.fixture
def edition(db):
    return EditionFactory(number=4, year=2020, published=True)


@pytest.fixture
def safe_city(edition):
    return CategoryFactory(edition=edition, name="Safe City", slug="safe-city")


@pytest.fixture
def winner(safe_city, seoul):
    return EntryFactory(
        category=safe_city,
        organization=seoul,
        project_title="My Safe City",
        started_on=datetime.date(2017, 5, 1),
        winner=True,
    )


@pytest.fixture
def completed(seoul):
    details = ProjectImplementerDetailsFactory(
        application__organization=seoul,
        application__status=ApplicationStatus.COMPLETED,
        title="Smart flood warning",
        total_budget=Decimal("250000"),
        currency="USD",
    )
    application = details.application
    application.areas.set([SmartCityArea.objects.get(slug="water-management")])
    return application


def test_award_winner_is_published_with_its_texts_areas_and_images(
    winner, officer, seoul, seoul_editor, mailoutbox, django_capture_on_commit_callbacks
):
    EntryImageFactory(entry=winner, caption="The app")

    with django_capture_on_commit_callbacks(execute=True):
        project = services.catalog_project_from_award_entry(entry=winner, published_by=officer)

    assert (project.status, project.source, project.award_entry) == (
        ProjectStatus.PUBLISHED,
        ProjectSource.AWARD_ENTRY,
        winner,
    )
    assert (project.title, project.organization, project.start_year) == (
        "My Safe City",
        seoul,
        2017,
    )
    assert project.problem == winner.problem
    assert project.results == winner.results_impact
    assert sorted(a.slug for a in project.areas.all()) == [
        "disaster-risk-management",
        "public-safety",
    ]
    assert [image.caption for image in project.images.all()] == ["The app"]
    assert project.links[0]["url"].endswith(winner.get_absolute_url())
    assert mailoutbox[-1].to == ["editor@seoul.test"]


def test_publishing_an_entry_twice_makes_one_project(winner, officer):
    first = services.catalog_project_from_award_entry(entry=winner, published_by=officer)
    second = services.catalog_project_from_award_entry(entry=winner, published_by=officer)

    assert first.pk == second.pk
    assert Project.objects.count() == 1


def test_an_entry_without_a_published_award_is_refused(safe_city, officer):
    entry = EntryFactory(category=safe_city, submitted=True)

    with pytest.raises(services.CatalogError, match="Only winners and special mentions"):
        services.catalog_project_from_award_entry(entry=entry, published_by=officer)
    assert Project.objects.count() == 0


def test_completed_project_implementer_project_is_published(completed, officer):
    partner = OrganizationFactory(name="Consulting Co", member_type="corporation")
    StakeholderFactory(application=completed, organization=partner)

    project = services.catalog_project_from_application(application=completed, published_by=officer)

    assert (project.status, project.source, project.application) == (
        ProjectStatus.PUBLISHED,
        ProjectSource.PROJECT_IMPLEMENTER,
        completed,
    )
    assert project.title == "Smart flood warning"
    assert project.budget_range == "100k_500k"
    assert [a.slug for a in project.areas.all()] == ["water-management"]
    assert list(project.partners.all()) == [partner]
    again = services.catalog_project_from_application(application=completed, published_by=officer)
    assert again.pk == project.pk
    assert Project.objects.count() == 1


def test_an_application_still_running_is_refused(completed, officer):
    completed.status = ApplicationStatus.PILOT_PROJECT
    completed.save()

    with pytest.raises(services.CatalogError, match="Only completed Project Implementer"):
        services.catalog_project_from_application(application=completed, published_by=officer)


def test_candidates_page_lists_what_is_not_yet_in_the_catalog(
    client, winner, completed, safe_city, officer
):
    published = EntryFactory(category=safe_city, project_title="Already in", winner=True)
    services.catalog_project_from_award_entry(entry=published, published_by=officer)
    EntryFactory(
        category=safe_city, project_title="Mention", result=Result.SPECIAL_MENTION, submitted=True
    )
    client.force_login(officer)

    response = client.get(CANDIDATES)

    assert response.status_code == 200
    assert [e.project_title for e in response.context["entries"]] == ["My Safe City", "Mention"]
    assert [a.pk for a in response.context["applications"]] == [completed.pk]
    assert response.content.decode().count("Publish to catalog") == 3


def test_one_click_publishes_and_a_second_click_changes_nothing(client, winner, completed, officer):
    client.force_login(officer)

    first = client.post(PUBLISH, {"kind": "award_entry", "pk": winner.pk})
    second = client.post(PUBLISH, {"kind": "award_entry", "pk": winner.pk})
    client.post(PUBLISH, {"kind": "application", "pk": completed.pk})

    assert first.status_code == second.status_code == 302
    assert first.url == CANDIDATES
    assert Project.objects.filter(award_entry=winner).count() == 1
    assert Project.objects.filter(application=completed).count() == 1
    assert list(selectors.award_entries_not_in_catalog()) == []
    assert list(selectors.completed_projects_not_in_catalog()) == []


def test_the_publish_button_is_a_csrf_protected_post(winner, officer):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(officer)

    refused = csrf_client.post(PUBLISH, {"kind": "award_entry", "pk": winner.pk})
    by_get = csrf_client.get(PUBLISH, {"kind": "award_entry", "pk": winner.pk})

    assert refused.status_code == 403
    assert by_get.status_code == 405
    assert Project.objects.count() == 0


def test_candidates_are_secretariat_only(client, winner):
    from tests.factories.accounts import UserFactory

    client.force_login(UserFactory(is_staff=True))

    assert client.get(CANDIDATES).status_code == 403
    assert client.post(PUBLISH, {"kind": "award_entry", "pk": winner.pk}).status_code == 403
    assert Project.objects.count() == 0


def test_unknown_candidate_is_not_found(client, officer):
    client.force_login(officer)

    assert client.post(PUBLISH, {"kind": "judge", "pk": 1}).status_code == 404
    assert client.post(PUBLISH, {"kind": "award_entry", "pk": 999}).status_code == 404


def test_digest_counts_proposals_and_candidates(winner, completed, officer):
    from notifications.digest import digest_items_for
    from tests.factories.catalog import ProjectFactory

    ProjectFactory(status=ProjectStatus.SUBMITTED)

    lines = {item.label: item.count for item in digest_items_for(officer)}

    assert lines["Catalog projects awaiting review"] == 1
    assert lines["Award winners and completed projects not yet in the catalog"] == 2


def test_loading_the_wego_data_puts_the_2020_results_in_the_catalog(db):
    from django.core.management import call_command

    from catalog.enums import ProjectSource

    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115  (idempotent)

    published = selectors.published_projects()
    sources = sorted(published.values_list("source", flat=True))
    assert sources.count(ProjectSource.AWARD_ENTRY) == 18
    assert sources.count(ProjectSource.PROJECT_IMPLEMENTER) == 1
    assert published.count() == 19
    assert list(selectors.award_entries_not_in_catalog()) == []
    cauayan = published.get(source=ProjectSource.PROJECT_IMPLEMENTER)
    assert cauayan.organization.name == "Cauayan"
    assert cauayan.title == "Project Implementer 2020: Cauayan"
    assert "postponed to 2021" in cauayan.summary
    makati = published.get(title="The Makatizen Card Project")
    assert makati.organization.slug and makati.award_entry.result == "special_mention"
