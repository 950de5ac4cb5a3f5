"""Every write of the WeGO Awards: entries, their files, judging, results.

Views, admin actions, the management command and (later) the API call these functions. Each
runs in one transaction, refuses what the edition's phase or the entry's status does not allow
with an ``AwardsError`` whose message is shown to the user, and lists its side effects.
A city's own acts (entering, judging) are checked by the callers through ``awards.rules``; the
Secretariat's moves (stages, results, publication) check the acting user's named permission
here as well (``awards.move_edition``, ``awards.record_results``, ``awards.publish_results``).
Every stage change is an ``EditionTransition`` row (who, when, from, to, note).
"""

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from members.models import Organization
from members.selectors import organization_people
from notifications.services import notification_create_bulk
from wego_portal.files import normalised_image
from wego_portal.links import absolute_url
from wego_portal.stale_decisions import ChangedMeanwhile, check_expected_status

from ..enums import EntryStatus
from ..models import (
    Category,
    Edition,
    EditionTransition,
    Entry,
    EntryDocument,
    EntryImage,
    project_key,
)
from ..rules import organization_is_eligible

MAX_IMAGES_PER_ENTRY = 6
MAX_DOCUMENTS_PER_ENTRY = 5
IMAGE_MAX_SIDE = 1600
THUMBNAIL_MAX_SIDE = 480

#: The project's fields an entrant fills in (``Entry.CONTENT_FIELDS``).
ENTRY_FIELDS = Entry.CONTENT_FIELDS


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


# --- Editions: shared by judging and results ---------------------------------------------------


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


def _deadline(edition: Edition) -> str:
    return date_format(timezone.localtime(edition.entries_close_at), "DATETIME_FORMAT")
