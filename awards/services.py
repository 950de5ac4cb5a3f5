"""Every write of the WeGO Awards: entries, their files, judging, results.

Views, admin actions, the management command and (later) the API call these functions. Each
runs in one transaction, refuses what the edition's phase or the entry's status does not allow
with an ``AwardsError`` whose message is shown to the user, and lists its side effects.
A city's own acts (entering, judging) are checked by the callers through ``awards.rules``; the
Secretariat's moves (stages, results, publication) check the acting user's named permission
here as well (``awards.move_edition``, ``awards.record_results``, ``awards.publish_results``).
Every stage change is an ``EditionTransition`` row (who, when, from, to, note).
"""

import datetime
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from members.models import Organization
from members.selectors import organization_people
from notifications.services import notification_create, notification_create_bulk
from wego_portal.files import normalised_image
from wego_portal.links import absolute_url
from wego_portal.permissions import require
from wego_portal.stale_decisions import ChangedMeanwhile, check_expected_status

from . import selectors
from .enums import STAGE_TRANSITIONS, EntryStatus, Result, Stage
from .models import (
    CRITERIA,
    Category,
    ConflictOfInterest,
    Edition,
    EditionTransition,
    Entry,
    EntryDocument,
    EntryImage,
    Judge,
    Score,
    project_key,
)
from .rules import organization_is_eligible

MAX_IMAGES_PER_ENTRY = 6
MAX_DOCUMENTS_PER_ENTRY = 5
IMAGE_MAX_SIDE = 1600
THUMBNAIL_MAX_SIDE = 480

ENTRY_FIELDS = (
    "project_title",
    "summary",
    "problem",
    "solution",
    "ict_used",
    "results_impact",
    "started_on",
    "partners",
)


class AwardsError(Exception):
    """An awards operation that cannot be done now; the message is shown to the user."""


class EntryError(AwardsError):
    pass


class DuplicateProjectError(EntryError):
    def __init__(self):
        super().__init__(
            _("Your city has already entered this project in this edition (one entry per project).")
        )


class JudgingError(AwardsError):
    pass


class EntryChangedMeanwhile(EntryError, ChangedMeanwhile):
    """The entry is not in the state its author saw: nothing was changed."""

    default_message = gettext_lazy(
        "This entry changed meanwhile: it is now “%(current)s”. Nothing was changed; "
        "look at it again and decide."
    )


class ResultsError(AwardsError):
    """A results or stage operation the edition's state does not allow."""


class EditionChangedMeanwhile(ResultsError, ChangedMeanwhile):
    """The edition is not at the stage the officer saw: nothing was changed."""

    default_message = gettext_lazy(
        "This edition changed meanwhile: it is now at the stage “%(current)s”. Nothing was "
        "changed; look at it again and decide."
    )


def _organization_users(organization: Organization) -> list[User]:
    return list(organization_people(organization))


# --- Entries -----------------------------------------------------------------------------------


def _check_project_unique(*, entry: Entry, title: str) -> None:
    clash = Entry.objects.filter(
        edition_id=entry.edition_id,
        organization_id=entry.organization_id,
        project_key=project_key(title),
    ).exclude(status=EntryStatus.WITHDRAWN)
    if entry.pk:
        clash = clash.exclude(pk=entry.pk)
    if clash.exists():
        raise DuplicateProjectError


def _check_category(edition: Edition, category: Category) -> None:
    if category.edition_id != edition.pk:
        raise EntryError(_("This category belongs to another edition."))


def _save_entry(entry: Entry, **kwargs) -> None:
    try:
        with transaction.atomic():
            entry.save(**kwargs)
    except IntegrityError as exc:
        message = str(exc)
        # SQLite names the columns, PostgreSQL the constraint: both mention the project.
        if "project_key" in message or "awards_one_entry_per_project" in message:
            raise DuplicateProjectError from exc
        raise


@transaction.atomic
def entry_create(
    *,
    edition: Edition,
    organization: Organization,
    category: Category,
    created_by: User,
    data: Mapping,
) -> Entry:
    """Start a draft entry of ``organization`` in ``category`` while the edition is open.

    Refuses a member that is not an active local government, a closed edition, a category of
    another edition, and a project the city already entered in this edition (the database
    constraint is the last word). Side effects: none besides the draft row.
    """
    if not organization_is_eligible(organization):
        raise EntryError(
            _("Only active local-government members of WeGO may enter the WeGO Awards.")
        )
    if not edition.accepts_entries():
        raise EntryError(_("This edition is not open for entries."))
    _check_category(edition, category)
    entry = Entry(
        edition=edition,
        category=category,
        organization=organization,
        entrant_name=organization.name,
        entrant_country=organization.country,
        created_by=created_by,
        **{field: data[field] for field in ENTRY_FIELDS if field in data},
    )
    _check_project_unique(entry=entry, title=entry.project_title)
    _save_entry(entry)
    return entry


