"""Every write of the project catalog: members' proposals and their moderation, images, and
the one-action publication of award-winning entries and completed Project Implementer projects.

Each function runs in one transaction and names its side effects; notifications are created
inside the transaction and delivered after it commits.
"""

import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from members.models import Organization, fold
from members.rules import is_secretariat
from programs.enums import BudgetRange
from programs.models import SmartCityArea
from wego_portal.files import normalised_image
from wego_portal.links import absolute_url
from wego_portal.moderation.services import (
    Moderation,
    moderation_mark_published,
    moderation_publish,
    moderation_return,
    moderation_submit,
)
from wego_portal.permissions import require

from .enums import EDITABLE_STATUSES, ProjectSource, ProjectStatus
from .models import Project, ProjectImage

logger = logging.getLogger(__name__)

IMAGE_MAX_SIDE = 1600
THUMBNAIL_MAX_SIDE = 480
MAX_IMAGES = 8

#: The fields a member fills in; ``areas`` and ``partners`` are lists of objects.
PROJECT_FIELDS = (
    "title",
    "city_name",
    "country",
    "start_year",
    "end_year",
    "summary",
    "problem",
    "solution",
    "results",
    "figures",
    "partners_text",
    "budget_range",
    "links",
)

#: WeGO Awards categories (by slug) → the Smart City Driver areas a winner is filed under.
#: Inferred from the categories' keywords; the secretariat adjusts a project's areas in admin.
AWARD_CATEGORY_AREAS = {
    "efficient-government": ["e-government"],
    "emerging-technology": ["innovation-startups"],
    "mobility": ["public-transportation", "traffic-management"],
    "open-and-inclusive-city": ["civic-engagement"],
    "safe-city": ["public-safety", "disaster-risk-management"],
    "sustainable-city": ["renewables-circular-economy", "energy-efficiency"],
}


#: Project Implementer statuses of a past round's result recorded from the annual report that
#: make it a catalog project (the beneficiary city is chosen; the project is its own).
RECORDED_RESULT_STATUSES = (
    "beneficiary_selected",
    "consulting_company_selected",
    "feasibility_study",
    "pilot_project",
)


class CatalogError(Exception):
    """An operation the current state does not allow; the message is shown to the person."""


