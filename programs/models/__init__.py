"""The programmes' models, by concern: ``catalogue`` (areas, programmes, calls), ``applications``
(applications, their answers, messages, files and transitions) and ``plan`` (reviews and the
Activator Plan). Import them from ``programs.models``.
"""

from .applications import (
    REFERENCE_PREFIX,
    Application,
    ApplicationAttachment,
    ApplicationMessage,
    ApplicationTransition,
    ProjectImplementerDetails,
    SolutionComponent,
    SolutionFinderDetails,
)
from .catalogue import (
    LONG_TEXT,
    Call,
    CallDocument,
    Program,
    ProgramSection,
    SmartCityArea,
)
from .plan import (
    CRITERIA,
    SCORE_VALIDATORS,
    Milestone,
    Review,
    Stakeholder,
    _score_field,
)

__all__ = [
    "CRITERIA",
    "LONG_TEXT",
    "REFERENCE_PREFIX",
    "SCORE_VALIDATORS",
    "Application",
    "ApplicationAttachment",
    "ApplicationMessage",
    "ApplicationTransition",
    "Call",
    "CallDocument",
    "Milestone",
    "Program",
    "ProgramSection",
    "ProjectImplementerDetails",
    "Review",
    "SmartCityArea",
    "SolutionComponent",
    "SolutionFinderDetails",
    "Stakeholder",
    "_score_field",
]