def _locked(entry: Entry) -> Entry:
    return Entry.objects.select_for_update().select_related("edition").get(pk=entry.pk)


def _check_editable(entry: Entry) -> None:
    if entry.status != EntryStatus.DRAFT:
        raise EntryError(
            _("Only a draft can be changed; this entry is %(status)s.")
            % {"status": entry.get_status_display().lower()}
        )
    if not entry.edition.accepts_entries():
        raise EntryError(
            _("The entry deadline has passed: your draft is kept but can no longer be changed.")
        )


@transaction.atomic
def entry_update(
    *, entry: Entry, changed_by: User, data: Mapping, category: Category | None = None
) -> Entry:
    """Change a draft while the edition accepts entries. Side effects: none."""
    entry = _locked(entry)
    _check_editable(entry)
    if category is not None:
        _check_category(entry.edition, category)
        entry.category = category
    for field in ENTRY_FIELDS:
        if field in data:
            setattr(entry, field, data[field])
    _check_project_unique(entry=entry, title=entry.project_title)
    _save_entry(entry)
    return entry


@transaction.atomic
def entry_submit(*, entry: Entry, submitted_by: User) -> Entry:
    """Submit a complete draft before the deadline.

    After the deadline the draft stays a draft and ``EntryError`` explains why. Refuses an
    incomplete entry and a city that reached the edition's maximum of submitted entries.
    Side effects: records the submission time; queues an acknowledgement to the city's people
    (once per entry, whatever the retries).
    """
    entry = _locked(entry)
    edition = entry.edition
    if entry.status != EntryStatus.DRAFT:
        raise EntryError(
            _("This entry was already %(status)s.") % {"status": entry.get_status_display().lower()}
        )
    if not edition.accepts_entries():
        raise EntryError(
            _(
                "The entry deadline has passed, so the entry cannot be submitted. "
                "Your draft is kept."
            )
        )
    # One city's submissions are serialised, so two at once cannot both pass the maximum.
    Organization.objects.select_for_update().filter(pk=entry.organization_id).first()
    missing = entry.missing_for_submission()
    if missing:
        raise EntryError(
            _("Complete these parts before submitting: %(fields)s.")
            % {"fields": ", ".join(missing)}
        )
    submitted = (
        Entry.objects.filter(
            edition=edition, organization_id=entry.organization_id, status=EntryStatus.SUBMITTED
        )
        .exclude(pk=entry.pk)
        .count()
    )
    if submitted >= edition.max_entries_per_city:
        raise EntryError(
            _("Your city has already submitted %(n)d entries, the maximum for this edition.")
            % {"n": edition.max_entries_per_city}
        )
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = timezone.now()
    entry.save(update_fields=["status", "submitted_at", "updated_at"])

    path = reverse("awards:entry_manage", kwargs={"pk": entry.pk})
    notification_create_bulk(
        kind="awards.entry_submitted",
        recipients=_organization_users(entry.organization),
        about=entry,
        context={
            "entry": entry,
            "edition": edition,
            "submitted_by": submitted_by,
            "action_url": absolute_url(path),
        },
        idempotency_key=f"awards-entry-{entry.pk}-submitted",
        url=path,
    )
    return entry


@transaction.atomic
def entry_withdraw(
    *, entry: Entry, withdrawn_by: User, expected_status: str | None = None
) -> Entry:
    """Withdraw a draft or submitted entry before the results are published.

    The project may then be entered again while the edition is open. Side effects: records the
    withdrawal time; removes any result recorded for it. ``expected_status``: the status the
    city saw (refused, ``EntryChangedMeanwhile``, if it changed meanwhile).
    """
    entry = _locked(entry)
    check_expected_status(
        current=entry.status,
        expected=expected_status,
        error=EntryChangedMeanwhile,
        labels=dict(EntryStatus.choices),
    )
    if entry.status == EntryStatus.WITHDRAWN:
        raise EntryError(_("This entry was already withdrawn."))
    if entry.edition.results_published:
        raise EntryError(_("The results are published: the entry can no longer be withdrawn."))
    entry.status = EntryStatus.WITHDRAWN
    entry.result = ""
    entry.withdrawn_at = timezone.now()
    entry.save(update_fields=["status", "result", "withdrawn_at", "updated_at"])
    return entry


