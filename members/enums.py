from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberType(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    CORPORATION = "corporation", _("Corporation")
    INSTITUTION = "institution", _("Institution")


class Relationship(models.TextChoices):
    MEMBER = "member", _("Member")
    MOU_PARTNER = "mou_partner", _("MOU partner")


class MembershipClass(models.TextChoices):
    FULL = "full", _("Full member")
    ASSOCIATE = "associate", _("Associate member")
    FRIENDSHIP = "friendship", _("Friendship member")
    CORPORATE = "corporate", _("Corporate member")


class Region(models.TextChoices):
    AFRICA = "africa", _("Africa")
    EUROPE = "europe", _("Europe")
    MIDDLE_EAST = "middle_east", _("Middle East")
    AMERICAS = "americas", _("Americas")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific")


class OrganizationStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    FORMER = "former", _("Former member")


class OfficeKind(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    REGIONAL = "regional", _("Regional office")


class OrganizationRole(models.TextChoices):
    PRIMARY_CONTACT = "primary_contact", _("Primary contact")
    EDITOR = "editor", _("Editor")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DirectorySort(models.TextChoices):
    NAME = "name", _("Name (A to Z)")
    NEWEST = "newest", _("Newest members first")
    COUNTRY = "country", _("Country")


class AboutEntryKind(models.TextChoices):
    """A line of the "About WeGO" page."""

    PILLAR = "pillar", _("Strategic pillar of the 2030 Masterplan")
    ADVISER = "adviser", _("Member of the 2030 Masterplan advisory board")
    MILESTONE = "milestone", _("Milestone in WeGO's history")
