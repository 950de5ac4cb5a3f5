"""Every write of the Smart Health Responder: Data Portal initiatives and their moderation, and
the Smart Health Assistance inquiries from receipt to closing.

Views, admin actions and the (later) API call these functions; each runs in one transaction
and names its side effects. Notifications are created inside the transaction and delivered
after it commits.
"""

from collections.abc import Mapping
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from members.models import Organization
from notifications.services import notification_create, notification_create_bulk
from wego_portal.permissions import require

from . import docx
from .enums import (
    EDITABLE_STATUSES,
    INQUIRY_TRANSITIONS,
    InitiativeFileKind,
    InquiryStatus,
    ModerationStatus,
)
from .models import Initiative, InitiativeFile, Inquiry, InquiryNote, InquiryTransition, Supplier
from .selectors import secretariat_users


class HealthError(Exception):
    """An operation the current state does not allow; the message is shown to the person."""


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


#: The initiative fields a city fills in (online or through the template).
INITIATIVE_FIELDS = (
    "title",
    "city",
    "country",
    "topic",
    "started_on",
    "ended_on",
    "summary",
    "outcomes",
    "links",
)


# --- Initiatives -------------------------------------------------------------------------------


_DATE_FIELDS = {"started_on", "ended_on"}


def _apply(initiative: Initiative, data: Mapping) -> None:
    for name in INITIATIVE_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name not in _DATE_FIELDS:
                value = [] if name == "links" else ""
            setattr(initiative, name, value)


@transaction.atomic
def initiative_create(
    *, organization: Organization | None, data: Mapping, created_by: User | None
) -> Initiative:
    """A draft initiative of ``organization`` (city and country default to the member's).

    Side effects: none beyond the row; nothing is public or sent until it is submitted.
    """
    initiative = Initiative(organization=organization, created_by=created_by)
    if organization is not None:
        initiative.city = organization.city
        initiative.country = organization.country
    _apply(initiative, data)
    if not initiative.title:
        initiative.title = _("Untitled initiative")
    initiative.full_clean(exclude=["organization", "created_by"])
    initiative.save()
    return initiative


def _locked(initiative: Initiative) -> Initiative:
    return (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=initiative.pk)
    )


@transaction.atomic
def initiative_update(*, initiative: Initiative, data: Mapping, changed_by: User) -> Initiative:
    """Change a draft or returned initiative. Refuses (``HealthError``) once submitted."""
    initiative = _locked(initiative)
    if initiative.status not in EDITABLE_STATUSES:
        raise HealthError(
            _("This initiative is with the secretariat and can no longer be changed.")
        )
    _apply(initiative, data)
    initiative.full_clean(exclude=["organization", "created_by"])
    initiative.save()
    return initiative


def _store_file(
    initiative: Initiative, *, upload, kind: str, uploaded_by: User | None
) -> InitiativeFile:
    name = PurePath(upload.name or "document").name[:200]
    record = InitiativeFile(
        initiative=initiative,
        kind=kind,
        original_name=name,
        size=upload.size or 0,
        uploaded_by=uploaded_by,
    )
    upload.seek(0)
    record.file.save(name, upload, save=False)
    record.save()
    return record


@transaction.atomic
def initiative_create_from_template(
    *, organization: Organization, upload, created_by: User
) -> tuple[Initiative, docx.TemplateAnswers]:
    """A draft initiative filled from an uploaded template, and what could not be read.

    The upload must have passed ``docx.validate_docx``; raises ``ValidationError`` if it is not
    the WeGO template. Side effects: stores the .docx privately with the draft.
    """
    answers = docx.read_template(upload)
    initiative = initiative_create(
        organization=organization, data=answers.values, created_by=created_by
    )
    _store_file(initiative, upload=upload, kind=InitiativeFileKind.TEMPLATE, uploaded_by=created_by)
    return initiative, answers


@transaction.atomic
def initiative_attach_file(
    *, initiative: Initiative, upload, kind: str, uploaded_by: User
) -> InitiativeFile:
    """Add a checked file (PDF or filled template) to a draft or returned initiative.

    Side effects: writes the file to private storage (public only once the initiative is).
    """
    initiative = _locked(initiative)
    if initiative.status not in EDITABLE_STATUSES:
        raise HealthError(
            _("This initiative is with the secretariat and can no longer be changed.")
        )
    return _store_file(initiative, upload=upload, kind=kind, uploaded_by=uploaded_by)


