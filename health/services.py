"""Every write of the Smart Health Responder: Data Portal initiatives and their moderation, and
the Smart Health Assistance inquiries from receipt to closing.

Views, admin actions and the (later) API call these functions; each runs in one transaction
and names its side effects. Notifications are created inside the transaction and delivered
after it commits.
"""

from collections.abc import Mapping
from pathlib import PurePath

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from members.models import Organization
from members.selectors import secretariat_users
from notifications.services import notification_create, notification_create_bulk
from wego_portal.links import absolute_url
from wego_portal.moderation.services import (
    Moderation,
    moderation_publish,
    moderation_return,
    moderation_submit,
)
from wego_portal.permissions import require

from . import docx
from .enums import (
    EDITABLE_STATUSES,
    INQUIRY_TRANSITIONS,
    InitiativeFileKind,
    InquiryStatus,
)
from .models import Initiative, InitiativeFile, Inquiry, InquiryNote, InquiryTransition, Supplier


class HealthError(Exception):
    """An operation the current state does not allow; the message is shown to the person."""


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


#: How the Data Portal's initiatives are moderated (``wego_portal.moderation``).
INITIATIVE_MODERATION = Moderation(
    model=Initiative,
    permission="health.moderate_initiatives",
    notifications="health.initiative",
    context_name="initiative",
    manage_url="health:initiative_manage",
    error=HealthError,
    complete_to_publish=True,
    messages={
        "already_submitted": _lazy("This initiative was already submitted."),
        "already_published": _lazy("This initiative is already published."),
        "not_submitted": _lazy("Only submitted initiatives can be published."),
        "not_returnable": _lazy("Only submitted or published initiatives can be returned."),
    },
)


def initiative_submit(*, initiative: Initiative, submitted_by: User) -> Initiative:
    """Send a complete draft (or a returned initiative) to the secretariat for review.

    Refuses (``HealthError``) an incomplete one, listing what is missing. Side effects: a
    notice and e-mail to every Secretariat staff member.
    """
    return moderation_submit(
        moderation=INITIATIVE_MODERATION, obj=initiative, submitted_by=submitted_by
    )


def initiative_publish(*, initiative: Initiative, published_by: User) -> Initiative:
    """Publish a submitted initiative on the Data Portal (with its files).

    A draft the secretariat recorded itself (no organization) may be published directly.
    Side effects: notice and e-mail to the people of the sharing organization.
    """
    return moderation_publish(
        moderation=INITIATIVE_MODERATION, obj=initiative, published_by=published_by
    )


def initiative_return(*, initiative: Initiative, returned_by: User, note: str) -> Initiative:
    """Return a submitted (or take down a published) initiative to the city, with a note.

    Side effects: the initiative leaves the public site; notice and e-mail with the note to
    the people of the sharing organization, who may change it and submit again.
    """
    return moderation_return(
        moderation=INITIATIVE_MODERATION, obj=initiative, returned_by=returned_by, note=note
    )


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
