"""The WeGO Awards: editions, their categories and judges, member cities' entries, judging.

An edition moves through the Secretariat's stages (draft → open for entries → judging →
results recorded → published) by ``services.edition_move``, each move recorded as an
``EditionTransition``. Within a stage its dates say when entering and judging happen; the
public phase (``Edition.phase``) follows them, and publication itself is an explicit step
(``services.edition_publish_results``), so results never appear merely because a date passed.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from members.models import fold
from wego_portal.db import choices_check
from wego_portal.files import private_storage, validate_pdf

from .enums import SCORE_MAX, SCORE_MIN, Criterion, EntryStatus, Phase, Result, Stage

CRITERIA = [value for value, _label in Criterion.choices]


def _before(earlier: str, later: str, name: str) -> models.CheckConstraint:
    """``earlier`` < ``later`` whenever both are set."""
    return models.CheckConstraint(
        condition=Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__lt": models.F(later)}),
        name=name,
    )


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def project_key(title: str) -> str:
    """What makes two titles the same project: case, accents, spacing and punctuation ignored."""
    return slugify(fold(title))[:220]


class Edition(models.Model):
    """One WeGO Awards competition (triennial since 2011; the 4th was held in 2020)."""

    number = models.PositiveSmallIntegerField(_("edition number"), unique=True)
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    rules = models.TextField(_("rules"), blank=True, help_text=_("Shown to cities that enter."))
    max_entries_per_city = models.PositiveSmallIntegerField(
        _("maximum entries per city"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("How many entries one member may submit in this edition."),
    )
    is_public = models.BooleanField(
        _("shown on the public site"),
        default=False,
        help_text=_("Unticked, the edition is prepared in the back office only."),
    )
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    entries_open_at = models.DateTimeField(_("entries open"), null=True, blank=True)
    entries_close_at = models.DateTimeField(
        _("entry deadline"),
        null=True,
        blank=True,
        help_text=_("Entries must be submitted before this moment; drafts are kept afterwards."),
    )
    judging_starts_at = models.DateTimeField(_("judging starts"), null=True, blank=True)
    judging_ends_at = models.DateTimeField(
        _("judging panel closes"),
        null=True,
        blank=True,
        help_text=_("From this moment judges may read each other's scores; scoring stops."),
    )
    results_due_on = models.DateField(_("results expected on"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.DRAFT, editable=False
    )
    results_published = models.BooleanField(_("results published"), default=False, editable=False)
    results_published_at = models.DateTimeField(
        _("results published at"), null=True, blank=True, editable=False
    )
    results_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("results published by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]
        constraints = [
            _before("entries_open_at", "entries_close_at", "awards_entries_open_before_close"),
            models.CheckConstraint(
                condition=Q(judging_starts_at__isnull=True)
                | Q(entries_close_at__isnull=True)
                | Q(judging_starts_at__gte=models.F("entries_close_at")),
                name="awards_judging_after_entries_close",
            ),
            _before("judging_starts_at", "judging_ends_at", "awards_judging_starts_before_end"),
            models.CheckConstraint(
                condition=Q(results_published=True) | Q(results_published_at__isnull=True),
                name="awards_published_at_only_when_published",
            ),
            models.CheckConstraint(
                condition=Q(max_entries_per_city__gte=1), name="awards_max_entries_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(stage=Stage.PUBLISHED, results_published=True)
                | (~Q(stage=Stage.PUBLISHED) & Q(results_published=False)),
                name="awards_published_stage_matches_flag",
            ),
            choices_check("stage", Stage),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("awards:edition", kwargs={"year": self.year})

    @property
    def title(self) -> str:
        return f"{ordinal(self.number)} WeGO Awards {self.year}"

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if self.results_published:
            return Phase.RESULTS_PUBLISHED
        if self.judging_starts_at and now >= self.judging_starts_at:
            return Phase.JUDGING
        if self.entries_close_at and now >= self.entries_close_at:
            return Phase.ENTRIES_CLOSED
        if self.entries_open_at and now >= self.entries_open_at:
            return Phase.ENTRIES_OPEN
        return Phase.ANNOUNCED

    @property
    def current_phase(self) -> str:
        return self.phase()

    @property
    def current_phase_label(self) -> str:
        return Phase(self.phase()).label

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    def entries_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.entries_close_at and now >= self.entries_close_at)

    def accepts_entries(self, now=None) -> bool:
        """True when open for entries, between the opening and the deadline (both set)."""
        now = now or timezone.now()
        return bool(
            self.stage == Stage.OPEN
            and self.entries_open_at
            and self.entries_close_at
            and self.entries_open_at <= now < self.entries_close_at
            and not self.results_published
        )

    def judging_open(self, now=None) -> bool:
        """Judges may score after the deadline (or the judging start) until the panel closes."""
        now = now or timezone.now()
        start = self.judging_starts_at or self.entries_close_at
        return bool(start and now >= start and not self.panel_closed(now))

    def panel_closed(self, now=None) -> bool:
        """Once closed, judges see each other's scores and nobody scores any more."""
        now = now or timezone.now()
        return self.results_published or bool(self.judging_ends_at and now >= self.judging_ends_at)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        opens, closes = self.entries_open_at, self.entries_close_at
        starts, ends = self.judging_starts_at, self.judging_ends_at
        if opens and closes and closes <= opens:
            errors["entries_close_at"] = _("The deadline must come after the opening.")
        if starts and closes and starts < closes:
            errors["judging_starts_at"] = _("Judging starts after the entry deadline.")
        if starts and ends and ends <= starts:
            errors["judging_ends_at"] = _("The panel closes after judging starts.")
        if errors:
            raise ValidationError(errors)