def project_unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A slug for ``title`` not yet taken: "my-safe-city", then "my-safe-city-2"…"""
    base = slugify(fold(title))[:200] or "project"
    taken = set(
        Project.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _apply(project: Project, data: Mapping) -> None:
    for name in PROJECT_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name not in ("start_year", "end_year"):
                value = [] if name in ("figures", "links") else ""
            setattr(project, name, value)


def _set_relations(project: Project, data: Mapping) -> None:
    if "areas" in data and data["areas"] is not None:
        project.areas.set(data["areas"])
    if "partners" in data and data["partners"] is not None:
        project.partners.set([p for p in data["partners"] if p.pk != project.organization_id])


# --- Members' proposals ------------------------------------------------------------------------


@transaction.atomic
def catalog_project_create(
    *, organization: Organization | None, data: Mapping, created_by: User | None
) -> Project:
    """A draft project of ``organization`` (country from the member unless given).

    Side effects: none beyond the rows; nothing is public until the secretariat publishes it.
    """
    project = Project(
        organization=organization,
        created_by=created_by,
        source=ProjectSource.MEMBER if organization is not None else ProjectSource.SECRETARIAT,
    )
    if organization is not None:
        project.country = organization.country
        project.region = organization.region
    _apply(project, data)
    if not project.title:
        project.title = _("Untitled project")
    project.slug = project_unique_slug(project.title)
    project.full_clean(exclude=["organization", "created_by", "slug"])
    project.save()
    _set_relations(project, data)
    return project


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _check_editable(project: Project, by: User) -> None:
    if project.status not in EDITABLE_STATUSES and not is_secretariat(by):
        raise CatalogError(_("This project is with the secretariat and can no longer be changed."))


@transaction.atomic
def catalog_project_update(*, project: Project, data: Mapping, changed_by: User) -> Project:
    """Change a draft or returned proposal (the secretariat may change any project)."""
    project = _locked(project)
    _check_editable(project, changed_by)
    _apply(project, data)
    if project.status != ProjectStatus.PUBLISHED:
        project.slug = project_unique_slug(project.title, exclude_pk=project.pk)
    project.full_clean(exclude=["organization", "created_by", "slug"])
    project.save()
    _set_relations(project, data)
    return project


@transaction.atomic
def catalog_project_add_image(
    *, project: Project, upload, caption: str = "", added_by: User
) -> ProjectImage:
    """Add a picture, re-encoded (only pixels are kept) with a thumbnail.

    The upload must have passed ``wego_portal.files.validate_image``. Side effects: writes two
    files in public media under an unguessable folder.
    """
    project = _locked(project)
    _check_editable(project, added_by)
    if project.images.count() >= MAX_IMAGES:
        raise CatalogError(_("A project has at most %(n)d images.") % {"n": MAX_IMAGES})
    return _store_image(project, upload=upload, caption=caption)


def _store_image(project: Project, *, upload, caption: str) -> ProjectImage:
    name = project.slug or "project"
    image = normalised_image(upload, max_side=IMAGE_MAX_SIDE, name=name)
    upload.seek(0)
    thumbnail = normalised_image(upload, max_side=THUMBNAIL_MAX_SIDE, name=f"{name}-thumb")
    record = ProjectImage(
        project=project, caption=caption[:200], position=project.images.count() + 1
    )
    record.image.save(image.name, image, save=False)
    record.thumbnail.save(thumbnail.name, thumbnail, save=False)
    record.save()
    return record


@transaction.atomic
def catalog_project_remove_image(*, image: ProjectImage, removed_by: User) -> None:
    """Remove a picture; its files go after commit."""
    _check_editable(_locked(image.project), removed_by)
    files = [(f.storage, f.name) for f in (image.image, image.thumbnail) if f]
    image.delete()

    def cleanup():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(cleanup)


#: How the catalog's projects are moderated (``wego_portal.moderation``).
CATALOG_MODERATION = Moderation(
    model=Project,
    permission="catalog.moderate_projects",
    notifications="catalog.project",
    submitted_event="proposed",
    context_name="project",
    manage_url="catalog:project_manage",
    error=CatalogError,
    messages={
        "already_submitted": _lazy("This project was already sent to the secretariat."),
        "incomplete": _lazy("Complete these parts before you send it: %(parts)s."),
        "already_published": _lazy("This project is already published."),
        "not_submitted": _lazy("A member's project is published once the member has sent it."),
        "not_returnable": _lazy("Only proposed or published projects can be returned."),
    },
)


def catalog_project_propose(*, project: Project, proposed_by: User) -> Project:
    """Send a complete draft (or a returned proposal) to the secretariat.

    Refuses (``CatalogError``) an incomplete one, listing what is missing. Side effects: a
    notice and e-mail to every Secretariat staff member.
    """
    return moderation_submit(moderation=CATALOG_MODERATION, obj=project, submitted_by=proposed_by)


def catalog_project_publish(*, project: Project, published_by: User) -> Project:
    """Publish a proposal (or a project the secretariat curates) in the public catalog.

    A member's project must have been proposed; other sources may go straight from draft.
    Side effects: notice and e-mail to the people of the city's organization.
    """
    return moderation_publish(moderation=CATALOG_MODERATION, obj=project, published_by=published_by)


def catalog_project_return(*, project: Project, returned_by: User, note: str) -> Project:
    """Return a proposal (or take down a published project) to the city, with a note.

    Side effects: the project leaves the public catalog; notice and e-mail with the note.
    """
    return moderation_return(
        moderation=CATALOG_MODERATION, obj=project, returned_by=returned_by, note=note
    )


# --- One-action publication from awards and programs -------------------------------------------


def _areas(slugs: Iterable[str]) -> list[SmartCityArea]:
    return list(SmartCityArea.objects.filter(slug__in=list(slugs)))


def _create_from_source(
    *, lookup: dict, build, published_by: User | None, notify: bool = True
) -> tuple[Project, bool]:
    """Create and publish the project ``build()`` describes, unless ``lookup`` finds it.

    The one-to-one source field makes a second project for the same source impossible; a
    concurrent publisher that loses the race gets the winner's project.
    """
    existing = Project.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    project, relations, copy_images = build()
    try:
        with transaction.atomic():
            project.slug = project_unique_slug(project.title)
            project.save()
    except IntegrityError:
        existing = Project.objects.filter(**lookup).first()
        if existing is None:
            raise
        return existing, False
    _set_relations(project, relations)
    copy_images(project)
    moderation_mark_published(
        moderation=CATALOG_MODERATION, obj=project, published_by=published_by, notify=notify
    )
    return project, True


@transaction.atomic
def catalog_project_from_award_entry(*, entry, published_by: User | None) -> Project:
    """Publish an awarded WeGO Awards entry in the catalog (idempotent: once per entry).

    Copies title, city, country, summary, problem, solution, results, start year and partners;
    files it under the Smart City Driver areas of its category (``AWARD_CATEGORY_AREAS``) and
    copies its images. Refuses (``CatalogError``) an entry without a published award. Calling
    again returns the same project. Side effects: notice and e-mail to the city's people.
    """
    require(published_by, "catalog.moderate_projects")
    return _project_from_award_entry(entry=entry, published_by=published_by, notify=True)


def _project_from_award_entry(*, entry, published_by: User | None, notify: bool) -> Project:
    from awards.models import Entry

    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    entry = Entry.objects.select_related("edition", "category", "organization").get(pk=entry.pk)
    existing = Project.objects.filter(award_entry=entry).first()
    if existing is not None:
        return existing
    if not entry.is_public:
        raise CatalogError(
            _("Only winners and special mentions of published WeGO Awards results can be added.")
        )

    def build():
        organization = entry.organization
        project = Project(
            title=entry.project_title,
            organization=organization,
            city_name=entry.entrant_name,
            country=entry.entrant_country or (organization.country if organization else ""),
            region=organization.region if organization else "",
            start_year=entry.started_on.year if entry.started_on else None,
            summary=entry.summary,
            problem=entry.problem,
            solution=entry.solution,
            results=entry.results_impact,
            partners_text=entry.partners,
            links=[
                {
                    "title": f"{entry.edition.title}: {entry.get_result_display()}, "
                    f"{entry.category.name}",
                    "url": absolute_url(entry.get_absolute_url()),
                }
            ],
            source=ProjectSource.AWARD_ENTRY,
            award_entry=entry,
            created_by=published_by,
        )
        relations = {"areas": _areas(AWARD_CATEGORY_AREAS.get(entry.category.slug, []))}
        return project, relations, lambda p: _copy_entry_images(entry, p)

    project, _created = _create_from_source(
        lookup={"award_entry": entry}, build=build, published_by=published_by, notify=notify
    )
    return project


def _copy_entry_images(entry, project: Project) -> None:
    for entry_image in entry.images.order_by("id")[:MAX_IMAGES]:
        try:
            with entry_image.image.open("rb") as handle:
                _store_image(project, upload=handle, caption=entry_image.caption)
        except (OSError, ValidationError):  # a missing or damaged file must not stop it
            logger.exception("Could not copy image %s of award entry %s", entry_image.pk, entry.pk)


def _budget_range(total: Decimal | None, currency: str) -> str:
    if total is None:
        return ""
    if currency != "USD":
        return BudgetRange.UNKNOWN
    for limit, value in (
        (Decimal(100_000), BudgetRange.UNDER_100K),
        (Decimal(500_000), BudgetRange.FROM_100K_TO_500K),
        (Decimal(1_000_000), BudgetRange.FROM_500K_TO_1M),
        (Decimal(5_000_000), BudgetRange.FROM_1M_TO_5M),
    ):
        if total < limit:
            return value
    return BudgetRange.OVER_5M


@transaction.atomic
def catalog_project_from_application(*, application, published_by: User | None) -> Project:
    """Publish a completed Project Implementer project in the catalog (idempotent).

    Copies the proposal's title, summary, objectives (as the problem), implementation plan
    (as the solution) and expected impact (as the results), its areas, the budget range (from
    a budget in US dollars) and the organizations of its plan as partners. Refuses
    (``CatalogError``) anything but a completed Project Implementer application. Calling again
    returns the same project. Side effects: notice and e-mail to the city's people.
    """
    require(published_by, "catalog.moderate_projects")
    from programs.enums import ApplicationStatus

    return _project_from_application(
        application=application,
        published_by=published_by,
        statuses=[ApplicationStatus.COMPLETED],
        notify=True,
    )


def _project_from_application(
    *, application, published_by: User | None, statuses: list[str], notify: bool
) -> Project:
    from programs.enums import ApplicationKind
    from programs.models import Application, ApplicationTransition, ProjectImplementerDetails

    application = Application.objects.select_for_update().get(pk=application.pk)
    existing = Project.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if (
        application.kind != ApplicationKind.PROJECT_IMPLEMENTER
        or application.status not in statuses
    ):
        raise CatalogError(_("Only completed Project Implementer projects can be added."))
    application = (
        Application.objects.select_related("organization", "call")
        .prefetch_related("areas", "stakeholders__organization")
        .get(pk=application.pk)
    )
    try:
        details = application.project
    except ProjectImplementerDetails.DoesNotExist:
        details = None

    # A result recorded from the annual report has no proposal text: its summary is the
    # report's own sentence (the note of the transition that recorded it).
    recorded_note = ""
    if application.submitted_at is None and not (details and details.summary):
        last = ApplicationTransition.objects.filter(application=application).order_by("-at").first()
        recorded_note = last.note if last else ""

    def build():
        organization = application.organization
        started = application.submitted_at or application.created_at
        default_title = f"{application.call}: {organization.name}"
        project = Project(
            title=(details.title if details and details.title else default_title),
            organization=organization,
            country=organization.country,
            region=organization.region,
            start_year=started.year if started else None,
            summary=(details.summary if details and details.summary else recorded_note),
            problem=details.objectives if details else "",
            solution=details.implementation_plan if details else "",
            results=details.expected_impact if details else "",
            budget_range=_budget_range(details.total_budget, details.currency) if details else "",
            source=ProjectSource.PROJECT_IMPLEMENTER,
            application=application,
            created_by=published_by,
        )
        partners = {
            stakeholder.organization
            for stakeholder in application.stakeholders.all()
            if stakeholder.organization_id != organization.pk
        }
        relations = {
            "areas": list(application.areas.all()),
            "partners": sorted(partners, key=lambda org: org.pk),
        }
        return project, relations, lambda p: None

    project, _created = _create_from_source(
        lookup={"application": application},
        build=build,
        published_by=published_by,
        notify=notify,
    )
    return project


@transaction.atomic
def catalog_records_publish() -> dict[str, int]:
    """Put WeGO's recorded results in the catalog: the data loader's step (no acting user).

    Publishes every winner and special mention of published WeGO Awards results, and every
    Project Implementer project whose beneficiary city was recorded from the annual report
    (a past round's result, e.g. Cauayan City 2020, whose execution the report says was
    postponed) or completed, through the same builders as the secretariat's one-click action.
    Idempotent (each source is in the catalog at most once). Side effects: none beyond the
    rows; no notice is sent, as these are past results, not news for the city.
    """
    from programs.enums import ApplicationKind, ApplicationStatus
    from programs.models import Application

    from .selectors import award_entries_not_in_catalog

    added = {"award_entries": 0, "projects": 0}
    for entry in award_entries_not_in_catalog():
        _project_from_award_entry(entry=entry, published_by=None, notify=False)
        added["award_entries"] += 1
    recorded = Application.objects.filter(
        kind=ApplicationKind.PROJECT_IMPLEMENTER,
        catalog_project__isnull=True,
    ).filter(
        Q(status=ApplicationStatus.COMPLETED)
        | Q(status__in=RECORDED_RESULT_STATUSES, submitted_at__isnull=True)
    )
    for application in recorded.order_by("pk"):
        _project_from_application(
            application=application,
            published_by=None,
            statuses=[ApplicationStatus.COMPLETED, *RECORDED_RESULT_STATUSES],
            notify=False,
        )
        added["projects"] += 1
    return added
