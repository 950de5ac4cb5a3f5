"""Reads of the programs app: public program pages, the member portal, the back office.

Querysets that risk N+1 are built here once, with their ``select_related``/``prefetch``, and
shared by the HTML views, the admin and (later) the API. ``applications_visible_to`` scopes
every list, so a list never shows what the detail page would refuse.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from members.enums import MemberType, OrganizationStatus
from members.models import Organization
from members.rules import is_secretariat, organization_roles, staffed_office_ids
from members.selectors import organization_people, secretariat_users

from . import workflow
from .enums import ApplicationStatus, MessageVisibility
from .models import (
    CRITERIA,
    Application,
    ApplicationAttachment,
    ApplicationMessage,
    Call,
    Program,
    Review,
    SolutionComponent,
    Stakeholder,
)
from .rules import assigned_application_ids

# --- Public pages ------------------------------------------------------------------------------


def published_calls() -> QuerySet[Call]:
    return Call.objects.filter(is_published=True, program__is_published=True)


def open_calls(now=None) -> QuerySet[Call]:
    """Calls taking applications now (always-open calls included), closing soonest first."""
    now = now or timezone.now()
    return (
        published_calls()
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("program")
        .order_by("closes_at", "title")
    )


def public_programs(now=None) -> QuerySet[Program]:
    """Published programs, each with ``open_calls`` prefetched (three queries in all)."""
    return Program.objects.filter(is_published=True).prefetch_related(
        Prefetch("calls", queryset=open_calls(now), to_attr="open_calls"),
        "sections",
    )


def program_for_page(slug: str) -> Program:
    return (
        Program.objects.filter(is_published=True)
        .prefetch_related("sections", "areas")
        .get(slug=slug)
    )


def calls_of_program(program: Program, now=None) -> dict[str, list[Call]]:
    """The program's published calls split into open, upcoming and past."""
    now = now or timezone.now()
    calls = list(
        published_calls()
        .filter(program=program)
        .prefetch_related("documents")
        .order_by("-opens_at")
    )
    return {
        "open": [c for c in calls if c.has_opened(now) and not c.has_closed(now)],
        "upcoming": [c for c in calls if not c.has_opened(now)],
        "past": [c for c in calls if c.has_closed(now)],
    }


def selected_applications(calls) -> dict[int, list[Application]]:
    """Publicly announced results per call id: the selected cities and their partners."""
    selected = {status for statuses in workflow.SELECTED_STATUSES.values() for status in statuses}
    applications = (
        Application.objects.filter(call__in=calls, status__in=selected)
        .select_related("organization", "project")
        .order_by("organization__sort_name")
    )
    result: dict[int, list[Application]] = {}
    for application in applications:
        result.setdefault(application.call_id, []).append(application)
    return result


def call_for_page(program_slug: str, call_slug: str) -> Call:
    return (
        published_calls()
        .select_related("program")
        .prefetch_related("documents")
        .get(program__slug=program_slug, slug=call_slug)
    )


# --- Visibility --------------------------------------------------------------------------------


def _staff_condition(user) -> Q | None:
    """Applications ``user`` sees as staff (None: no staff scope at all)."""
    condition = None
    if not user.is_staff:
        return None
    offices = staffed_office_ids(user)
    if offices:
        condition = Q(organization__office_id__in=list(offices))
    reviews = assigned_application_ids(user)
    if reviews:
        by_review = Q(pk__in=list(reviews))
        condition = by_review if condition is None else condition | by_review
    return condition


def applications_visible_to(user) -> QuerySet[Application]:
    """Every application ``user`` may open, in the portal or the back office.

    Secretariat staff: all. Regional-office staff: those of the organizations their office
    looks after. Reviewers: those assigned to them. Member users: their organizations' own.
    """
    queryset = Application.objects.all()
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if is_secretariat(user):
        return queryset
    condition = Q(organization_id__in=list(organization_roles(user)))
    staff = _staff_condition(user)
    if staff is not None:
        condition |= staff
    return queryset.filter(condition)


