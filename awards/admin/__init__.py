"""The WeGO Awards back office, by concern: ``editions`` (editions, their stages, scoring
and results; categories), ``judges``, ``entries`` and ``scores`` (scores and conflicts of
interest). Importing the package registers them all.
"""

from .editions import (
    SUBMITTED_ENTRIES,
    CategoryAdmin,
    CategoryForm,
    CategoryInline,
    EditionAdmin,
    EditionTransitionInline,
    KeywordsField,
)
from .entries import (
    CategoryFilter,
    EntryAdmin,
    EntryAdminForm,
    EntryDocumentInline,
    EntryImageInline,
    EntryResource,
    RegionFilter,
)
from .judges import (
    JudgeAdmin,
    JudgeForm,
)
from .scores import (
    ConflictOfInterestAdmin,
    ScoreAdmin,
    ScoreResource,
)

__all__ = [
    "SUBMITTED_ENTRIES",
    "CategoryAdmin",
    "CategoryFilter",
    "CategoryForm",
    "CategoryInline",
    "ConflictOfInterestAdmin",
    "EditionAdmin",
    "EditionTransitionInline",
    "EntryAdmin",
    "EntryAdminForm",
    "EntryDocumentInline",
    "EntryImageInline",
    "EntryResource",
    "JudgeAdmin",
    "JudgeForm",
    "KeywordsField",
    "RegionFilter",
    "ScoreAdmin",
    "ScoreResource",
]