# --- An entry's files --------------------------------------------------------------------------


@transaction.atomic
def entry_add_image(*, entry: Entry, upload, caption: str = "", added_by: User) -> EntryImage:
    """Attach a picture to a draft. The upload must have passed ``validate_image``.

    Side effects: writes a re-encoded PNG (at most 1600 px) and a thumbnail to private storage;
    only pixels are kept, whatever else the upload carried.
    """
    entry = _locked(entry)
    _check_editable(entry)
    if entry.images.count() >= MAX_IMAGES_PER_ENTRY:
        raise EntryError(_("An entry has at most %(n)d images.") % {"n": MAX_IMAGES_PER_ENTRY})
    name = f"entry-{entry.pk}"
    image = normalised_image(upload, max_side=IMAGE_MAX_SIDE, name=name)
    upload.seek(0)
    thumbnail = normalised_image(upload, max_side=THUMBNAIL_MAX_SIDE, name=name)
    record = EntryImage(entry=entry, caption=caption)
    record.image.save(image.name, image, save=False)
    record.thumbnail.save(thumbnail.name, thumbnail, save=False)
    record.save()
    return record


def _delete_files_after_commit(*field_files) -> None:
    names = [(f.storage, f.name) for f in field_files if f]

    def cleanup():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(cleanup)


@transaction.atomic
def entry_remove_image(*, image: EntryImage, removed_by: User) -> None:
    """Remove a picture from a draft. Side effects: deletes its files after commit."""
    _check_editable(_locked(image.entry))
    _delete_files_after_commit(image.image, image.thumbnail)
    image.delete()


@transaction.atomic
def entry_add_document(
    *, entry: Entry, upload, title: str, is_public: bool, added_by: User
) -> EntryDocument:
    """Attach a supporting PDF (already checked by ``validate_pdf``) to a draft.

    Side effects: stores the file in private storage (no URL; streamed by a checked view).
    """
    entry = _locked(entry)
    _check_editable(entry)
    if entry.documents.count() >= MAX_DOCUMENTS_PER_ENTRY:
        raise EntryError(
            _("An entry has at most %(n)d supporting documents.") % {"n": MAX_DOCUMENTS_PER_ENTRY}
        )
    document = EntryDocument(entry=entry, title=title, is_public=is_public)
    document.file.save(f"entry-{entry.pk}.pdf", upload, save=False)
    document.save()
    return document


@transaction.atomic
def entry_set_document_public(
    *, document: EntryDocument, is_public: bool, changed_by: User
) -> EntryDocument:
    """Mark a document as publishable with the results, or private again (any time: it is
    the city's choice what to show). Side effects: none."""
    if document.is_public != is_public:
        document.is_public = is_public
        document.save(update_fields=["is_public"])
    return document


@transaction.atomic
def entry_remove_document(*, document: EntryDocument, removed_by: User) -> None:
    """Remove a document from a draft. Side effects: deletes the file after commit."""
    _check_editable(_locked(document.entry))
    _delete_files_after_commit(document.file)
    document.delete()


# --- Judges ------------------------------------------------------------------------------------


@transaction.atomic
def judge_assign_categories(
    *, judge: Judge, categories: Iterable[Category], assigned_by: User | None
) -> Judge:
    """Set the categories whose entries ``judge`` scores (all of the judge's edition).

    Side effects: replaces the assignment; the first time a judge with a portal account is
    given categories, queues an e-mail inviting them to the judging pages (once per judge).
    """
    categories = list(categories)
    if any(category.edition_id != judge.edition_id for category in categories):
        raise JudgingError(_("A judge can only be assigned categories of their own edition."))
    judge.categories.set(categories)
    if judge.user_id is not None and categories:
        path = reverse("awards:judging")
        notification_create(
            kind="awards.judge_assigned",
            recipient=judge.user,
            about=judge,
            context={
                "judge": judge,
                "edition": judge.edition,
                "categories": categories,
                "action_url": absolute_url(path),
            },
            idempotency_key=f"awards-judge-{judge.pk}-assigned",
            url=path,
        )
    return judge