@transaction.atomic
def initiative_remove_file(*, file: InitiativeFile, removed_by: User) -> None:
    """Remove a file from a draft or returned initiative; the bytes go after commit."""
    initiative = _locked(file.initiative)
    if initiative.status not in EDITABLE_STATUSES:
        raise HealthError(
            _("This initiative is with the secretariat and can no longer be changed.")
        )
    stored = file.file
    storage, name = stored.storage, stored.name
    file.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def initiative_submit(*, initiative: Initiative, submitted_by: User) -> Initiative:
    """Send a complete draft (or a returned initiative) to the secretariat for review.

    Refuses (``HealthError``) an incomplete one, listing what is missing. Side effects: a
    notice and e-mail to every Secretariat staff member.
    """
    initiative = _locked(initiative)
    if initiative.status not in EDITABLE_STATUSES:
        raise HealthError(_("This initiative was already submitted."))
    missing = initiative.missing_for_submission()
    if missing:
        raise HealthError(
            _("Complete these parts before you submit: %(parts)s.") % {"parts": ", ".join(missing)}
        )
    initiative.status = ModerationStatus.SUBMITTED
    initiative.submitted_at = timezone.now()
    initiative.submitted_by = submitted_by
    initiative.save()
    admin_path = reverse("admin:health_initiative_change", args=[initiative.pk])
    notification_create_bulk(
        kind="health.initiative.submitted",
        recipients=list(secretariat_users()),
        about=initiative,
        context={"initiative": initiative, "action_url": absolute_url(admin_path)},
        idempotency_key=f"health-initiative-{initiative.pk}-submitted-"
        f"{initiative.submitted_at:%Y%m%d%H%M%S%f}",
        url=admin_path,
    )
    return initiative


def _tell_the_city(initiative: Initiative, *, kind: str, key: str) -> None:
    if initiative.organization_id is None:
        return
    people = [link.user for link in initiative.organization.people.select_related("user")]
    path = reverse("health:initiative_manage", args=[initiative.pk])
    notification_create_bulk(
        kind=kind,
        recipients=[person for person in people if person.is_active],
        about=initiative,
        context={
            "initiative": initiative,
            "action_url": absolute_url(path),
            "public_url": absolute_url(initiative.get_absolute_url()),
        },
        idempotency_key=key,
        url=path,
    )


@transaction.atomic
def initiative_publish(*, initiative: Initiative, published_by: User) -> Initiative:
    """Publish a submitted initiative on the Data Portal (with its files).

    A draft the secretariat recorded itself (no organization) may be published directly.
    Side effects: notice and e-mail to the people of the sharing organization.
    """
    require(published_by, "health.moderate_initiatives")
    initiative = _locked(initiative)
    if initiative.status == ModerationStatus.PUBLISHED:
        raise HealthError(_("This initiative is already published."))
    staff_draft = (
        initiative.organization_id is None and initiative.status != ModerationStatus.SUBMITTED
    )
    if initiative.status != ModerationStatus.SUBMITTED and not staff_draft:
        raise HealthError(_("Only submitted initiatives can be published."))
    missing = initiative.missing_for_submission()
    if missing:
        raise HealthError(
            _("Complete these parts first: %(parts)s.") % {"parts": ", ".join(missing)}
        )
    now = timezone.now()
    initiative.status = ModerationStatus.PUBLISHED
    initiative.decided_at = now
    initiative.decided_by = published_by
    initiative.published_at = now
    initiative.moderation_note = ""
    initiative.save()
    _tell_the_city(
        initiative,
        kind="health.initiative.published",
        key=f"health-initiative-{initiative.pk}-published-{now:%Y%m%d%H%M%S%f}",
    )
    return initiative


@transaction.atomic
def initiative_return(*, initiative: Initiative, returned_by: User, note: str) -> Initiative:
    """Return a submitted (or take down a published) initiative to the city, with a note.

    Side effects: the initiative leaves the public site; notice and e-mail with the note to
    the people of the sharing organization, who may change it and submit again.
    """
    require(returned_by, "health.moderate_initiatives")
    if not note.strip():
        raise HealthError(_("Tell the city what to change."))
    initiative = _locked(initiative)
    if initiative.status not in (ModerationStatus.SUBMITTED, ModerationStatus.PUBLISHED):
        raise HealthError(_("Only submitted or published initiatives can be returned."))
    now = timezone.now()
    initiative.status = ModerationStatus.RETURNED
    initiative.decided_at = now
    initiative.decided_by = returned_by
    initiative.published_at = None
    initiative.moderation_note = note.strip()
    initiative.save()
    _tell_the_city(
        initiative,
        kind="health.initiative.returned",
        key=f"health-initiative-{initiative.pk}-returned-{now:%Y%m%d%H%M%S%f}",
    )
    return initiative


# --- Inquiries ---------------------------------------------------------------------------------

INQUIRY_FIELDS = ("name", "organization_name", "email", "country", "topic", "message")


