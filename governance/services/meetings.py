"""Every write of the governance app: seats, delegates, meetings, votes, ballots, decisions.

Views, admin actions, the API, Celery beat and the data loader call these functions. Each runs
in one transaction, checks the acting user against a named permission of ``governance.rules``
(``None`` is the system: the schedule run by Celery beat, the data loader), takes the status the
actor saw (``expected_status``) where a decision could be stale, consults the transition table
in ``governance.workflow`` and appends an ``AuditEntry``.

Secret ballots: ``ballot_cast`` marks the organization as having voted on the roll and stores
the ballot with a random key and receipt code and nothing else; ``vote_close`` rewrites the
ballots in a random order in one transaction before counting, and nothing written anywhere
(audit, notifications, logs) names a ballot's key or receipt next to a voter.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from members.enums import MembershipClass, OrganizationStatus, Relationship
from members.models import Organization
from wego_portal.stale_decisions import check_expected_status

from .. import workflow
from ..enums import (
    MeetingStatus,
    VoteStatus,
)
from ..errors import (
    GovernanceError,
    StaleStatus,
)
from ..models import (
    Attendance,
    AuditEntry,
    Body,
    Decision,
    Delegate,
    Meeting,
    Seat,
    Vote,
)

logger = logging.getLogger(__name__)

V = VoteStatus
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


def _require(user, permission: str, obj=None) -> None:
    """``user`` None is the system (Celery beat, the data loader); anyone else needs the
    permission."""
    if user is not None and not user.has_perm(permission, obj):
        raise PermissionDenied


def _expect(current: str, expected_status: str | None, label) -> None:
    """The stale-decision guard (``wego_portal.stale_decisions``): refuse when the record moved
    since the actor looked at it; ``None`` (Celery beat, a script) is not checked."""
    try:
        check_expected_status(current=current, expected=expected_status, error=StaleStatus)
    except StaleStatus as exc:
        raise StaleStatus(
            _("This %(what)s changed meanwhile (it is now “%(status)s”): reload and try again.")
            % {"what": label, "status": current},
            expected=exc.expected,
            current=exc.current,
        ) from None


def audit(
    action: str,
    *,
    actor: User | None,
    meeting: Meeting | None = None,
    vote: Vote | None = None,
    decision: Decision | None = None,
    organization: Organization | None = None,
    from_status: str = "",
    to_status: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        action=action,
        meeting=meeting,
        vote=vote,
        decision=decision,
        organization=organization,
        from_status=from_status,
        to_status=to_status,
        detail=detail or {},
    )


# --- Seats and delegates -----------------------------------------------------------------------


@transaction.atomic
def seat_grant(
    *,
    body: Body,
    organization: Organization,
    role: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None = None,
    note: str = "",
    granted_by: User | None,
) -> Seat:
    """Give ``organization`` a seat on ``body`` for a term. Side effects: audit row."""
    _require(granted_by, "governance.manage")
    seat = Seat.objects.create(
        body=body,
        organization=organization,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
    )
    audit(
        "seat.granted",
        actor=granted_by,
        organization=organization,
        detail={"body": body.kind, "role": role, "starts_on": str(starts_on or "")},
    )
    return seat


@transaction.atomic
def delegate_name(*, organization: Organization, user: User, named_by: User) -> Delegate:
    """Name one of the organization's people as a voting delegate. Side effects: audit row."""
    _require(named_by, "governance.name_delegates", organization)
    if not organization.people.filter(user=user).exists():
        raise GovernanceError(_("A delegate must be one of the organization's people."))
    existing = Delegate.objects.filter(organization=organization, user=user, ended_at=None).first()
    if existing is not None:
        return existing
    delegate = Delegate.objects.create(organization=organization, user=user, named_by=named_by)
    audit(
        "delegate.named",
        actor=named_by,
        organization=organization,
        detail={"delegate": user.email},
    )
    return delegate


@transaction.atomic
def delegate_end(*, delegate: Delegate, ended_by: User) -> Delegate:
    """Withdraw a delegation (kept in the history). Side effects: audit row."""
    _require(ended_by, "governance.name_delegates", delegate.organization)
    if delegate.ended_at is None:
        delegate.ended_at = timezone.now()
        delegate.save(update_fields=["ended_at"])
        audit(
            "delegate.ended",
            actor=ended_by,
            organization=delegate.organization,
            detail={"delegate": delegate.user.email},
        )
    return delegate


# --- Meetings ----------------------------------------------------------------------------------


@transaction.atomic
def meeting_move(
    *, meeting: Meeting, to_status: str, moved_by: User | None, expected_status: str | None
) -> Meeting:
    """Open the session, mark the meeting held, or cancel it. Side effects: audit row."""
    _require(moved_by, "governance.manage", meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _expect(locked.status, expected_status, _("meeting"))
    workflow.check_meeting_move(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    audit(
        "meeting.moved",
        actor=moved_by,
        meeting=locked,
        from_status=from_status,
        to_status=to_status,
    )
    meeting.status = to_status
    return locked


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, organization: Organization, present: bool, recorded_by: User | None
) -> None:
    """Record a member as present (or no longer present) at a meeting in session."""
    _require(recorded_by, "governance.manage", meeting)
    if meeting.status not in {MeetingStatus.IN_SESSION, MeetingStatus.PLANNED}:
        raise GovernanceError(_("Attendance is recorded only before and during the session."))
    if present:
        Attendance.objects.get_or_create(meeting=meeting, organization=organization)
    else:
        Attendance.objects.filter(meeting=meeting, organization=organization).delete()
    audit(
        "meeting.attendance",
        actor=recorded_by,
        meeting=meeting,
        organization=organization,
        detail={"present": present},
    )


@transaction.atomic
def meeting_minutes_approve(
    *, meeting: Meeting, approved_at: Meeting, approved_by: User | None
) -> Meeting:
    """Record that ``approved_at`` (a later meeting of the same body) approved the minutes."""
    _require(approved_by, "governance.manage", meeting)
    if approved_at.body_id != meeting.body_id or approved_at.pk == meeting.pk:
        raise GovernanceError(_("Minutes are approved at a later meeting of the same body."))
    if not meeting.minutes:
        raise GovernanceError(_("There are no minutes to approve yet."))
    meeting.minutes_approved_at = approved_at
    meeting.save(update_fields=["minutes_approved_at", "updated_at"])
    audit("meeting.minutes_approved", actor=approved_by, meeting=meeting)
    return meeting


# --- Eligibility -------------------------------------------------------------------------------


def eligible_organizations(body: Body, *, on: datetime.date | None = None):
    """Who votes in ``body`` today: the Executive Committee's current seat holders; for the
    General Assembly, members in good standing of the voting membership classes."""
    on = on or timezone.localdate()
    if body.seats_by_seat_holders:
        seats = Seat.objects.filter(body=body).filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=on),
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
        )
        return Organization.objects.filter(
            pk__in=seats.values("organization_id"), status=OrganizationStatus.ACTIVE
        )
    classes = body.voting_classes or [MembershipClass.FULL]
    return Organization.objects.filter(
        relationship=Relationship.MEMBER,
        status=OrganizationStatus.ACTIVE,
        membership_class__in=classes,
    )
