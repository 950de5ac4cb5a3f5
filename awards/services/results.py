"""Results: recording, publishing and the historical data set."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from members.models import Organization
from notifications.services import notification_create_bulk
from wego_portal.links import absolute_url
from wego_portal.permissions import require
from wego_portal.stale_decisions import check_expected_status

from .. import selectors
from ..enums import EntryStatus, Result, Stage
from ..models import (
    Category,
    Edition,
    Entry,
    project_key,
)
from .entries import (
    EntryChangedMeanwhile,
    ResultsError,
    _deadline,
    _locked,
    _locked_edition,
    _organization_users,
    _record_stage,
    _wrong_stage,
)

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
