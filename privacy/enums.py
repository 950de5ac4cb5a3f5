from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed (grace period)")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Erased")


class ConsentPurpose(models.TextChoices):
    SHARE_WITH_HOST = "share_with_host", _("Share my registration with the event's host")
    NEWSLETTER = "newsletter", _("WeGO newsletter")
