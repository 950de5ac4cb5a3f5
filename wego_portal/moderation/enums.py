from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationStatus(models.TextChoices):
    """A member's contribution: drafted, sent to the secretariat, then published or returned."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")


#: Statuses in which the member may still change its contribution.
EDITABLE_STATUSES = (ModerationStatus.DRAFT, ModerationStatus.RETURNED)
#: Statuses the secretariat may return to the member (a published one is taken down).
RETURNABLE_STATUSES = (ModerationStatus.SUBMITTED, ModerationStatus.PUBLISHED)
