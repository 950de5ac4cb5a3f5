from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationKind(models.TextChoices):
    """Which form a call's applications use (and which workflow they follow)."""

    SOLUTION_FINDER = "solution_finder", _("Solution Finder")
    PROJECT_IMPLEMENTER = "project_implementer", _("Project Implementer")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
    # Solution Finder
    FEEDBACK_GIVEN = "feedback_given", _("Feedback given")
    PARTNERS_CONNECTED = "partners_connected", _("Partners connected")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    CLOSED = "closed", _("Closed")
    # Project Implementer
    SHORTLISTED = "shortlisted", _("Shortlisted")
    BENEFICIARY_SELECTED = "beneficiary_selected", _("Beneficiary selected")
    CONSULTING_COMPANY_SELECTED = "consulting_company_selected", _("Consulting company selected")
    FEASIBILITY_STUDY = "feasibility_study", _("Feasibility study")
    PILOT_PROJECT = "pilot_project", _("Pilot project")
    COMPLETED = "completed", _("Completed")
    # Either
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MessageVisibility(models.TextChoices):
    SHARED = "shared", _("Shared with the city")
    INTERNAL = "internal", _("Internal to WeGO staff")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    CLARIFICATION_REQUEST = "clarification_request", _("Clarification request")
    CLARIFICATION_ANSWER = "clarification_answer", _("Answer to a clarification request")
    NOTE = "note", _("Internal note")


class Recommendation(models.TextChoices):
    SUPPORT = "support", _("Support")
    SUPPORT_WITH_CHANGES = "support_with_changes", _("Support with changes")
    DO_NOT_SUPPORT = "do_not_support", _("Do not support")


class StakeholderRole(models.TextChoices):
    BENEFICIARY_CITY = "beneficiary_city", _("Beneficiary city")
    CONSULTING_COMPANY = "consulting_company", _("Consulting company")
    STRATEGIC_PARTNER = "strategic_partner", _("Strategic partner")
    TECHNOLOGY_PROVIDER = "technology_provider", _("Technology provider")
    DEVELOPMENT_AGENCY = "development_agency", _("Development aid agency")
    OTHER = "other", _("Other")


class MilestoneKind(models.TextChoices):
    FEASIBILITY_STUDY = "feasibility_study", _("Feasibility study")
    PILOT_PROJECT = "pilot_project", _("Pilot project")
    REPORT = "report", _("Report")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class BudgetRange(models.TextChoices):
    UNDER_100K = "under_100k", _("Under US$100,000")
    FROM_100K_TO_500K = "100k_500k", _("US$100,000 to 500,000")
    FROM_500K_TO_1M = "500k_1m", _("US$500,000 to 1 million")
    FROM_1M_TO_5M = "1m_5m", _("US$1 million to 5 million")
    OVER_5M = "over_5m", _("Over US$5 million")
    UNKNOWN = "unknown", _("Not known yet")


class PartnerType(models.TextChoices):
    """The partners a Solution Finder city may be connected with (2020 annual report)."""

    CONSULTANT = "consultant", _("Smart city consultants")
    TECH_COMPANY = "tech_company", _("Technology companies")
    DEVELOPMENT_AGENCY = "development_agency", _("Development aid agencies")
    STRATEGIC_PARTNER = "strategic_partner", _("Other strategic partners")


class Currency(models.TextChoices):
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    KRW = "KRW", _("Korean won (KRW)")
    PHP = "PHP", _("Philippine peso (PHP)")
    CNY = "CNY", _("Chinese yuan (CNY)")
    JPY = "JPY", _("Japanese yen (JPY)")
    INR = "INR", _("Indian rupee (INR)")
    IDR = "IDR", _("Indonesian rupiah (IDR)")
    MNT = "MNT", _("Mongolian tögrög (MNT)")
    NPR = "NPR", _("Nepalese rupee (NPR)")
    RUB = "RUB", _("Russian rouble (RUB)")
    TRY = "TRY", _("Turkish lira (TRY)")
    IRR = "IRR", _("Iranian rial (IRR)")
    MXN = "MXN", _("Mexican peso (MXN)")
    BRL = "BRL", _("Brazilian real (BRL)")
    NGN = "NGN", _("Nigerian naira (NGN)")
    MAD = "MAD", _("Moroccan dirham (MAD)")
    OTHER = "XXX", _("Other (say which in the plan)")
