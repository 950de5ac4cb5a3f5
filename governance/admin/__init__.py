"""The governance back office: ``meetings`` (the base, bodies, seats, delegates, meetings) and
``votes`` (resolutions, votes, decisions, the audit trail). Importing the package registers them
all.
"""

from .meetings import (
    AgendaItemInline,
    AttendanceInline,
    BodyAdmin,
    DelegateAdmin,
    GovernanceAdmin,
    GovernanceInline,
    MeetingAdmin,
    MeetingAdminForm,
    MeetingDocumentInline,
    MoveButtonsMixin,
    SeatAdmin,
)
from .votes import (
    AuditEntryAdmin,
    CandidateInline,
    DecisionAdmin,
    RecordDecisionForm,
    ResolutionAdmin,
    VoteAdmin,
    WrittenProcedureForm,
    _confirm_move,
)

__all__ = [
    "AgendaItemInline",
    "AttendanceInline",
    "AuditEntryAdmin",
    "BodyAdmin",
    "CandidateInline",
    "DecisionAdmin",
    "DelegateAdmin",
    "GovernanceAdmin",
    "GovernanceInline",
    "MeetingAdmin",
    "MeetingAdminForm",
    "MeetingDocumentInline",
    "MoveButtonsMixin",
    "RecordDecisionForm",
    "ResolutionAdmin",
    "SeatAdmin",
    "VoteAdmin",
    "WrittenProcedureForm",
    "_confirm_move",
]
