from django.db import models
from django.utils.translation import gettext_lazy as _


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FigureUnit(models.TextChoices):
    """What a published figure counts."""

    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percentage change")


class FigureQualifier(models.TextChoices):
    """How exact the publication states a figure to be ("over 300", "approximately 100")."""

    EXACT = "exact", _("Exact")
    ABOUT = "about", _("Approximately")
    MORE_THAN = "more_than", _("More than")