@transaction.atomic
def judge_set_photo(*, judge: Judge, upload) -> Judge:
    """Replace the judge's photo with a re-encoded copy and a thumbnail (public media).

    Side effects: writes two files; deletes the old ones after commit.
    """
    old = [f for f in (judge.photo, judge.photo_thumbnail) if f]
    name = f"judge-{judge.pk}"
    photo = normalised_image(upload, max_side=600, name=name)
    upload.seek(0)
    thumbnail = normalised_image(upload, max_side=200, name=name)
    judge.photo.save(photo.name, photo, save=False)
    judge.photo_thumbnail.save(thumbnail.name, thumbnail, save=False)
    judge.save(update_fields=["photo", "photo_thumbnail"])
    if old:
        _delete_files_after_commit(*old)
    return judge


def _judge_for_entry(*, judge: Judge, entry: Entry) -> None:
    if (
        judge.edition_id != entry.edition_id
        or not judge.categories.filter(pk=entry.category_id).exists()
    ):
        raise JudgingError(_("This entry is not among those assigned to you."))
    if entry.status != EntryStatus.SUBMITTED:
        raise JudgingError(_("Only submitted entries are judged."))


@transaction.atomic
def conflict_declare(*, judge: Judge, entry: Entry, reason: str = "") -> ConflictOfInterest:
    """Record that ``judge`` has a conflict of interest on ``entry`` (idempotent).

    From then on the judge cannot score the entry. Side effects: deletes the judge's score of
    the entry, if any, so a conflicted mark never counts.
    """
    entry = Entry.objects.select_related("edition").get(pk=entry.pk)
    _judge_for_entry(judge=judge, entry=entry)
    if entry.edition.panel_closed():
        raise JudgingError(_("The judging panel has closed."))
    conflict, _created = ConflictOfInterest.objects.get_or_create(
        judge=judge, entry=entry, defaults={"reason": reason}
    )
    Score.objects.filter(judge=judge, entry=entry).delete()
    return conflict


@transaction.atomic
def score_save(
    *, judge: Judge, entry: Entry, marks: Mapping[str, int], comments: str = ""
) -> Score:
    """Record (or correct) ``judge``'s marks for ``entry`` while judging is open.

    ``marks`` has one value from 1 to 10 per criterion. Refuses an entry not assigned to the
    judge, one with a declared conflict, and scoring before judging opens or after the panel
    closed. Side effects: none besides the score row.
    """
    entry = Entry.objects.select_related("edition").get(pk=entry.pk)
    _judge_for_entry(judge=judge, entry=entry)
    if ConflictOfInterest.objects.filter(judge=judge, entry=entry).exists():
        raise JudgingError(_("You declared a conflict of interest on this entry."))
    if not entry.edition.judging_open():
        raise JudgingError(_("Scoring is possible only while the judging panel is open."))
    if set(marks) != set(CRITERIA):
        raise JudgingError(_("Give a mark for every criterion."))
    if any(not (1 <= int(value) <= 10) for value in marks.values()):
        raise JudgingError(_("Each mark is from 1 to 10."))
    score, _created = Score.objects.update_or_create(
        judge=judge,
        entry=entry,
        defaults={**{name: int(marks[name]) for name in CRITERIA}, "comments": comments},
    )
    return score


@transaction.atomic
def edition_close_panel(*, edition: Edition, closed_by: User) -> Edition:
    """Close the judging panel now: scoring stops and judges may read each other's scores.

    Side effects: sets the panel's closing time to now (keeps an earlier one).
    """
    require(closed_by, "awards.move_edition", edition)
    edition = _locked_edition(edition)
    now = timezone.now()
    if edition.entries_close_at and now < edition.entries_close_at:
        raise ResultsError(_("The panel cannot close before the entry deadline."))
    if edition.stage != Stage.JUDGING:
        raise ResultsError(
            _wrong_stage(edition, _("The panel closes while the edition is judged."))
        )
    _close_panel(edition, now)
    edition.save(update_fields=["judging_ends_at", "judging_starts_at", "updated_at"])
    return edition


def _close_panel(edition: Edition, now) -> None:
    if edition.judging_ends_at is None or edition.judging_ends_at > now:
        edition.judging_ends_at = now
        if edition.judging_starts_at and edition.judging_starts_at >= now:
            edition.judging_starts_at = now - datetime.timedelta(microseconds=1)


def _locked_edition(edition: Edition) -> Edition:
    return Edition.objects.select_for_update().get(pk=edition.pk)


def _wrong_stage(edition: Edition, explanation: str) -> str:
    return _("%(explanation)s The %(edition)s is at the stage “%(stage)s”.") % {
        "explanation": explanation,
        "edition": edition.title,
        "stage": edition.stage_label,
    }


