from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectSource(models.TextChoices):
    """Where a catalog project comes from."""

    MEMBER = "member", _("Submitted by a member")
    AWARD_ENTRY = "award_entry", _("WeGO Awards entry")
    PROJECT_IMPLEMENTER = "project_implementer", _("Project Implementer project")
    SECRETARIAT = "secretariat", _("Curated by the secretariat")


class ProjectStatus(models.TextChoices):
    """A member's proposal is moderated: draft → proposed → published, or returned."""

    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")


#: Statuses in which the member may still change its proposal.
EDITABLE_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.RETURNED)
