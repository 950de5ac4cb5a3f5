"""The member home: what needs the attention of the people acting for a city, each with its action.

Read-only: it gathers each app's own selectors (drafts, clarification requests, open calls,
event registrations, award entries, notices) for one user, in a bounded number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .selectors import organizations_of_user

#: How many items of each kind the home shows before "see all".
LIMIT = 5
#: An open call closing within this many days is flagged as urgent.
CLOSING_SOON_DAYS = 14


@dataclass
class MemberHome:
    organizations: list = field(default_factory=list)
    clarifications: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    open_calls: list = field(default_factory=list)
    registrations: list = field(default_factory=list)
    award_entries: list = field(default_factory=list)
    open_award_editions: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    unread_count: int = 0

    @property
    def action_count(self) -> int:
        """Things waiting for the user (the counts in the page's summary)."""
        drafts = sum(1 for entry in self.award_entries if entry.status == "draft")
        return len(self.clarifications) + len(self.drafts) + drafts


def _days_left(moment: datetime.datetime | None, now: datetime.datetime) -> int | None:
    if moment is None:
        return None
    return max((timezone.localdate(moment) - timezone.localdate(now)).days, 0)


def _programs(home: MemberHome, user, now) -> None:
    from programs import sections
    from programs.enums import ApplicationStatus
    from programs.selectors import (
        applications_of_user_organizations,
        open_calls,
        open_clarification_request,
    )

    applications = list(
        applications_of_user_organizations(user).filter(
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.CLARIFICATION_REQUESTED]
        )[: LIMIT * 2]
    )
    for application in applications:
        if application.status == ApplicationStatus.CLARIFICATION_REQUESTED:
            home.clarifications.append(
                {
                    "application": application,
                    "request": open_clarification_request(application),
                    "url": reverse("programs:application_answer", args=[application.pk]),
                }
            )
        elif len(home.drafts) < LIMIT:
            tasks = sections.task_list(application)
            home.drafts.append(
                {
                    "application": application,
                    "completed": sum(1 for row in tasks if row["status"] == sections.COMPLETED),
                    "total": len(tasks),
                    "missing": [row["section"] for row in tasks if row["missing"]],
                    "closes_at": application.call.closes_at,
                    "days_left": _days_left(application.call.closes_at, now),
                    "url": application.get_absolute_url(),
                }
            )
    started = set(
        applications_of_user_organizations(user)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .values_list("call_id", "organization_id")
    )
    for call in open_calls(now)[: LIMIT * 2]:
        eligible = [org for org in home.organizations if call.accepts(org.member_type)]
        waiting = [org for org in eligible if (call.pk, org.pk) not in started]
        if not waiting or len(home.open_calls) >= LIMIT:
            continue
        days_left = _days_left(call.closes_at, now)
        home.open_calls.append(
            {
                "call": call,
                "organizations": waiting,
                "days_left": days_left,
                "closing_soon": days_left is not None and days_left <= CLOSING_SOON_DAYS,
                "url": call.get_absolute_url(),
            }
        )


def _events(home: MemberHome, user, now) -> None:
    from events.enums import ACTIVE_REGISTRATION, Attendance, RegistrationStatus
    from events.selectors import registrations_of_user

    registrations = registrations_of_user(user).filter(
        status__in=(*ACTIVE_REGISTRATION, RegistrationStatus.PENDING)
    )
    upcoming = registrations.filter(
        Q(event__window_end__gte=now) | Q(event__window_end__isnull=True)
    )
    for registration in upcoming[:LIMIT]:
        event = registration.event
        home.registrations.append(
            {
                "registration": registration,
                "event": event,
                # The joining link goes to confirmed registrants only, as in the e-mails.
                "join_url": event.join_url
                if registration.status == RegistrationStatus.CONFIRMED
                and event.attendance != Attendance.IN_PERSON
                else "",
            }
        )


def _awards(home: MemberHome, user) -> None:
    from awards.enums import EntryStatus
    from awards.selectors import entries_of_user, open_editions, organizations_that_may_enter

    home.award_entries = list(entries_of_user(user).exclude(status=EntryStatus.WITHDRAWN)[:LIMIT])
    may_enter = organizations_that_may_enter(user)
    if may_enter:
        entered = {(entry.edition_id, entry.organization_id) for entry in home.award_entries}
        for edition in open_editions()[:LIMIT]:
            waiting = [org for org in may_enter if (edition.pk, org.pk) not in entered]
            if waiting:
                home.open_award_editions.append({"edition": edition, "organizations": waiting})


def _notices(home: MemberHome, user) -> None:
    from notifications.selectors import notices_for, unread_count_for

    home.unread_count = unread_count_for(user)
    if home.unread_count:
        home.notices = list(notices_for(user, unread_only=True)[:LIMIT])


def member_home(user, *, now: datetime.datetime | None = None) -> MemberHome:
    """Everything the member home shows for ``user``: only their organizations' records."""
    now = now or timezone.now()
    home = MemberHome(organizations=list(organizations_of_user(user)))
    if home.organizations:
        _programs(home, user, now)
        _awards(home, user)
    _events(home, user, now)
    _notices(home, user)
    return home