def _record_stage(
    edition: Edition, *, to_stage: str, by: User, note: str = "", override: bool = False
) -> EditionTransition:
    transition = EditionTransition.objects.create(
        edition=edition,
        from_stage=edition.stage,
        to_stage=to_stage,
        by=by,
        note=note.strip(),
        override=override,
    )
    edition.stage = to_stage
    return transition


@transaction.atomic
def edition_move(
    *,
    edition: Edition,
    to_stage: str,
    by: User,
    note: str = "",
    expected_stage: str | None = None,
) -> Edition:
    """Move an edition to its next (or previous) stage along ``STAGE_TRANSITIONS``.

    Guards: opening needs the entry dates (deadline still ahead) and the categories; judging
    starts after the entry deadline; "results recorded" needs at least one recorded award and
    closes the judging panel; going back from "results recorded" to judging reopens the panel.
    Publishing goes through ``edition_publish_results``. ``expected_stage``: the stage the
    officer saw (refused, ``EditionChangedMeanwhile``, if the edition moved meanwhile). Side
    effects: an ``EditionTransition`` row (who, when, from, to, note).
    """
    if to_stage == Stage.PUBLISHED:
        return edition_publish_results(edition=edition, published_by=by, note=note)
    require(by, "awards.move_edition", edition)
    edition = _locked_edition(edition)
    check_expected_status(
        current=edition.stage,
        expected=expected_stage,
        error=EditionChangedMeanwhile,
        labels=dict(Stage.choices),
    )
    if to_stage not in STAGE_TRANSITIONS.get(edition.stage, ()):
        raise ResultsError(
            _wrong_stage(
                edition,
                _("It cannot move to “%(to)s” from here.")
                % {"to": Stage(to_stage).label if to_stage in Stage.values else to_stage},
            )
        )
    now = timezone.now()
    if to_stage == Stage.OPEN:
        if not (edition.entries_open_at and edition.entries_close_at):
            raise ResultsError(_("Set when entries open and close before opening the edition."))
        if edition.entries_closed(now):
            raise ResultsError(_("The entry deadline has passed: set a later one first."))
        if not edition.categories.exists():
            raise ResultsError(_("Add the edition's categories before opening it."))
    elif to_stage == Stage.JUDGING and edition.stage == Stage.OPEN:
        if not edition.entries_closed(now):
            raise ResultsError(
                _("Entries are open until %(deadline)s: judging starts after the deadline.")
                % {"deadline": _deadline(edition)}
            )
    elif to_stage == Stage.JUDGING:
        edition.judging_ends_at = None  # the panel scores again
    elif to_stage == Stage.RESULTS_RECORDED:
        if not edition.entries.filter(status=EntryStatus.SUBMITTED).exclude(result="").exists():
            raise ResultsError(_("Record at least one winner before closing the results."))
        _close_panel(edition, now)
    _record_stage(edition, to_stage=to_stage, by=by, note=note)
    edition.save()
    return edition


def _deadline(edition: Edition) -> str:
    return date_format(timezone.localtime(edition.entries_close_at), "DATETIME_FORMAT")


# --- Results -----------------------------------------------------------------------------------


@transaction.atomic
def entry_record_result(
    *, entry: Entry, result: str, recorded_by: User, expected_result: str | None = None
) -> Entry:
    """Record a submitted entry as winner or special mention ("" clears it), before publishing.

    Only while the edition is judged, after its entry deadline (``awards.record_results``).
    ``expected_result`` is the result the officer saw ("" for none): refused
    (``EntryChangedMeanwhile``) when a colleague recorded another one meanwhile. Side effects:
    records when; nothing is visible to anyone outside the secretariat until
    ``edition_publish_results``.
    """
    require(recorded_by, "awards.record_results", entry)
    entry = _locked(entry)
    check_expected_status(
        current=entry.result,
        expected=expected_result,
        error=EntryChangedMeanwhile,
        labels={"": _("No award"), **dict(Result.choices)},
    )
    if result and result not in Result.values:
        raise ResultsError(_("Unknown result."))
    edition = entry.edition
    if edition.results_published:
        raise ResultsError(_("The results of this edition are already published."))
    if edition.stage != Stage.JUDGING:
        raise ResultsError(
            _wrong_stage(edition, _("Results are recorded while the edition is judged."))
        )
    if not edition.entries_closed():
        raise ResultsError(
            _("Entries are open until %(deadline)s: results come after the deadline.")
            % {"deadline": _deadline(edition)}
        )
    if entry.status != EntryStatus.SUBMITTED:
        raise ResultsError(_("Only a submitted entry can receive an award."))
    entry.result = result
    entry.result_recorded_at = timezone.now() if result else None
    entry.save(update_fields=["result", "result_recorded_at", "updated_at"])
    return entry


