"""The events back office, by concern: ``filters`` (list filters and inlines), ``exports``
(the registrations export), ``events`` (the event admin and its actions) and ``registrations``.
Importing the package registers them all.
"""

from .events import (
    EventAdmin,
)
from .exports import (
    RegistrationExportResource,
    export_response,
    registrations_dataset,
)
from .filters import (
    REGISTRATION_CSS,
    EventHostInline,
    EventLinkInline,
    EventParticipantInline,
    EventRegistrationInline,
    EventSponsorInline,
    RegistrationQuestionInline,
    SpeakerForm,
    SpeakerInline,
    WhenFilter,
    YearFilter,
    _status_tag,
)
from .registrations import (
    EventRegistrationAdmin,
    RegistrationEventFilter,
)

__all__ = [
    "REGISTRATION_CSS",
    "EventAdmin",
    "EventHostInline",
    "EventLinkInline",
    "EventParticipantInline",
    "EventRegistrationAdmin",
    "EventRegistrationInline",
    "EventSponsorInline",
    "RegistrationEventFilter",
    "RegistrationExportResource",
    "RegistrationQuestionInline",
    "SpeakerForm",
    "SpeakerInline",
    "WhenFilter",
    "YearFilter",
    "_status_tag",
    "export_response",
    "registrations_dataset",
]
