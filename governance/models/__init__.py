"""The governance models: ``bodies`` (bodies, seats, delegates, meetings and their records),
``votes`` (resolutions, candidates, votes, electors, proxies, ballots, decisions) and ``audit``.
Import them from ``governance.models``.
"""

from .audit import (
    AuditEntry,
    AuditEntryQuerySet,
)
from .bodies import (
    AgendaItem,
    Attendance,
    Body,
    Delegate,
    Meeting,
    MeetingDocument,
    Seat,
)
from .votes import (
    Ballot,
    Candidate,
    Decision,
    Elector,
    Proxy,
    Resolution,
    Vote,
    new_ballot_key,
)

__all__ = [
    "AgendaItem",
    "Attendance",
    "AuditEntry",
    "AuditEntryQuerySet",
    "Ballot",
    "Body",
    "Candidate",
    "Decision",
    "Delegate",
    "Elector",
    "Meeting",
    "MeetingDocument",
    "Proxy",
    "Resolution",
    "Seat",
    "Vote",
    "new_ballot_key",
]
