"""Which status may follow which, for votes and meetings: the one table services consult.

Each move is made by one service (``vote_schedule``, ``vote_open``, ``vote_close``,
``vote_cancel``, ``meeting_move``); every one asks ``check_move`` first and records an audit
row, so an illegal move is refused with the same message from the back office, the portal, the
API and Celery beat.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enums import MeetingStatus, VoteStatus
from .errors import TransitionNotAllowed

V = VoteStatus
M = MeetingStatus

VOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    V.DRAFT: frozenset({V.SCHEDULED, V.OPEN, V.CANCELLED}),
    V.SCHEDULED: frozenset({V.DRAFT, V.OPEN, V.CANCELLED}),
    V.OPEN: frozenset({V.CLOSED, V.CANCELLED}),
}

MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    M.PLANNED: frozenset({M.IN_SESSION, M.HELD, M.CANCELLED}),
    M.IN_SESSION: frozenset({M.HELD}),
}

VOTE_ACTION_LABELS = {
    V.SCHEDULED: gettext_lazy("Schedule (opens and closes on time)"),
    V.DRAFT: gettext_lazy("Back to preparation"),
    V.OPEN: gettext_lazy("Open the vote now"),
    V.CLOSED: gettext_lazy("Close the vote and count"),
    V.CANCELLED: gettext_lazy("Cancel the vote"),
}

MEETING_ACTION_LABELS = {
    M.IN_SESSION: gettext_lazy("Open the session"),
    M.HELD: gettext_lazy("Mark as held"),
    M.CANCELLED: gettext_lazy("Cancel the meeting"),
}


def _check(table, labels_enum, what: str, from_status: str, to_status: str) -> None:
    allowed = table.get(from_status, frozenset())
    if to_status in allowed:
        return
    current = labels_enum(from_status).label
    target = labels_enum(to_status).label
    if allowed:
        options = ", ".join(str(labels_enum(s).label) for s in labels_enum.values if s in allowed)
        raise TransitionNotAllowed(
            _(
                "A %(what)s that is “%(current)s” cannot become “%(target)s”. "
                "It can only become: %(options)s."
            )
            % {"what": what, "current": current, "target": target, "options": options}
        )
    raise TransitionNotAllowed(
        _("A %(what)s that is “%(current)s” cannot change any more.")
        % {"what": what, "current": current}
    )


def check_vote_move(from_status: str, to_status: str) -> None:
    _check(VOTE_TRANSITIONS, V, _("vote"), from_status, to_status)


def check_meeting_move(from_status: str, to_status: str) -> None:
    _check(MEETING_TRANSITIONS, M, _("meeting"), from_status, to_status)


def vote_moves(status: str) -> list[str]:
    return [s for s in V.values if s in VOTE_TRANSITIONS.get(status, frozenset())]


def meeting_moves(status: str) -> list[str]:
    return [s for s in M.values if s in MEETING_TRANSITIONS.get(status, frozenset())]