class EditionTransition(models.Model):
    """One move of an edition between stages: who, when, from, to, and why."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("edition")
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    override = models.BooleanField(
        _("published without every score"),
        default=False,
        help_text=_("Set when the results were published with scores missing; the note says why."),
    )

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]
        constraints = [
            choices_check("to_stage", Stage),
            choices_check("from_stage", Stage, allow_blank=True),
            models.CheckConstraint(
                condition=Q(override=False) | ~Q(note=""),
                name="awards_transition_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition}: {self.from_stage or '—'} → {self.to_stage}"


class Category(models.Model):
    """A category of one edition, e.g. "Safe City", with the keywords that describe it."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="categories", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["edition", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="awards_category_unique_slug"),
            models.UniqueConstraint(fields=["edition", "name"], name="awards_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(fold(self.name))[:140]
        super().save(*args, **kwargs)


class Judge(models.Model):
    """A member of an edition's panel; with a portal account, a judge scores entries online."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="judges", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="awards/judges/", blank=True, editable=False)
    photo_thumbnail = models.ImageField(
        upload_to="awards/judges/thumbs/", blank=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="award_judgeships",
        verbose_name=_("portal account"),
        help_text=_("The account the judge signs in with to score entries."),
    )
    categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="judges",
        verbose_name=_("assigned categories"),
        help_text=_("The judge scores the submitted entries of these categories."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["edition", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="awards_judge_unique_name"),
            models.UniqueConstraint(
                fields=["edition", "user"],
                condition=Q(user__isnull=False),
                name="awards_judge_one_seat_per_account",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:2]).upper() or "?"


class Entry(models.Model):
    """A member city's project entered in one category of an edition.

    ``organization`` is the entrant member. Historical results (loaded from the annual report)
    may name a city that is not a member in the data set: then ``organization`` is empty and
    ``entrant_name``/``entrant_country`` record who entered. A project (its title, compared
    without case or accents) is entered at most once per edition by the same entrant,
    whatever the category; a withdrawn entry frees it.
    """

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="entries", verbose_name=_("edition")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="entries", verbose_name=_("category")
    )
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_entries",
        verbose_name=_("entrant member"),
    )
    entrant_name = models.CharField(
        _("entrant"), max_length=200, help_text=_("The city as named in the results.")
    )
    entrant_country = CountryField(_("entrant's country"), blank=True)
    project_title = models.CharField(_("project title"), max_length=200)
    project_key = models.CharField(max_length=220, editable=False)
    summary = models.TextField(_("summary"), blank=True, max_length=1500)
    problem = models.TextField(_("the problem"), blank=True, max_length=4000)
    solution = models.TextField(_("the solution"), blank=True, max_length=4000)
    ict_used = models.TextField(_("ICT used"), blank=True, max_length=3000)
    results_impact = models.TextField(_("results and impact"), blank=True, max_length=4000)
    started_on = models.DateField(_("project start date"), null=True, blank=True)
    partners = models.TextField(_("partners"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    result_recorded_at = models.DateTimeField(_("result recorded"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    #: The project's fields an entrant fills in (the forms, the API and the services use them).
    CONTENT_FIELDS = (
        "project_title",
        "summary",
        "problem",
        "solution",
        "ict_used",
        "results_impact",
        "started_on",
        "partners",
    )

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["edition", "category__position", "entrant_name", "project_title"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "organization", "project_key"],
                condition=Q(organization__isnull=False) & ~Q(status="withdrawn"),
                name="awards_one_entry_per_project_per_edition",
            ),
            models.UniqueConstraint(
                fields=["edition", "entrant_name", "project_key"],
                condition=Q(organization__isnull=True) & ~Q(status="withdrawn"),
                name="awards_one_historical_entry_per_project",
            ),
            choices_check("status", EntryStatus),
            choices_check("result", Result, allow_blank=True),
            models.CheckConstraint(
                condition=Q(result="") | Q(status="submitted"),
                name="awards_only_submitted_entries_have_results",
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "status", "category"], name="awards_entry_by_status"),
            models.Index(fields=["organization", "result"], name="awards_entry_by_org_result"),
        ]

    def __str__(self) -> str:
        return f"{self.project_title} ({self.entrant_name})"

    def save(self, *args, **kwargs):
        self.project_key = project_key(self.project_title)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "project_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The public page; it exists only for awarded entries of a published edition."""
        return reverse("awards:entry", kwargs={"year": self.edition.year, "pk": self.pk})

    @property
    def is_public(self) -> bool:
        return bool(
            self.result
            and self.status == EntryStatus.SUBMITTED
            and self.edition.results_published
            and self.edition.is_public
        )

    @property
    def is_draft(self) -> bool:
        return self.status == EntryStatus.DRAFT

    REQUIRED_FOR_SUBMISSION = (
        "summary",
        "problem",
        "solution",
        "ict_used",
        "results_impact",
        "started_on",
    )

    def missing_for_submission(self) -> list[str]:
        """Verbose names of the fields a submitted entry must have."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.REQUIRED_FOR_SUBMISSION
            if getattr(self, name) in ("", None)
        ]


class EntryImage(models.Model):
    """A picture of the project: re-encoded on upload, with a thumbnail; private until
    the entry is awarded and the results are published."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="images", verbose_name=_("entry")
    )
    image = models.ImageField(_("image"), storage=private_storage, upload_to="awards/images/%Y/")
    thumbnail = models.ImageField(storage=private_storage, upload_to="awards/images/thumbs/%Y/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry image")
        verbose_name_plural = _("entry images")
        ordering = ["entry", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or f"Image {self.pk}"


class EntryDocument(models.Model):
    """A supporting document (PDF). Always private while judging; after the results, shown
    with an awarded entry only if the city marked it public."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="documents", verbose_name=_("entry")
    )
    file = models.FileField(
        _("file (PDF)"),
        storage=private_storage,
        upload_to="awards/documents/%Y/",
        validators=[validate_pdf],
    )
    title = models.CharField(_("title"), max_length=200)
    is_public = models.BooleanField(
        _("may be published with the results"),
        default=False,
        help_text=_("If your entry wins an award, this document is shown on its public page."),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        ordering = ["entry", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class ConflictOfInterest(models.Model):
    """A judge's declaration of a conflict on an entry: the judge may not score it."""

    judge = models.ForeignKey(
        Judge, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("judge")
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("entry")
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry"], name="awards_one_conflict_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.judge} – {self.entry}"


def _score_field(criterion: Criterion) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        criterion.label,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )


class Score(models.Model):
    """One judge's marks for one entry on the fixed criteria (1–10 each), with comments.

    Never shown to cities; shown to other judges only once the panel has closed.
    """

    judge = models.ForeignKey(
        Judge, on_delete=models.CASCADE, related_name="scores", verbose_name=_("judge")
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="scores", verbose_name=_("entry")
    )
    innovation = _score_field(Criterion.INNOVATION)
    impact = _score_field(Criterion.IMPACT)
    sustainability = _score_field(Criterion.SUSTAINABILITY)
    replicability = _score_field(Criterion.REPLICABILITY)
    citizen_benefit = _score_field(Criterion.CITIZEN_BENEFIT)
    comments = models.TextField(_("comments"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("scored"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["entry", "judge__position", "judge__name"]
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry"], name="awards_one_score_per_judge"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": SCORE_MIN, f"{name}__lte": SCORE_MAX}),
                    name=f"awards_score_{name}_in_range",
                )
                for name in CRITERIA
            ],
        ]

    def __str__(self) -> str:
        return f"{self.judge} – {self.entry}"

    @property
    def marks(self) -> list[int]:
        return [getattr(self, name) for name in CRITERIA]

    @property
    def mean(self) -> float:
        return sum(self.marks) / len(CRITERIA)
