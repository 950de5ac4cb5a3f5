from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """Where an edition stands. Derived from its dates, except publication (an explicit step)."""

    ANNOUNCED = "announced", _("Announced")
    ENTRIES_OPEN = "entries_open", _("Open for entries")
    ENTRIES_CLOSED = "entries_closed", _("Entries closed")
    JUDGING = "judging", _("Judging")
    RESULTS_PUBLISHED = "results_published", _("Results published")


class Stage(models.TextChoices):
    """The Secretariat's workflow of an edition; each move is an ``EditionTransition``.

    Only ``services.edition_move`` (and ``edition_publish_results``) change it, along
    ``STAGE_TRANSITIONS``.
    """

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for entries")
    JUDGING = "judging", _("Judging")
    RESULTS_RECORDED = "results_recorded", _("Results recorded")
    PUBLISHED = "published", _("Results published")


#: The moves an edition may make. Publishing cannot be undone: the cities have been told.
STAGE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.DRAFT: (Stage.OPEN,),
    Stage.OPEN: (Stage.DRAFT, Stage.JUDGING),
    Stage.JUDGING: (Stage.RESULTS_RECORDED,),
    Stage.RESULTS_RECORDED: (Stage.JUDGING, Stage.PUBLISHED),
    Stage.PUBLISHED: (),
}


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Result(models.TextChoices):
    WINNER = "winner", _("Winner")
    SPECIAL_MENTION = "special_mention", _("Special mention")


class Criterion(models.TextChoices):
    """The fixed judging criteria; each is scored from 1 to 10."""

    INNOVATION = "innovation", _("Innovation")
    IMPACT = "impact", _("Impact")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    REPLICABILITY = "replicability", _("Replicability")
    CITIZEN_BENEFIT = "citizen_benefit", _("Citizen benefit")


CRITERIA_HELP = {
    Criterion.INNOVATION: _("How new is the approach or the use of ICT, for this city and others?"),
    Criterion.IMPACT: _("How far does it measurably change things (figures, before and after)?"),
    Criterion.SUSTAINABILITY: _("Will it last: funding, governance, environmental footprint?"),
    Criterion.REPLICABILITY: _("Could other cities adopt it, and how easily?"),
    Criterion.CITIZEN_BENEFIT: _("How much does it improve citizens' daily lives, and for whom?"),
}

SCORE_MIN = 1
SCORE_MAX = 10
