from django.db import models
from django.utils.translation import gettext_lazy as _

# The moderation statuses are shared (wego_portal.moderation); re-exported for this app.
from wego_portal.moderation.enums import EDITABLE_STATUSES as EDITABLE_STATUSES
from wego_portal.moderation.enums import ModerationStatus as ModerationStatus


class HealthTopic(models.TextChoices):
    """What a Data Portal initiative or a capacity-building material is about."""

    TESTING = "testing", _("Testing")
    CONTACT_TRACING = "contact_tracing", _("Contact tracing")
    PUBLIC_COMMUNICATION = "public_communication", _("Public communication")
    TELEMEDICINE = "telemedicine", _("Telemedicine")
    DATA_DASHBOARDS = "data_dashboards", _("Data dashboards")
    QUARANTINE_SUPPORT = "quarantine_support", _("Quarantine and isolation support")
    VACCINATION = "vaccination", _("Vaccination")
    HEALTHCARE_CAPACITY = "healthcare_capacity", _("Healthcare capacity")
    SOCIAL_SUPPORT = "social_support", _("Social and economic support")
    POLICY = "policy", _("Policy and strategy")
    OTHER = "other", _("Other")


class InitiativeFileKind(models.TextChoices):
    TEMPLATE = "template", _("Filled template (Word)")
    DOCUMENT = "document", _("Supporting document (PDF)")


class MaterialKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    GUIDE = "guide", _("Guide or toolkit")
    TRAINING = "training", _("Training program")
    VIDEO = "video", _("Video")
    WEBSITE = "website", _("Website or tool")


class InquiryTopic(models.TextChoices):
    MEDICAL_EQUIPMENT = "medical_equipment", _("Medical equipment")
    PROTECTIVE_EQUIPMENT = "protective_equipment", _("Personal protective equipment")
    TESTING = "testing", _("Testing and diagnostics")
    DIGITAL_HEALTH = "digital_health", _("Telemedicine and digital health")
    TRAINING = "training", _("Training programs")
    SOLUTION_PROVIDERS = "solution_providers", _("Finding solution providers")
    OTHER = "other", _("Something else")


class InquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    FORWARDED = "forwarded", _("Forwarded")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


#: The moves an inquiry may make; every one goes through ``services.inquiry_transition``.
INQUIRY_TRANSITIONS: dict[str, frozenset[str]] = {
    InquiryStatus.NEW: frozenset(
        {InquiryStatus.FORWARDED, InquiryStatus.ANSWERED, InquiryStatus.CLOSED}
    ),
    InquiryStatus.FORWARDED: frozenset({InquiryStatus.ANSWERED, InquiryStatus.CLOSED}),
    InquiryStatus.ANSWERED: frozenset({InquiryStatus.CLOSED}),
    InquiryStatus.CLOSED: frozenset(),
}
