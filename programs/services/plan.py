"""The Activator Plan (stakeholders and milestones) and historical results."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from members.models import Organization

from .. import workflow
from ..enums import (
    MilestoneStatus,
)
from ..errors import (
    ProgramError,
)
from ..models import (
    Application,
    ApplicationTransition,
    Call,
    Milestone,
    ProjectImplementerDetails,
    SolutionFinderDetails,
    Stakeholder,
)
from .base import _require
from .workflow import _beneficiary

# --- Activator Plan ----------------------------------------------------------------------------


def _ensure_plan(application: Application) -> None:
    if not workflow.has_plan(application.kind, application.status):
        raise ProgramError(_("A project gets its plan once it is selected."))


@transaction.atomic
def stakeholder_save(*, stakeholder: Stakeholder, changed_by: User) -> Stakeholder:
    """Add or change a stakeholder of a selected project's plan."""
    _require(changed_by, "programs.decide_application", stakeholder.application)
    _ensure_plan(stakeholder.application)
    if stakeholder.pk is None:
        stakeholder.added_by = changed_by
    stakeholder.full_clean(exclude=["application", "added_by"])
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_remove(*, stakeholder: Stakeholder, removed_by: User) -> None:
    _require(removed_by, "programs.decide_application", stakeholder.application)
    stakeholder.delete()


@transaction.atomic
def milestone_save(*, milestone: Milestone, changed_by: User) -> Milestone:
    """Add or change a milestone of a selected project's plan (visible to the city).

    Side effects: a milestone marked done gets today as its completion date if none is given.
    Reminders go out before its due date (``reminders_send``); a new due date gets new ones.
    """
    _require(changed_by, "programs.decide_application", milestone.application)
    _ensure_plan(milestone.application)
    if milestone.status == MilestoneStatus.DONE and milestone.completed_on is None:
        milestone.completed_on = timezone.localdate()
    if milestone.status != MilestoneStatus.DONE:
        milestone.completed_on = None
    milestone.full_clean(exclude=["application"])
    milestone.save()
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, removed_by: User) -> None:
    _require(removed_by, "programs.decide_application", milestone.application)
    milestone.delete()


# --- Historical results ------------------------------------------------------------------------


@transaction.atomic
def application_record_result(
    *,
    call: Call,
    organization: Organization,
    status: str,
    decided_at: datetime.datetime,
    note: str,
    title: str = "",
) -> Application:
    """Record a past round's outcome (e.g. the 2020 beneficiary city) as data. Idempotent.

    The application is created directly in ``status`` with one transition "recorded from
    the 2020 annual report" (no fabricated intermediate steps), and, when the status has a
    plan, the city as its beneficiary stakeholder. No notification is sent.
    """
    application, created = Application.objects.get_or_create(
        call=call,
        organization=organization,
        defaults={
            "kind": call.kind,
            "status": status,
            "created_at": decided_at,
            "submitted_at": None,
            "status_changed_at": decided_at,
        },
    )
    if not created:
        return application
    if application.is_solution_finder:
        SolutionFinderDetails.objects.create(application=application)
    else:
        ProjectImplementerDetails.objects.create(application=application, title=title)
    ApplicationTransition.objects.create(
        application=application, from_status="", to_status=status, at=decided_at, note=note
    )
    if workflow.has_plan(application.kind, status):
        _beneficiary(application, None)
    return application
