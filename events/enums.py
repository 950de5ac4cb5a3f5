from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    GOVERNANCE_MEETING = "governance_meeting", _("Governance meeting")
    CONFERENCE = "conference", _("Conference & expo")
    WEBINAR = "webinar", _("Webinar")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training program")
    REGIONAL_NETWORK = "regional_network", _("Regional-network meeting")
    EXTERNAL = "external", _("External event WeGO attends")


class EventProgram(models.TextChoices):
    SMART_CITY_DRIVER = "smart_city_driver", _("Smart City Driver")
    SMART_HEALTH_RESPONDER = "smart_health_responder", _("Smart Health Responder")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (not public)")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid (in person and online)")
    TO_BE_CONFIRMED = "tbc", _("To be confirmed")


class DatePrecision(models.TextChoices):
    """How much of an event's date is known. Ordered from the most to the least precise."""

    EXACT = "exact", _("Exact date and time")
    DAY = "day", _("Day (time not yet set)")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    QUARTER_SPAN = "quarter_span", _("Span of quarters (e.g. Q3/Q4)")
    YEAR_ROUND = "year_round", _("Year-round")
    TBD = "tbd", _("To be decided, within the year")


#: Ties on the sort key: the more precise date first.
PRECISION_RANK = {value: rank for rank, value in enumerate(DatePrecision.values)}
#: Precisions that name a calendar day: these go into calendar feeds.
FEED_PRECISIONS = (DatePrecision.EXACT, DatePrecision.DAY)


class RegistrationMode(models.TextChoices):
    NONE = "none", _("No registration in the portal")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone (members and visitors)")
    MEMBERS = "members", _("WeGO members only")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting e-mail confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


#: Registrations that hold (or wait for) a place.
ACTIVE_REGISTRATION = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Short answer")
    LONG_TEXT = "long_text", _("Long answer")
    YES_NO = "yes_no", _("Yes or no")


class LinkKind(models.TextChoices):
    RECORDING = "recording", _("Recording")
    SLIDES = "slides", _("Slides and presentations")
    REPORT = "report", _("Report or summary")
    WEBSITE = "website", _("Event website")
    OTHER = "other", _("Other material")


class When(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming and ongoing")
    PAST = "past", _("Past events")
    ALL = "all", _("All events")


class RegistrationState(models.TextChoices):
    """What the registration box says, from the event's settings, the clock and the counts."""

    NOT_OFFERED = "not_offered", _("No registration in the portal")
    EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
    NOT_YET_OPEN = "not_yet_open", _("Registration not open yet")
    OPEN = "open", _("Registration open")
    WAITLIST = "waitlist", _("Fully booked: waitlist open")
    FULL = "full", _("Fully booked")
    CLOSED = "closed", _("Registration closed")