@transaction.atomic
def edition_publish_results(
    *, edition: Edition, published_by: User, override_reason: str = "", note: str = ""
) -> Edition:
    """Publish the recorded results of ``edition``; this can happen only once.

    Needs ``awards.publish_results``, the stage "results recorded", and every submitted entry
    scored by every judge of its panel who declared no conflict, unless ``override_reason``
    says why the results are published anyway (recorded on the transition, ``override``).

    Side effects: an ``EditionTransition`` to "published"; closes the judging panel; makes the winners and special mentions (and the
    documents their cities marked public) visible on the public pages; queues one e-mail per
    person of every city with a submitted entry, telling them the outcome (each exactly once,
    whatever the retries).
    """
    require(published_by, "awards.publish_results", edition)
    edition = _locked_edition(edition)
    if edition.results_published:
        raise ResultsError(_("The results of this edition were already published."))
    if edition.stage != Stage.RESULTS_RECORDED:
        raise ResultsError(
            _wrong_stage(
                edition, _("Results are published once they are recorded and judging is over.")
            )
        )
    if not edition.entries.filter(status=EntryStatus.SUBMITTED).exclude(result="").exists():
        raise ResultsError(_("Record at least one winner before publishing the results."))
    missing = selectors.edition_missing_scores(edition)
    if missing and not override_reason.strip():
        raise ResultsError(
            ngettext(
                "%(n)d entry is not yet scored by every judge of its panel. Wait for the "
                "scores, or publish anyway and record why.",
                "%(n)d entries are not yet scored by every judge of their panel. Wait for the "
                "scores, or publish anyway and record why.",
                len(missing),
            )
            % {"n": len(missing)}
        )
    now = timezone.now()
    _record_stage(
        edition,
        to_stage=Stage.PUBLISHED,
        by=published_by,
        note=override_reason if missing else note,
        override=bool(missing),
    )
    edition.results_published = True
    edition.results_published_at = now
    edition.results_published_by = published_by
    if edition.judging_ends_at is None or edition.judging_ends_at > now:
        edition.judging_ends_at = now
    if edition.judging_starts_at and edition.judging_starts_at >= edition.judging_ends_at:
        edition.judging_starts_at = None
    edition.save()

    edition_path = edition.get_absolute_url()
    entries = (
        edition.entries.filter(status=EntryStatus.SUBMITTED, organization__isnull=False)
        .select_related("organization", "category")
        .order_by("pk")
    )
    for entry in entries:
        notification_create_bulk(
            kind="awards.results_published",
            recipients=_organization_users(entry.organization),
            about=entry,
            context={
                "edition": edition,
                "entry": entry,
                # The label, not its text: translated when the e-mail is sent.
                "result": Result(entry.result).label if entry.result else "",
                "action_url": absolute_url(edition_path),
            },
            idempotency_key=f"awards-edition-{edition.pk}-results-entry-{entry.pk}",
            url=edition_path,
        )
    return edition


# --- The historical data set -------------------------------------------------------------------


@transaction.atomic
def historical_result_record(
    *,
    edition: Edition,
    category: Category,
    entrant_name: str,
    entrant_country: str,
    project_title: str,
    result: str,
    organization: Organization | None,
) -> tuple[Entry, bool]:
    """Record one result of a past edition (the annual report's winners), idempotently.

    The entrant is linked to ``organization`` when it is a member; otherwise only its name and
    country are kept. Returns ``(entry, changed)``. Side effects: none (no e-mails: history).
    """
    key = project_key(project_title)
    entry = Entry.objects.filter(
        edition=edition, entrant_name=entrant_name, project_key=key
    ).first()
    values = {
        "category": category,
        "organization": organization,
        "entrant_country": entrant_country,
        "project_title": project_title,
        "status": EntryStatus.SUBMITTED,
        "result": result,
    }
    if entry is None:
        entry = Entry(edition=edition, entrant_name=entrant_name, **values)
        entry.save()
        return entry, True
    changed = [
        field
        for field, value in values.items()
        if getattr(entry, field) != value
        and not (field == "entrant_country" and entry.entrant_country.code == value)
    ]
    if changed:
        for field in changed:
            setattr(entry, field, values[field])
        entry.save()
    return entry, bool(changed)
