from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")
    EXECUTIVE_COMMITTEE = "executive_committee", _("Executive Committee")
    SECRETARIAT = "secretariat", _("Secretariat")


class SeatRole(models.TextChoices):
    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice-President")
    AUDITOR = "auditor", _("Auditor")
    MEMBER = "member", _("Member")
    SECRETARY_GENERAL = "secretary_general", _("Secretary General")


class MeetingFormat(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_SESSION = "in_session", _("In session")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simple majority")
    TWO_THIRDS = "two_thirds", _("Two-thirds majority")
    ELECTION = "election", _("Election")


class TieRule(models.TextChoices):
    LONGEST_MEMBERSHIP = (
        "longest_membership",
        _("A tie for the last seat goes to the candidate whose organization joined WeGO first"),
    )
    NEW_ROUND = "new_round", _("A tie for the last seat leaves it open for a new round of voting")


class ResolutionAction(models.TextChoices):
    NONE = "none", _("Records the decision only")
    APPROVE_MEMBERSHIP = "approve_membership", _("Approves membership requests")
    APPROVE_OFFICE = "approve_office", _("Approves an office")
    ADOPT_DOCUMENT = "adopt_document", _("Adopts a document")


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open for voting")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Choice(models.TextChoices):
    YES = "yes", _("For")
    NO = "no", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    ELECTED = "elected", _("Elected")
    NO_QUORUM = "no_quorum", _("No quorum")
    RECORDED = "recorded", _("Recorded")