@transaction.atomic
def inquiry_submit(*, data: Mapping, supplier: Supplier | None = None) -> Inquiry:
    """Record a visitor's inquiry to ``supplier`` (or to WeGO when None) and route it.

    Side effects: records the "new" status; e-mails the sender an acknowledgement (once);
    notifies every Secretariat staff member; when the supplier has a contact e-mail, sends it
    the inquiry and records the status "forwarded" (by the portal, not a person).
    """
    inquiry = Inquiry.objects.create(
        supplier=supplier, **{name: data.get(name) or "" for name in INQUIRY_FIELDS}
    )
    InquiryTransition.objects.create(
        inquiry=inquiry, from_status="", to_status=InquiryStatus.NEW, at=inquiry.created_at
    )
    notification_create(
        kind="health.inquiry.received",
        to_email=inquiry.email,
        about=inquiry,
        context={"inquiry": inquiry},
        idempotency_key=f"health-inquiry-{inquiry.pk}-received",
    )
    admin_path = reverse("admin:health_inquiry_change", args=[inquiry.pk])
    notification_create_bulk(
        kind="health.inquiry.new",
        recipients=list(secretariat_users()),
        about=inquiry,
        context={"inquiry": inquiry, "action_url": absolute_url(admin_path)},
        idempotency_key=f"health-inquiry-{inquiry.pk}-new",
        url=admin_path,
    )
    if supplier is not None and supplier.contact_email:
        notification_create(
            kind="health.inquiry.for_supplier",
            to_email=supplier.contact_email,
            about=inquiry,
            context={"inquiry": inquiry, "supplier": supplier},
            idempotency_key=f"health-inquiry-{inquiry.pk}-supplier",
        )
        _move(
            inquiry,
            to_status=InquiryStatus.FORWARDED,
            by=None,
            note=_("Sent to %(supplier)s automatically.") % {"supplier": supplier.name},
            forwarded_to=supplier.contact_email,
        )
    return inquiry


def _move(
    inquiry: Inquiry, *, to_status: str, by: User | None, note: str = "", forwarded_to: str = ""
) -> InquiryTransition:
    if to_status not in INQUIRY_TRANSITIONS[inquiry.status]:
        raise HealthError(
            _("An inquiry that is %(from)s cannot become %(to)s.")
            % {
                "from": InquiryStatus(inquiry.status).label.lower(),
                "to": InquiryStatus(to_status).label.lower(),
            }
        )
    now = timezone.now()
    transition = InquiryTransition.objects.create(
        inquiry=inquiry,
        from_status=inquiry.status,
        to_status=to_status,
        by=by,
        at=now,
        note=note,
        forwarded_to=forwarded_to,
    )
    inquiry.status = to_status
    inquiry.status_changed_at = now
    inquiry.save(update_fields=["status", "status_changed_at"])
    return transition


@transaction.atomic
def inquiry_transition(
    *, inquiry: Inquiry, to_status: str, by: User, note: str = "", forward_to: str = ""
) -> Inquiry:
    """Move an inquiry along new → forwarded → answered → closed (the one place that does).

    Allowed moves: ``enums.INQUIRY_TRANSITIONS``; anything else raises ``HealthError``.
    Forwarding to ``forward_to`` (an e-mail address; the supplier's contact address when
    empty) sends that address the inquiry. Side effects: records who, when and the note.
    """
    require(by, "health.handle_inquiries")
    inquiry = (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("supplier")
        .get(pk=inquiry.pk)
    )
    if to_status == InquiryStatus.FORWARDED and not forward_to and inquiry.supplier_id:
        forward_to = inquiry.supplier.contact_email
    transition = _move(
        inquiry,
        to_status=to_status,
        by=by,
        note=note.strip(),
        forwarded_to=forward_to if to_status == InquiryStatus.FORWARDED else "",
    )
    if transition.forwarded_to:
        notification_create(
            kind="health.inquiry.forwarded",
            to_email=transition.forwarded_to,
            about=inquiry,
            context={"inquiry": inquiry, "note": transition.note, "forwarded_by": by},
            idempotency_key=f"health-inquiry-{inquiry.pk}-forwarded-{transition.pk}",
        )
    return inquiry


def inquiry_forward(
    *, inquiry: Inquiry, forwarded_by: User, forward_to: str = "", note: str = ""
) -> Inquiry:
    """Forward to ``forward_to`` (or the supplier's address); see ``inquiry_transition``."""
    return inquiry_transition(
        inquiry=inquiry,
        to_status=InquiryStatus.FORWARDED,
        by=forwarded_by,
        note=note,
        forward_to=forward_to,
    )


def inquiry_mark_answered(*, inquiry: Inquiry, answered_by: User, note: str = "") -> Inquiry:
    return inquiry_transition(
        inquiry=inquiry, to_status=InquiryStatus.ANSWERED, by=answered_by, note=note
    )


def inquiry_close(*, inquiry: Inquiry, closed_by: User, note: str = "") -> Inquiry:
    return inquiry_transition(
        inquiry=inquiry, to_status=InquiryStatus.CLOSED, by=closed_by, note=note
    )


@transaction.atomic
def inquiry_add_note(*, inquiry: Inquiry, author: User, body: str) -> InquiryNote:
    """An internal note of the secretariat on ``inquiry`` (never sent to anyone)."""
    require(author, "health.handle_inquiries")
    if not body.strip():
        raise HealthError(_("Write the note first."))
    return InquiryNote.objects.create(inquiry=inquiry, author=author, body=body.strip())
