"""The events' models: ``events`` (the event and its dates) and ``related`` (hosts, speakers,
links, registration questions, registrations, calendar tokens). Import them from ``events.models``.
"""

from .events import (
    DATE_FIELDS,
    DAY_ONLY_REMINDER_HOUR,
    REMINDER_DAY_BEFORE,
    REMINDER_HOUR_BEFORE,
    RESERVED_SLUGS,
    Event,
    date_errors,
    reminder_times,
    timezone_choices,
    validate_slug_not_reserved,
    validate_timezone,
)
from .related import (
    CalendarFeedToken,
    EventHost,
    EventLink,
    EventParticipant,
    EventRegistration,
    EventSponsor,
    RegistrationQuestion,
    Speaker,
    speaker_photo_path,
)

__all__ = [
    "DATE_FIELDS",
    "DAY_ONLY_REMINDER_HOUR",
    "REMINDER_DAY_BEFORE",
    "REMINDER_HOUR_BEFORE",
    "RESERVED_SLUGS",
    "CalendarFeedToken",
    "Event",
    "EventHost",
    "EventLink",
    "EventParticipant",
    "EventRegistration",
    "EventSponsor",
    "RegistrationQuestion",
    "Speaker",
    "date_errors",
    "reminder_times",
    "speaker_photo_path",
    "timezone_choices",
    "validate_slug_not_reserved",
    "validate_timezone",
]
