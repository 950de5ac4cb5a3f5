"""The back office of the programmes, by concern: ``catalogue`` (areas, programmes, calls),
``application_parts`` (the application export, filters and inlines) and ``applications`` (the
application admin: review, decisions, messages). Importing the package registers them all.
"""

from .application_parts import (
    REFERENCE,
    ApplicationResource,
    MilestoneInline,
    ReviewFilter,
    ReviewInline,
    StakeholderInline,
    _PlanInline,
)
from .applications import (
    ApplicationAdmin,
)
from .catalogue import (
    CallAdmin,
    CallDocumentInline,
    ProgramAdmin,
    ProgramSectionInline,
    S,
    SmartCityAreaAdmin,
)

__all__ = [
    "REFERENCE",
    "ApplicationAdmin",
    "ApplicationResource",
    "CallAdmin",
    "CallDocumentInline",
    "MilestoneInline",
    "ProgramAdmin",
    "ProgramSectionInline",
    "ReviewFilter",
    "ReviewInline",
    "S",
    "SmartCityAreaAdmin",
    "StakeholderInline",
    "_PlanInline",
]
