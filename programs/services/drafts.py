"""Starting an application and saving its sections and files."""

import datetime
from collections.abc import Mapping
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from members.models import Organization

from .. import sections
from ..errors import (
    AlreadyAppliedError,
    CallClosedError,
    EditConflict,
    NotEditable,
    NotEligibleError,
    ProgramError,
)
from ..models import (
    Application,
    ApplicationAttachment,
    Call,
    CallDocument,
    ProjectImplementerDetails,
    SolutionComponent,
    SolutionFinderDetails,
)
from .base import S, _lock, _require, _sync

# --- Starting and editing a draft --------------------------------------------------------------


@transaction.atomic
def application_start(*, call: Call, organization: Organization, started_by: User) -> Application:
    """Start a draft application of ``organization`` to ``call``.

    Refuses a call that is not open (``CallClosedError``), an organization whose member type
    may not apply (``NotEligibleError``) and a second application to the same call
    (``AlreadyAppliedError``, carrying the existing one). Side effects: creates the draft and
    its empty answers; the Solution Finder contact person starts as the person who started.
    """
    if not started_by.has_perm("programs.apply_for_organization", organization):
        raise PermissionDenied
    existing = Application.objects.filter(call=call, organization=organization).first()
    if existing is not None:
        raise AlreadyAppliedError(
            _("%(org)s already has an application to “%(call)s”.")
            % {"org": organization.name, "call": call.title},
            existing,
        )
    if not call.is_open():
        raise CallClosedError(_("“%(call)s” is not taking applications.") % {"call": call.title})
    if not call.accepts(organization.member_type):
        raise NotEligibleError(
            _("“%(call)s” is open to %(types)s only; %(org)s cannot apply.")
            % {
                "call": call.title,
                "types": ", ".join(str(label).lower() for label in call.eligible_labels),
                "org": organization.name,
            }
        )
    application = Application.objects.create(
        call=call, organization=organization, kind=call.kind, created_by=started_by
    )
    if application.is_solution_finder:
        SolutionFinderDetails.objects.create(
            application=application,
            contact_name=started_by.full_name,
            contact_email=started_by.email,
        )
    else:
        ProjectImplementerDetails.objects.create(application=application)
    return application


def _ensure_draft(application: Application) -> None:
    if application.status != S.DRAFT:
        raise NotEditable(
            _(
                "This application is “%(status)s” and can no longer be changed. "
                "Write to WeGO in the messages if something needs correcting."
            )
            % {"status": application.get_status_display()}
        )


def _store_file(field_file, upload, *, replacing: str = "") -> None:
    """Save ``upload`` into ``field_file``; the replaced file is deleted after commit."""
    field_file.save(upload.name, upload, save=False)
    if replacing:
        storage = field_file.storage
        transaction.on_commit(partial(storage.delete, replacing))


@transaction.atomic
def application_section_save(
    *,
    application: Application,
    section_key: str,
    data: Mapping,
    saved_by: User,
    revision: int | None = None,
) -> Application:
    """Save the answers of one section of a draft (partial answers are fine).

    ``data`` holds the section form's cleaned data: answer fields of the details table,
    ``areas`` (areas), ``components`` (a list of ``{"area", "need"}``), ``mayor_letter`` (an
    upload) or ``documents`` (``{CallDocument: upload}``). ``revision`` is the section's
    revision the form was opened at: if a colleague saved the section since, nothing is saved
    and ``EditConflict`` says who and when. Side effects: bumps the section's revision,
    replaces uploaded files (old files deleted after commit).
    """
    _require(saved_by, "programs.act_on_application", application)
    locked = _lock(application)
    _ensure_draft(locked)
    section = sections.get_section(locked, section_key)
    if section is None:
        raise ProgramError(_("This application has no section “%(key)s”.") % {"key": section_key})
    edits = dict(locked.section_edits or {})
    current = edits.get(section_key, {})
    if revision is not None and revision != current.get("rev", 0):
        editor = User.objects.filter(pk=current.get("by")).first()
        raise EditConflict(
            _("A colleague saved this section while you were editing it."),
            by=(editor.full_name or editor.email) if editor else _("a colleague"),
            at=datetime.datetime.fromisoformat(current["at"]) if current.get("at") else None,
            revision=current.get("rev", 0),
        )

    details = locked.details
    changed = []
    for name, value in data.items():
        if name == "areas":
            locked.areas.set(value)
        elif name == "components":
            locked.components.all().delete()
            SolutionComponent.objects.bulk_create(
                SolutionComponent(
                    application=locked, area=item["area"], need=item["need"], position=n
                )
                for n, item in enumerate(value, start=1)
            )
        elif name == "documents":
            for document, upload in value.items():
                _attachment_replace(locked, document, upload, saved_by)
        elif name == "mayor_letter":
            if value:
                _store_file(details.mayor_letter, value, replacing=details.mayor_letter.name)
                details.mayor_letter_name = value.name[:200]
                changed += ["mayor_letter", "mayor_letter_name"]
        elif name in section.field_names():
            setattr(details, name, value if value is not None else _blank_for(details, name))
            changed.append(name)
    if changed:
        details.full_clean(exclude=["application", "mayor_letter"])
        details.save(update_fields=changed)

    edits[section_key] = {
        "rev": current.get("rev", 0) + 1,
        "by": saved_by.pk,
        "at": timezone.now().isoformat(),
    }
    locked.section_edits = edits
    locked.save(update_fields=["section_edits", "updated_at"])
    _sync(application, locked)
    return locked


def _blank_for(details, name: str):
    field = details._meta.get_field(name)
    return None if field.null else ([] if name == "preferred_partner_types" else "")


def _attachment_replace(
    application: Application, document: CallDocument, upload, uploaded_by: User
) -> ApplicationAttachment:
    if document.call_id != application.call_id:
        raise ProgramError(_("This document belongs to another call."))
    for old in application.attachments.filter(document=document, message__isnull=True):
        _attachment_delete(old)
    return _attachment_create(application, upload, uploaded_by, document=document)


def _attachment_create(application, upload, uploaded_by, *, document=None, message=None):
    attachment = ApplicationAttachment(
        application=application,
        document=document,
        message=message,
        original_name=(upload.name or "document.pdf")[-200:],
        size=upload.size or 0,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def _attachment_delete(attachment: ApplicationAttachment) -> None:
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    if name:
        transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def attachment_remove(*, attachment: ApplicationAttachment, removed_by: User) -> None:
    """Remove a document uploaded to a draft. Side effects: the file is deleted after commit."""
    _require(removed_by, "programs.act_on_application", attachment.application)
    _ensure_draft(_lock(attachment.application))
    if attachment.message_id is not None:
        raise ProgramError(_("Files sent with a message cannot be removed."))
    _attachment_delete(attachment)