def backoffice_scope(user, queryset: QuerySet[Application]) -> QuerySet[Application]:
    """``queryset`` narrowed to the applications ``user`` sees as staff outside the
    Secretariat (their offices' organizations', the ones assigned to them)."""
    staff = _staff_condition(user)
    return queryset.none() if staff is None else queryset.filter(staff)


def backoffice_applications(user) -> QuerySet[Application]:
    """The back office's list: what ``user`` sees as staff (not as a member of a city).

    Secretariat staff: all; regional-office staff: their offices' organizations'; reviewers:
    the applications assigned to them.
    """
    queryset = Application.objects.select_related("call", "organization__office", "project")
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return queryset.none()
    if is_secretariat(user):
        return queryset
    staff = _staff_condition(user)
    return queryset.none() if staff is None else queryset.filter(staff)


def applications_of_user_organizations(user) -> QuerySet[Application]:
    """The member portal's list: applications of the organizations ``user`` acts for."""
    return (
        Application.objects.filter(organization_id__in=list(organization_roles(user)))
        .select_related("call__program", "organization", "project")
        .order_by("-updated_at", "-id")
    )


def application_for_portal(pk: int) -> QuerySet[Application]:
    """The queryset the portal's application pages fetch one application from."""
    return Application.objects.select_related(
        "call__program", "organization__office", "solution_finder", "project", "created_by"
    ).prefetch_related("areas", "call__documents")


def application_components(application: Application) -> list[SolutionComponent]:
    return list(application.components.select_related("area"))


def application_attachments(application: Application) -> list[ApplicationAttachment]:
    """Document uploads of the form (answers to clarifications are listed with messages)."""
    return list(
        application.attachments.filter(message__isnull=True).select_related(
            "document", "uploaded_by"
        )
    )


def shared_messages(application: Application) -> list[ApplicationMessage]:
    """What the city may read: shared messages only. Internal notes never pass here."""
    return list(
        application.messages.filter(visibility=MessageVisibility.SHARED)
        .select_related("author")
        .prefetch_related("attachments")
    )


def all_messages(application: Application) -> list[ApplicationMessage]:
    """Shared and internal messages, for WeGO staff only."""
    return list(application.messages.select_related("author").prefetch_related("attachments"))


def section_editors(application: Application) -> dict[str, dict]:
    """Who last saved each section and when (one query for the people)."""
    edits = application.section_edits or {}
    ids = {edit.get("by") for edit in edits.values() if edit.get("by")}
    people = {
        user.pk: user.full_name or user.email
        for user in get_user_model().objects.filter(pk__in=ids).only("pk", "full_name", "email")
    }
    result = {}
    for key, edit in edits.items():
        at = edit.get("at")
        result[key] = {
            "name": people.get(edit.get("by"), ""),
            "at": datetime.datetime.fromisoformat(at) if at else None,
        }
    return result


def application_timeline(application: Application):
    return list(application.transitions.select_related("by"))


def open_clarification_request(application: Application) -> ApplicationMessage | None:
    """The latest clarification request while the application waits for the city's answer."""
    if application.status != ApplicationStatus.CLARIFICATION_REQUESTED:
        return None
    return (
        application.messages.filter(
            visibility=MessageVisibility.SHARED, kind="clarification_request"
        )
        .order_by("-created_at", "-id")
        .first()
    )


def application_plan(application: Application) -> dict:
    """Stakeholders and milestones (Activator Plan), shown once the project is selected."""
    return {
        "stakeholders": list(
            application.stakeholders.select_related("organization").order_by("role", "id")
        ),
        "milestones": list(application.milestones.all()),
    }


def city_members(application: Application) -> QuerySet:
    """The active people acting for the applicant organization: the city's recipients."""
    return organization_people(application.organization_id)


def assigned_reviewers(application: Application) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(program_reviews__application=application, is_active=True, is_staff=True)
        .order_by("pk")
    )


def office_staff_for(application: Application) -> QuerySet:
    office_id = application.organization.office_id
    if office_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(groups__office__id=office_id, is_active=True, is_staff=True)
        .order_by("pk")
    )


def secretariat_staff() -> QuerySet:
    return secretariat_users()


