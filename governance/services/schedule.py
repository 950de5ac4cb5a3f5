"""The schedule (Celery beat): votes opened and closed on time, reminders to delegates."""

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import (
    GovernanceError,
)
from ..models import (
    Vote,
)
from .decisions import _notify_delegates
from .meetings import V, audit
from .votes import _lock_vote, vote_close, vote_open

# --- The schedule (Celery beat) ----------------------------------------------------------------


@dataclasses.dataclass
class ScheduleReport:
    opened: list[int] = dataclasses.field(default_factory=list)
    closed: list[int] = dataclasses.field(default_factory=list)
    reminded: list[int] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)


def votes_run_schedule(*, now=None) -> ScheduleReport:
    """Open scheduled votes whose time has come, close open votes past their deadline, remind
    delegates of members that have not voted. Each vote in its own transaction; idempotent."""
    now = now or timezone.now()
    report = ScheduleReport()
    for vote in Vote.objects.filter(status=V.SCHEDULED, opens_at__lte=now, closes_at__gt=now):
        try:
            vote_open(vote=vote, opened_by=None, expected_status=V.SCHEDULED, now=now)
            report.opened.append(vote.pk)
        except GovernanceError as exc:
            report.failed.append(f"open {vote.pk}: {exc}")
    for vote in Vote.objects.filter(status=V.OPEN, closes_at__lte=now):
        try:
            vote_close(vote=vote, closed_by=None, expected_status=V.OPEN, now=now)
            report.closed.append(vote.pk)
        except GovernanceError as exc:
            report.failed.append(f"close {vote.pk}: {exc}")
    for vote in Vote.objects.filter(status=V.OPEN, reminded_at=None, closes_at__gt=now):
        if vote.closes_at - datetime.timedelta(hours=vote.remind_before_hours) <= now:
            vote_remind(vote=vote, now=now)
            report.reminded.append(vote.pk)
    return report


@transaction.atomic
def vote_remind(*, vote: Vote, now=None) -> int:
    """Remind the delegates of members that have not voted (once per vote). Returns the number
    of members reminded. Side effects: notices; audit row."""
    locked = _lock_vote(vote)
    if locked.reminded_at is not None or locked.status != V.OPEN:
        return 0
    waiting = [
        e.organization
        for e in locked.electors.filter(has_voted=False).select_related("organization")
    ]
    proxies = {p.giver_id: p.holder for p in locked.proxies.select_related("holder")}
    to_remind = {proxies.get(o.pk, o).pk: proxies.get(o.pk, o) for o in waiting}
    _notify_delegates(
        locked, organizations=to_remind.values(), kind="governance.vote.reminder", key="reminder"
    )
    locked.reminded_at = now or timezone.now()
    locked.save(update_fields=["reminded_at"])
    audit("vote.reminded", actor=None, vote=locked, detail={"members": len(waiting)})
    return len(waiting)
