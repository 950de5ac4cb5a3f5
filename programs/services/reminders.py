"""The scheduled reminders: drafts near their deadline, reviews, milestones."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from notifications.services import notification_create_bulk
from wego_portal.links import absolute_url

from .. import sections, selectors, workflow
from ..enums import (
    MilestoneStatus,
)
from ..models import (
    Application,
    Milestone,
    Review,
)
from .base import (
    DRAFT_REMINDER_DAYS,
    MILESTONE_REMINDER_DAYS,
    REVIEW_REMINDER_AFTER,
    S,
    admin_path,
    portal_path,
)

# --- Reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderReport:
    drafts: int
    reviews: int
    milestones: int


def _window(remaining: datetime.timedelta, days: tuple[int, ...]) -> int | None:
    """The smallest reminder window (in days) that ``remaining`` falls within, if any."""
    if remaining <= datetime.timedelta(0):
        return None
    for window in sorted(days):
        if remaining <= datetime.timedelta(days=window):
            return window
    return None


def draft_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the city's people of a draft not submitted 7 days and 1 day before the call
    closes. Each reminder goes once (the key holds the window and the closing time, so an
    extended deadline gets its own reminders). Returns how many notifications were created."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=max(DRAFT_REMINDER_DAYS))
    drafts = (
        Application.objects.filter(
            status=S.DRAFT,
            call__is_published=True,
            call__closes_at__gt=now,
            call__closes_at__lte=horizon,
        )
        .select_related("call__program", "organization")
        .order_by("pk")
    )
    created = 0
    for application in drafts:
        window = _window(application.call.closes_at - now, DRAFT_REMINDER_DAYS)
        if window is None:
            continue
        with transaction.atomic():
            ids = notification_create_bulk(
                kind="programs.reminder.draft_deadline",
                recipients=list(selectors.city_members(application)),
                about=application,
                context={
                    "application": application,
                    "call": application.call,
                    "closes_at": application.call.closes_at,
                    "window": window,
                    "missing": [m["message"] for m in sections.all_missing(application)],
                    "action_url": absolute_url(portal_path(application)),
                },
                idempotency_key=(
                    f"programs-draft-reminder-{application.pk}-{window}d-"
                    f"{application.call.closes_at:%Y%m%d%H%M}"
                ),
                url=portal_path(application),
            )
        created += len(ids)
    return created


def review_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind each reviewer once of a review still incomplete a week after assignment,
    while the application is being reviewed. Returns how many notifications were created."""
    now = now or timezone.now()
    review_steps = {s for steps in workflow.REVIEW_STEPS.values() for s in steps}
    reviews = (
        Review.objects.filter(
            completed_at__isnull=True,
            assigned_at__lte=now - REVIEW_REMINDER_AFTER,
            application__status__in=review_steps,
            reviewer__is_active=True,
            reviewer__is_staff=True,
        )
        .select_related("reviewer", "application__organization", "application__call")
        .order_by("pk")
    )
    created = 0
    for review in reviews:
        with transaction.atomic():
            ids = notification_create_bulk(
                kind="programs.reminder.review_outstanding",
                recipients=[review.reviewer],
                about=review.application,
                context={
                    "application": review.application,
                    "review": review,
                    "action_url": absolute_url(admin_path(review.application)),
                },
                idempotency_key=f"programs-review-reminder-{review.pk}",
                url=admin_path(review.application),
            )
        created += len(ids)
    return created


def milestone_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the city's people of an open milestone 7 days and 1 day before it is due.
    Each once per due date. Returns how many notifications were created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    plan_statuses = {s for steps in workflow.PLAN_STATUSES.values() for s in steps}
    milestones = (
        Milestone.objects.filter(
            status__in=[MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS],
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=max(MILESTONE_REMINDER_DAYS)),
            application__status__in=plan_statuses,
        )
        .select_related("application__organization", "application__call")
        .order_by("pk")
    )
    created = 0
    for milestone in milestones:
        days_left = (milestone.due_on - today).days
        window = next((w for w in sorted(MILESTONE_REMINDER_DAYS) if days_left <= w), None)
        if window is None:
            continue
        application = milestone.application
        with transaction.atomic():
            ids = notification_create_bulk(
                kind="programs.reminder.milestone_due",
                recipients=list(selectors.city_members(application)),
                about=application,
                context={
                    "application": application,
                    "milestone": milestone,
                    "days_left": days_left,
                    "action_url": absolute_url(portal_path(application)),
                },
                idempotency_key=(
                    f"programs-milestone-reminder-{milestone.pk}-{window}d-"
                    f"{milestone.due_on:%Y%m%d}"
                ),
                url=portal_path(application),
            )
        created += len(ids)
    return created


def reminders_send(*, now: datetime.datetime | None = None) -> ReminderReport:
    """The daily reminders (Celery beat): drafts before a call closes, outstanding reviews,
    milestones coming due. Idempotent: running twice a day sends nothing twice."""
    return ReminderReport(
        drafts=draft_reminders_send(now=now),
        reviews=review_reminders_send(now=now),
        milestones=milestone_reminders_send(now=now),
    )