# --- Review ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreSummary:
    """Average and spread of the completed reviews of one application."""

    reviews: int
    completed: int
    average: Decimal | None
    spread: Decimal | None  # highest minus lowest reviewer average
    criteria: list[dict]  # per criterion: key, label, average, low, high


def review_summary(reviews: list[Review]) -> ScoreSummary:
    done = [review for review in reviews if review.is_complete and review.average is not None]
    criteria = []
    for key, label in CRITERIA:
        values = [getattr(review, key) for review in done]
        criteria.append(
            {
                "key": key,
                "label": label,
                "average": _mean(values),
                "low": min(values) if values else None,
                "high": max(values) if values else None,
            }
        )
    averages = [review.average for review in done]
    return ScoreSummary(
        reviews=len(reviews),
        completed=len(done),
        average=_mean(averages),
        spread=(max(averages) - min(averages)) if averages else None,
        criteria=criteria,
    )


def _mean(values) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"))


def application_reviews(application: Application) -> list[Review]:
    return list(application.reviews.select_related("reviewer", "assigned_by"))


def outstanding_reviews_for(user) -> QuerySet[Review]:
    """``user``'s incomplete reviews of applications still being reviewed."""
    review_steps = {s for steps in workflow.REVIEW_STEPS.values() for s in steps}
    return Review.objects.filter(
        reviewer=user, completed_at__isnull=True, application__status__in=review_steps
    )


# --- Selection ---------------------------------------------------------------------------------

PARTNER_TYPES = [MemberType.CORPORATION, MemberType.INSTITUTION]


def partner_candidates() -> QuerySet[Organization]:
    """Organizations that may be connected as partners: active corporations and institutions."""
    return Organization.objects.filter(
        status=OrganizationStatus.ACTIVE, member_type__in=PARTNER_TYPES
    ).order_by("sort_name")


def partner_choices(application: Application) -> QuerySet[Organization]:
    """Every partner candidate, those matching the application's areas first."""
    area_ids = application_area_ids(application)
    return (
        partner_candidates()
        .annotate(matching=Count("areas", filter=Q(areas__in=area_ids or [0]), distinct=True))
        .order_by("-matching", "sort_name", "pk")
    )


def application_area_ids(application: Application) -> set[int]:
    """The areas an application concerns: those chosen and those of its package components."""
    ids = set(application.areas.values_list("id", flat=True))
    ids |= set(application.components.exclude(area=None).values_list("area_id", flat=True))
    return ids


def partner_suggestions(application: Application, limit: int = 10) -> list[Organization]:
    """Corporations and institutions whose areas of expertise match the application's areas.

    Ordered by the number of matching areas, then name; each carries ``matching`` (the count)
    and ``matching_areas`` (names). Organizations already stakeholders are left out.
    """
    area_ids = application_area_ids(application)
    if not area_ids:
        return []
    already = Stakeholder.objects.filter(application=application).values("organization_id")
    candidates = list(
        partner_candidates()
        .exclude(pk__in=already)
        .annotate(matching=Count("areas", filter=Q(areas__in=area_ids), distinct=True))
        .filter(matching__gt=0)
        .order_by("-matching", "sort_name", "pk")[:limit]
    )
    names = {}
    through = Organization.areas.through
    for row in through.objects.filter(
        organization_id__in=[c.pk for c in candidates], smartcityarea_id__in=area_ids
    ).select_related("smartcityarea"):
        names.setdefault(row.organization_id, []).append(row.smartcityarea)
    for candidate in candidates:
        areas = sorted(names.get(candidate.pk, []), key=lambda a: (a.position, a.name))
        candidate.matching_areas = [area.name for area in areas]
    return candidates


# --- Back office -------------------------------------------------------------------------------


def status_counts(call: Call) -> list[dict]:
    """Applications of ``call`` per status, in workflow order (one query)."""
    counts = Counter(
        dict(
            call.applications.order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
    )
    return [
        {"status": status, "label": ApplicationStatus(status).label, "count": counts[status]}
        for status in workflow.statuses_for(call.kind)
    ]


def applications_awaiting_review(user) -> QuerySet[Application]:
    """Submitted applications whose review has not started, among those ``user`` may see."""
    return backoffice_applications(user).filter(status=ApplicationStatus.SUBMITTED)
