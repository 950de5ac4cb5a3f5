"""Judges, their scores and declared conflicts of interest."""

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.services import notification_create
from wego_portal.files import normalised_image
from wego_portal.links import absolute_url
from wego_portal.permissions import require
from wego_portal.stale_decisions import check_expected_status

from ..enums import STAGE_TRANSITIONS, EntryStatus, Stage
from ..models import (
    CRITERIA,
    Category,
    ConflictOfInterest,
    Edition,
    Entry,
    Judge,
    Score,
)
from .entries import (
    EditionChangedMeanwhile,
    JudgingError,
    ResultsError,
    _deadline,
    _delete_files_after_commit,
    _locked_edition,
    _record_stage,
    _wrong_stage,
)
from .results import edition_publish_results

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
