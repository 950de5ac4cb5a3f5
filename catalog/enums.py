from django.db import models
from django.utils.translation import gettext_lazy as _

# The moderation statuses are shared (wego_portal.moderation); re-exported for this app.
from wego_portal.moderation.enums import EDITABLE_STATUSES as EDITABLE_STATUSES
from wego_portal.moderation.enums import ModerationStatus as ModerationStatus


class ProjectSource(models.TextChoices):
    """Where a catalog project comes from."""

    MEMBER = "member", _("Submitted by a member")
    AWARD_ENTRY = "award_entry", _("WeGO Awards entry")
    PROJECT_IMPLEMENTER = "project_implementer", _("Project Implementer project")
    SECRETARIAT = "secretariat", _("Curated by the secretariat")


#: A member's proposal is moderated: draft → submitted → published, or returned
#: (``wego_portal.moderation``).
ProjectStatus = ModerationStatus
