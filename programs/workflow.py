"""The application workflow: which status may follow which, per kind of application.

This table is the one place that says what moves are legal. Each move is made by one service
in ``programs.services`` (``application_submit``, ``application_shortlist``…); every service
asks ``check_move`` first, so an illegal move is refused with the same clear message from the
portal, the back office and the API.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enums import ApplicationKind, ApplicationStatus
from .errors import TransitionNotAllowed

S = ApplicationStatus
SF = ApplicationKind.SOLUTION_FINDER
PI = ApplicationKind.PROJECT_IMPLEMENTER

# Review steps: WeGO has not decided yet. Staff may decline from any of them; the city may
# withdraw from any of them (a draft is simply left unsubmitted).
REVIEW_STEPS = {
    SF: frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.CLARIFICATION_REQUESTED}),
    PI: frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.CLARIFICATION_REQUESTED, S.SHORTLISTED}),
}

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    SF: {
        S.DRAFT: frozenset({S.SUBMITTED}),
        S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.DECLINED, S.WITHDRAWN}),
        S.UNDER_REVIEW: frozenset(
            {S.CLARIFICATION_REQUESTED, S.FEEDBACK_GIVEN, S.DECLINED, S.WITHDRAWN}
        ),
        S.CLARIFICATION_REQUESTED: frozenset({S.UNDER_REVIEW, S.DECLINED, S.WITHDRAWN}),
        S.FEEDBACK_GIVEN: frozenset({S.PARTNERS_CONNECTED}),
        S.PARTNERS_CONNECTED: frozenset({S.IN_IMPLEMENTATION}),
        S.IN_IMPLEMENTATION: frozenset({S.CLOSED}),
    },
    PI: {
        S.DRAFT: frozenset({S.SUBMITTED}),
        S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.DECLINED, S.WITHDRAWN}),
        S.UNDER_REVIEW: frozenset(
            {S.CLARIFICATION_REQUESTED, S.SHORTLISTED, S.DECLINED, S.WITHDRAWN}
        ),
        S.CLARIFICATION_REQUESTED: frozenset({S.UNDER_REVIEW, S.DECLINED, S.WITHDRAWN}),
        S.SHORTLISTED: frozenset({S.BENEFICIARY_SELECTED, S.DECLINED, S.WITHDRAWN}),
        S.BENEFICIARY_SELECTED: frozenset({S.CONSULTING_COMPANY_SELECTED}),
        S.CONSULTING_COMPANY_SELECTED: frozenset({S.FEASIBILITY_STUDY}),
        S.FEASIBILITY_STUDY: frozenset({S.PILOT_PROJECT}),
        S.PILOT_PROJECT: frozenset({S.COMPLETED}),
    },
}

# Moves the city makes; every other move is made by WeGO staff.
CITY_MOVES = frozenset(
    {
        (S.DRAFT, S.SUBMITTED),
        (S.CLARIFICATION_REQUESTED, S.UNDER_REVIEW),  # the city answers
        *((step, S.WITHDRAWN) for steps in REVIEW_STEPS.values() for step in steps),
    }
)

# Statuses after which the project has a plan (stakeholders and milestones) the city sees.
PLAN_STATUSES = {
    SF: frozenset({S.PARTNERS_CONNECTED, S.IN_IMPLEMENTATION, S.CLOSED}),
    PI: frozenset(
        {
            S.BENEFICIARY_SELECTED,
            S.CONSULTING_COMPANY_SELECTED,
            S.FEASIBILITY_STUDY,
            S.PILOT_PROJECT,
            S.COMPLETED,
        }
    ),
}
# Publicly announced outcomes (the program pages list the selected cities).
SELECTED_STATUSES = PLAN_STATUSES
FINAL_STATUSES = frozenset({S.CLOSED, S.COMPLETED, S.DECLINED, S.WITHDRAWN})
# Everything between submission and a final status: work for someone.
ACTIVE_STATUSES = frozenset(set(S.values) - FINAL_STATUSES - {S.DRAFT})

# The order statuses appear in (timelines, counts by status).
STATUS_ORDER = list(S.values)

# Labels of the staff buttons, by target status (the admin shows one per legal move).
ACTION_LABELS = {
    S.UNDER_REVIEW: gettext_lazy("Start the review"),
    S.CLARIFICATION_REQUESTED: gettext_lazy("Request clarification"),
    S.FEEDBACK_GIVEN: gettext_lazy("Give preliminary feedback"),
    S.PARTNERS_CONNECTED: gettext_lazy("Connect partners"),
    S.IN_IMPLEMENTATION: gettext_lazy("Mark as in implementation"),
    S.CLOSED: gettext_lazy("Close"),
    S.SHORTLISTED: gettext_lazy("Shortlist"),
    S.BENEFICIARY_SELECTED: gettext_lazy("Select as beneficiary city"),
    S.CONSULTING_COMPANY_SELECTED: gettext_lazy("Select the consulting company"),
    S.FEASIBILITY_STUDY: gettext_lazy("Start the feasibility study"),
    S.PILOT_PROJECT: gettext_lazy("Start the pilot project"),
    S.COMPLETED: gettext_lazy("Mark as completed"),
    S.DECLINED: gettext_lazy("Decline"),
}

# What the city sees as its next step, by status.
NEXT_STEPS = {
    S.DRAFT: gettext_lazy("Complete the sections and submit before the call closes."),
    S.SUBMITTED: gettext_lazy("WeGO has received your application and will start the review."),
    S.UNDER_REVIEW: gettext_lazy("WeGO is reviewing your application."),
    S.CLARIFICATION_REQUESTED: gettext_lazy("Answer WeGO's questions."),
    S.FEEDBACK_GIVEN: gettext_lazy(
        "Read WeGO's feedback; WeGO will connect you with strategic partners."
    ),
    S.PARTNERS_CONNECTED: gettext_lazy(
        "Work with your partners on the solution package; see your plan."
    ),
    S.IN_IMPLEMENTATION: gettext_lazy("Implement the project and keep the milestones up to date."),
    S.CLOSED: gettext_lazy("Nothing more to do: this application is closed."),
    S.SHORTLISTED: gettext_lazy("Your proposal is shortlisted; WeGO will select a beneficiary."),
    S.BENEFICIARY_SELECTED: gettext_lazy(
        "Your city is the beneficiary; WeGO will select the consulting company."
    ),
    S.CONSULTING_COMPANY_SELECTED: gettext_lazy(
        "Prepare the feasibility study with the consulting company."
    ),
    S.FEASIBILITY_STUDY: gettext_lazy("The feasibility study is under way; see the milestones."),
    S.PILOT_PROJECT: gettext_lazy("The pilot project is under way; see the milestones."),
    S.COMPLETED: gettext_lazy("Nothing more to do: the project is completed."),
    S.DECLINED: gettext_lazy("Nothing more to do: this application was not selected."),
    S.WITHDRAWN: gettext_lazy("Nothing more to do: you withdrew this application."),
}


def next_statuses(kind: str, status: str) -> frozenset[str]:
    return TRANSITIONS.get(kind, {}).get(status, frozenset())


def is_city_move(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in CITY_MOVES


def staff_moves(kind: str, status: str) -> list[str]:
    """The moves staff may make from ``status``, in workflow order."""
    return [
        target
        for target in STATUS_ORDER
        if target in next_statuses(kind, status) and not is_city_move(status, target)
    ]


def check_move(kind: str, from_status: str, to_status: str) -> None:
    """Raise ``TransitionNotAllowed`` unless ``from_status`` → ``to_status`` is legal."""
    allowed = next_statuses(kind, from_status)
    if to_status in allowed:
        return
    kind_label = ApplicationKind(kind).label
    current = S(from_status).label
    target = S(to_status).label
    if allowed:
        options = ", ".join(str(S(s).label) for s in STATUS_ORDER if s in allowed)
        raise TransitionNotAllowed(
            _(
                "A %(kind)s application that is “%(current)s” cannot become “%(target)s”. "
                "From “%(current)s” it can only become: %(options)s."
            )
            % {"kind": kind_label, "current": current, "target": target, "options": options}
        )
    raise TransitionNotAllowed(
        _(
            "A %(kind)s application that is “%(current)s” cannot become “%(target)s”: "
            "“%(current)s” is final."
        )
        % {"kind": kind_label, "current": current, "target": target}
    )


def has_plan(kind: str, status: str) -> bool:
    return status in PLAN_STATUSES.get(kind, frozenset())


def can_withdraw(kind: str, status: str) -> bool:
    return S.WITHDRAWN in next_statuses(kind, status)


def statuses_for(kind: str) -> list[str]:
    """Every status an application of ``kind`` can have, in workflow order."""
    reachable = {S.DRAFT}
    for source, targets in TRANSITIONS.get(kind, {}).items():
        reachable |= {source, *targets}
    return [status for status in STATUS_ORDER if status in reachable]
