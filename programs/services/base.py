"""Every write of the programs app: drafts, the workflow, reviews, messages, the plan, reminders.

Views, admin actions, the API and management commands call these functions. Each runs in one
transaction and names its side effects in its docstring. Each status change has exactly one
service (``application_submit``, ``application_shortlist``…); they all go through
``_transition``, which consults the table in ``programs.workflow`` and records who moved the
application, when, from which status to which, with the note shown to the city.

Permission: services that act for the city require ``programs.act_on_application``; staff
services require ``programs.decide_application`` (both in ``programs.rules``). Refusals raise
``PermissionDenied``; the views turn them into 404s.
"""

import datetime
import logging
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import User
from notifications.services import notification_create_bulk
from wego_portal.links import absolute_url

from .. import selectors
from ..enums import (
    ApplicationStatus,
)
from ..models import (
    Application,
)

logger = logging.getLogger(__name__)

S = ApplicationStatus
CITY = "city"
STAFF = "staff"

#: Reminders before a call closes, in days (the first that applies is sent, each once).
DRAFT_REMINDER_DAYS = (1, 7)
#: Reminders before a milestone is due, in days.
MILESTONE_REMINDER_DAYS = (1, 7)
#: A review still incomplete this long after assignment gets one reminder.
REVIEW_REMINDER_AFTER = datetime.timedelta(days=7)


def portal_path(application: Application) -> str:
    return reverse("programs:application", kwargs={"pk": application.pk})


def admin_path(application: Application) -> str:
    return reverse("admin:programs_application_change", args=[application.pk])


def _require(user, permission: str, application: Application) -> None:
    if user is None or not user.has_perm(permission, application):
        raise PermissionDenied


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organization")
        .get(pk=application.pk)
    )


def _sync(target: Application, source: Application) -> None:
    """Keep the caller's instance in step with the locked, saved copy."""
    for name in ("status", "status_changed_at", "submitted_at", "section_edits", "updated_at"):
        setattr(target, name, getattr(source, name))


# --- Notifications -----------------------------------------------------------------------------


def _staff_recipients(application: Application) -> list[User]:
    """Who hears of a city's action: assigned reviewers and the organization's office staff;
    the Secretariat when there are neither."""
    people = {u.pk: u for u in selectors.assigned_reviewers(application)}
    people.update({u.pk: u for u in selectors.office_staff_for(application)})
    if not people:
        people = {u.pk: u for u in selectors.secretariat_staff()}
    return [people[pk] for pk in sorted(people)]


def _notify_city(
    application: Application, *, kind: str, key: str, context: Mapping, url: str = ""
) -> None:
    notification_create_bulk(
        kind=kind,
        recipients=list(selectors.city_members(application)),
        about=application,
        context={
            "application": application,
            "organization": application.organization,
            "call": application.call,
            "action_url": absolute_url(url or portal_path(application)),
            **context,
        },
        idempotency_key=key,
        url=url or portal_path(application),
    )


def _notify_staff(
    application: Application,
    *,
    kind: str,
    key: str,
    context: Mapping,
    recipients: Iterable[User] | None = None,
) -> None:
    people = list(recipients) if recipients is not None else _staff_recipients(application)
    notification_create_bulk(
        kind=kind,
        recipients=[u for u in people if u.is_staff and u.is_active],
        about=application,
        context={
            "application": application,
            "organization": application.organization,
            "call": application.call,
            "action_url": absolute_url(admin_path(application)),
            **context,
        },
        idempotency_key=key,
        url=admin_path(application),
    )
