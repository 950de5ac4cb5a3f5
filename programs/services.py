"""Every write of the programs app: drafts, the workflow, reviews, messages, the plan, reminders.

Views, admin actions, the API and management commands call these functions. Each runs in one
transaction and names its side effects in its docstring. Each status change has exactly one
service (``application_submit``, ``application_shortlist``…); they all go through
``_transition``, which consults the table in ``programs.workflow`` and records who moved the
application, when, from which status to which, with the note shown to the city.

Permission: services that act for the city require ``programs.act_on_application``; staff
services require ``programs.decide_application`` (both in ``programs.rules``). Refusals raise
``PermissionDenied``; the views turn them into 404s.
"""

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from members.models import Organization
from notifications.services import notification_create, notification_create_bulk
from privacy.audit import acting
from wego_portal.i18n import datetime_with_zone
from wego_portal.links import absolute_url
from wego_portal.stale_decisions import check_expected_status

from . import sections, selectors, workflow
from .enums import (
    ApplicationStatus,
    MessageKind,
    MessageVisibility,
    MilestoneStatus,
    StakeholderRole,
)
from .errors import (
    AlreadyAppliedError,
    ApplicationChangedMeanwhile,
    ApplicationIncomplete,
    CallClosedError,
    EditConflict,
    NotEditable,
    NotEligibleError,
    ProgramError,
    TransitionNotAllowed,
)
from .models import (
    CRITERIA,
    Application,
    ApplicationAttachment,
    ApplicationMessage,
    ApplicationTransition,
    Call,
    CallDocument,
    Milestone,
    ProjectImplementerDetails,
    Review,
    SolutionComponent,
    SolutionFinderDetails,
    Stakeholder,
)

logger = logging.getLogger(__name__)

S = ApplicationStatus
CITY = "city"
STAFF = "staff"

#: Reminders before a call closes, in days (the first that applies is sent, each once).
DRAFT_REMINDER_DAYS = (1, 7)
#: Reminders before a milestone is due, in days.
MILESTONE_REMINDER_DAYS = (1, 7)
#: A review still incomplete this long after assignment gets one reminder.
REVIEW_REMINDER_AFTER = datetime.timedelta(days=7)

__all__ = [
    "AlreadyAppliedError",
    "ApplicationIncomplete",
    "CallClosedError",
    "EditConflict",
    "NotEditable",
    "NotEligibleError",
    "ProgramError",
    "TransitionNotAllowed",
]


def portal_path(application: Application) -> str:
    return reverse("programs:application", kwargs={"pk": application.pk})


def admin_path(application: Application) -> str:
    return reverse("admin:programs_application_change", args=[application.pk])


def _require(user, permission: str, application: Application) -> None:
    if user is None or not user.has_perm(permission, application):
        raise PermissionDenied


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organization")
        .get(pk=application.pk)
    )


def _sync(target: Application, source: Application) -> None:
    """Keep the caller's instance in step with the locked, saved copy."""
    for name in ("status", "status_changed_at", "submitted_at", "section_edits", "updated_at"):
        setattr(target, name, getattr(source, name))


# --- Notifications -----------------------------------------------------------------------------


def _staff_recipients(application: Application) -> list[User]:
    """Who hears of a city's action: assigned reviewers and the organization's office staff;
    the Secretariat when there are neither."""
    people = {u.pk: u for u in selectors.assigned_reviewers(application)}
    people.update({u.pk: u for u in selectors.office_staff_for(application)})
    if not people:
        people = {u.pk: u for u in selectors.secretariat_staff()}
    return [people[pk] for pk in sorted(people)]


def _notify_city(
    application: Application, *, kind: str, key: str, context: Mapping, url: str = ""
) -> None:
    notification_create_bulk(
        kind=kind,
        recipients=list(selectors.city_members(application)),
        about=application,
        context={
            "application": application,
            "organization": application.organization,
            "call": application.call,
            "action_url": absolute_url(url or portal_path(application)),
            **context,
        },
        idempotency_key=key,
        url=url or portal_path(application),
    )


def _notify_staff(
    application: Application,
    *,
    kind: str,
    key: str,
    context: Mapping,
    recipients: Iterable[User] | None = None,
) -> None:
    people = list(recipients) if recipients is not None else _staff_recipients(application)
    notification_create_bulk(
        kind=kind,
        recipients=[u for u in people if u.is_staff and u.is_active],
        about=application,
        context={
            "application": application,
            "organization": application.organization,
            "call": application.call,
            "action_url": absolute_url(admin_path(application)),
            **context,
        },
        idempotency_key=key,
        url=admin_path(application),
    )


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


# --- The workflow ------------------------------------------------------------------------------


def _transition(
    application: Application,
    *,
    to_status: str,
    by: User | None,
    actor: str,
    note: str = "",
    expected_status: str | None = None,
) -> tuple[Application, ApplicationTransition]:
    """Move ``application`` to ``to_status`` if the workflow allows it, and record the move.

    ``expected_status``: the status the actor saw; the move is refused
    (``ApplicationChangedMeanwhile``) if the locked row has another one.
    """
    locked = _lock(application)
    from_status = locked.status
    check_expected_status(
        current=from_status,
        expected=expected_status,
        error=ApplicationChangedMeanwhile,
        labels=dict(S.choices),
    )
    workflow.check_move(locked.kind, from_status, to_status)
    city_move = workflow.is_city_move(from_status, to_status)
    if city_move and actor != CITY:
        raise TransitionNotAllowed(
            _("Only the city can make this change (“%(from)s” to “%(to)s”).")
            % {"from": S(from_status).label, "to": S(to_status).label}
        )
    if not city_move and actor != STAFF:
        raise TransitionNotAllowed(
            _("Only WeGO can make this change (“%(from)s” to “%(to)s”).")
            % {"from": S(from_status).label, "to": S(to_status).label}
        )
    now = timezone.now()
    locked.status = to_status
    locked.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if to_status == S.SUBMITTED:
        locked.submitted_at = now
        fields.append("submitted_at")
    with acting(by):  # the audit log names the decision's author, in a task as in a request
        locked.save(update_fields=fields)
    record = ApplicationTransition.objects.create(
        application=locked,
        from_status=from_status,
        to_status=to_status,
        by=by,
        at=now,
        note=(note or "").strip(),
    )
    _sync(application, locked)
    return locked, record


def _staff_move(
    application: Application,
    *,
    to_status: str,
    by: User,
    note: str = "",
    expected_status: str | None = None,
) -> Application:
    """A staff decision: the move, then a status-change notice to the city's people."""
    _require(by, "programs.decide_application", application)
    locked, record = _transition(
        application,
        to_status=to_status,
        by=by,
        actor=STAFF,
        note=note,
        expected_status=expected_status,
    )
    _notify_city(
        locked,
        kind="programs.application.status_changed",
        key=f"programs-transition-{record.pk}",
        context={"transition": record, "next_step": workflow.NEXT_STEPS.get(to_status, "")},
    )
    return locked


@transaction.atomic
def application_submit(
    *, application: Application, submitted_by: User, expected_status: str | None = None
) -> Application:
    """Submit a complete draft while its call is open.

    Refused, with the draft kept as it is: after the call closed or before it opened
    (``CallClosedError``), for an ineligible organization (``NotEligibleError``), and while
    answers are missing (``ApplicationIncomplete``, listing each). Side effects: records the
    transition; assigns the call's review panel; a receipt to every person of the city; a
    new-submission notice to the assigned reviewers and the organization's office staff (the
    Secretariat when there are none).
    """
    _require(submitted_by, "programs.act_on_application", application)
    locked = _lock(application)
    check_expected_status(
        current=locked.status,
        expected=expected_status,
        error=ApplicationChangedMeanwhile,
        labels=dict(S.choices),
    )
    workflow.check_move(locked.kind, locked.status, S.SUBMITTED)
    call, now = locked.call, timezone.now()
    if not call.has_opened(now):
        raise CallClosedError(
            _("“%(call)s” opens on %(date)s; you can submit from then. Your draft is saved.")
            % {
                "call": call.title,
                "date": datetime_with_zone(timezone.localtime(call.opens_at)),
            }
        )
    if call.has_closed(now) or not call.is_published:
        closed = timezone.localtime(call.closes_at) if call.closes_at else None
        raise CallClosedError(
            _(
                "“%(call)s” closed on %(date)s, so this application can no longer be "
                "submitted. Your draft is kept."
            )
            % {
                "call": call.title,
                "date": datetime_with_zone(closed) if closed else _("an earlier date"),
            }
        )
    if not call.accepts(locked.organization.member_type):
        raise NotEligibleError(
            _("“%(call)s” is not open to %(type)s members.")
            % {"call": call.title, "type": locked.organization.get_member_type_display().lower()}
        )
    missing = sections.all_missing(locked)
    if missing:
        raise ApplicationIncomplete(
            _("Some answers are missing. Complete them, then submit."), missing
        )

    locked, record = _transition(
        locked,
        to_status=S.SUBMITTED,
        by=submitted_by,
        actor=CITY,
        expected_status=expected_status,
    )
    for reviewer in call.reviewers.filter(is_active=True, is_staff=True):
        Review.objects.get_or_create(application=locked, reviewer=reviewer)
    _notify_city(
        locked,
        kind="programs.application.submitted",
        key=f"programs-application-{locked.pk}-submitted",
        context={"submitted_by": submitted_by, "transition": record},
    )
    _notify_staff(
        locked,
        kind="programs.application.new_submission",
        key=f"programs-application-{locked.pk}-new-submission",
        context={"submitted_by": submitted_by},
    )
    _sync(application, locked)
    return locked


@transaction.atomic
def application_start_review(
    *, application: Application, by: User, note: str = "", expected_status: str | None = None
) -> Application:
    """Submitted → under review. Side effects: transition; status notice to the city."""
    return _staff_move(
        application, to_status=S.UNDER_REVIEW, by=by, note=note, expected_status=expected_status
    )


@transaction.atomic
def application_request_clarification(
    *, application: Application, by: User, questions: str, expected_status: str | None = None
) -> ApplicationMessage:
    """Under review → clarification requested, with the questions for the city.

    Side effects: transition; the questions as a shared message; a clarification-request
    notice (with the questions) to every person of the city.
    """
    _require(by, "programs.decide_application", application)
    if not (questions or "").strip():
        raise ProgramError(_("Write the questions the city should answer."))
    locked, record = _transition(
        application,
        to_status=S.CLARIFICATION_REQUESTED,
        by=by,
        actor=STAFF,
        expected_status=expected_status,
    )
    message = ApplicationMessage.objects.create(
        application=locked,
        author=by,
        visibility=MessageVisibility.SHARED,
        kind=MessageKind.CLARIFICATION_REQUEST,
        body=questions.strip(),
    )
    _notify_city(
        locked,
        kind="programs.application.clarification_requested",
        key=f"programs-transition-{record.pk}",
        context={"questions": message.body, "transition": record},
    )
    return message


@transaction.atomic
def application_answer_clarification(
    *,
    application: Application,
    answered_by: User,
    answer: str,
    files: Iterable = (),
    expected_status: str | None = None,
) -> ApplicationMessage:
    """The city answers a clarification request (text and PDF files): back to review.

    Side effects: transition (clarification requested → under review); the answer as a shared
    message with its files; a notice to the assigned reviewers and to the staff member who
    asked (the organization's office staff or the Secretariat when there is nobody).
    """
    _require(answered_by, "programs.act_on_application", application)
    if not (answer or "").strip():
        raise ProgramError(_("Enter your answer to WeGO's questions."))
    asked_by = (
        ApplicationTransition.objects.filter(
            application=application, to_status=S.CLARIFICATION_REQUESTED
        )
        .select_related("by")
        .order_by("-at", "-id")
        .first()
    )
    locked, record = _transition(
        application,
        to_status=S.UNDER_REVIEW,
        by=answered_by,
        actor=CITY,
        expected_status=expected_status,
    )
    message = ApplicationMessage.objects.create(
        application=locked,
        author=answered_by,
        visibility=MessageVisibility.SHARED,
        kind=MessageKind.CLARIFICATION_ANSWER,
        body=answer.strip(),
        from_city=True,
    )
    for upload in files:
        _attachment_create(locked, upload, answered_by, message=message)
    recipients = {u.pk: u for u in _staff_recipients(locked)}
    if asked_by and asked_by.by and asked_by.by.is_staff and asked_by.by.is_active:
        recipients[asked_by.by.pk] = asked_by.by
    _notify_staff(
        locked,
        kind="programs.application.city_answered",
        key=f"programs-transition-{record.pk}",
        context={"answered_by": answered_by, "answer": message},
        recipients=[recipients[pk] for pk in sorted(recipients)],
    )
    return message


@transaction.atomic
def application_give_feedback(
    *, application: Application, by: User, feedback: str, expected_status: str | None = None
) -> Application:
    """Solution Finder: under review → feedback given (WeGO's preliminary feedback).

    Side effects: transition with the feedback as its note; status notice to the city.
    """
    if not (feedback or "").strip():
        raise ProgramError(_("Write the feedback for the city."))
    return _staff_move(
        application,
        to_status=S.FEEDBACK_GIVEN,
        by=by,
        note=feedback,
        expected_status=expected_status,
    )


@transaction.atomic
def application_connect_partners(
    *,
    application: Application,
    by: User,
    partners: Iterable[Organization],
    note: str = "",
    expected_status: str | None = None,
) -> Application:
    """Solution Finder: feedback given → partners connected, with the chosen partners.

    ``partners`` are corporations or institutions from the directory. Side effects: each
    becomes a strategic-partner stakeholder of the plan; the city becomes its beneficiary;
    transition; status notice to the city.
    """
    partners = list(partners)
    if not partners:
        raise ProgramError(_("Choose at least one partner to connect the city with."))
    _check_partners(partners)
    locked = _staff_move(
        application,
        to_status=S.PARTNERS_CONNECTED,
        by=by,
        note=note,
        expected_status=expected_status,
    )
    _beneficiary(locked, by)
    for partner in partners:
        Stakeholder.objects.get_or_create(
            application=locked,
            organization=partner,
            role=StakeholderRole.STRATEGIC_PARTNER,
            defaults={"added_by": by},
        )
    return locked


def _check_partners(organizations: Iterable[Organization]) -> None:
    allowed = set(selectors.PARTNER_TYPES)
    for organization in organizations:
        if organization.member_type not in allowed:
            raise ProgramError(
                _("%(org)s is a %(type)s; partners are corporations or institutions.")
                % {
                    "org": organization.name,
                    "type": organization.get_member_type_display().lower(),
                }
            )


def _beneficiary(application: Application, by: User | None) -> Stakeholder:
    stakeholder, _created = Stakeholder.objects.get_or_create(
        application=application,
        organization=application.organization,
        role=StakeholderRole.BENEFICIARY_CITY,
        defaults={"added_by": by},
    )
    return stakeholder


@transaction.atomic
def application_start_implementation(
    *, application: Application, by: User, note: str = "", expected_status: str | None = None
) -> Application:
    """Solution Finder: partners connected → in implementation. Side effects: as any move."""
    return _staff_move(
        application,
        to_status=S.IN_IMPLEMENTATION,
        by=by,
        note=note,
        expected_status=expected_status,
    )


@transaction.atomic
def application_close(
    *, application: Application, by: User, note: str = "", expected_status: str | None = None
) -> Application:
    """Solution Finder: in implementation → closed. Side effects: as any move."""
    return _staff_move(
        application, to_status=S.CLOSED, by=by, note=note, expected_status=expected_status
    )


@transaction.atomic
def application_shortlist(
    *, application: Application, by: User, note: str = "", expected_status: str | None = None
) -> Application:
    """Project Implementer: under review → shortlisted. Side effects: as any move."""
    return _staff_move(
        application, to_status=S.SHORTLISTED, by=by, note=note, expected_status=expected_status
    )


@transaction.atomic
def application_select_beneficiary(
    *, application: Application, by: User, note: str = "", expected_status: str | None = None
) -> Application:
    """Project Implementer: shortlisted → beneficiary selected.

    Side effects: the city becomes the beneficiary-city stakeholder of the plan; transition;
    status notice to the city.
    """
    locked = _staff_move(
        application,
        to_status=S.BENEFICIARY_SELECTED,
        by=by,
        note=note,
        expected_status=expected_status,
    )
    _beneficiary(locked, by)
    return locked


@transaction.atomic
def application_select_consulting_company(
    *,
    application: Application,
    by: User,
    company: Organization,
    note: str = "",
    expected_status: str | None = None,
) -> Application:
    """Project Implementer: beneficiary selected → consulting company selected.

    ``company`` is a corporation or institution from the directory. Side effects: it becomes
    the consulting-company stakeholder of the plan; transition; status notice to the city.
    """
    if company is None:
        raise ProgramError(_("Choose the consulting company."))
    _check_partners([company])
    locked = _staff_move(
        application,
        to_status=S.CONSULTING_COMPANY_SELECTED,
        by=by,
        note=note,
        expected_status=expected_status,
    )
    Stakeholder.objects.get_or_create(
        application=locked,
        organization=company,
        role=StakeholderRole.CONSULTING_COMPANY,
        defaults={"added_by": by},
    )
    return locked


@transaction.atomic
def application_start_feasibility_study(
    *, application: Application, by: User, note: str = "", expected_status: str | None = None
) -> Application:
    """Project Implementer: consulting company selected → feasibility study."""
    return _staff_move(
        application,
        to_status=S.FEASIBILITY_STUDY,
        by=by,
        note=note,
        expected_status=expected_status,
    )


@transaction.atomic
def application_start_pilot_project(
    *, application: Application, by: User, note: str = "", expected_status: str | None = None
) -> Application:
    """Project Implementer: feasibility study → pilot project."""
    return _staff_move(
        application, to_status=S.PILOT_PROJECT, by=by, note=note, expected_status=expected_status
    )


@transaction.atomic
def application_complete(
    *, application: Application, by: User, note: str = "", expected_status: str | None = None
) -> Application:
    """Project Implementer: pilot project → completed."""
    return _staff_move(
        application, to_status=S.COMPLETED, by=by, note=note, expected_status=expected_status
    )


@transaction.atomic
def application_decline(
    *, application: Application, by: User, reason: str = "", expected_status: str | None = None
) -> Application:
    """Decline at any review step. Side effects: transition with the reason shown to the
    city; status notice to the city."""
    return _staff_move(
        application, to_status=S.DECLINED, by=by, note=reason, expected_status=expected_status
    )


@transaction.atomic
def application_withdraw(
    *, application: Application, by: User, reason: str = "", expected_status: str | None = None
) -> Application:
    """The city withdraws before a decision.

    Side effects: transition; status notice to the city's people (colleagues learn of it);
    a notice to the assigned reviewers and office staff, who can stop reviewing.
    """
    _require(by, "programs.act_on_application", application)
    locked, record = _transition(
        application,
        to_status=S.WITHDRAWN,
        by=by,
        actor=CITY,
        note=reason,
        expected_status=expected_status,
    )
    _notify_city(
        locked,
        kind="programs.application.status_changed",
        key=f"programs-transition-{record.pk}",
        context={"transition": record, "next_step": workflow.NEXT_STEPS[S.WITHDRAWN]},
    )
    _notify_staff(
        locked,
        kind="programs.application.withdrawn",
        key=f"programs-transition-{record.pk}-staff",
        context={"withdrawn_by": by, "transition": record},
    )
    return locked


#: The staff service making each move, by target status (the back office's buttons).
STAFF_TRANSITION_SERVICES = {
    S.UNDER_REVIEW: application_start_review,
    S.CLARIFICATION_REQUESTED: application_request_clarification,
    S.FEEDBACK_GIVEN: application_give_feedback,
    S.PARTNERS_CONNECTED: application_connect_partners,
    S.IN_IMPLEMENTATION: application_start_implementation,
    S.CLOSED: application_close,
    S.SHORTLISTED: application_shortlist,
    S.BENEFICIARY_SELECTED: application_select_beneficiary,
    S.CONSULTING_COMPANY_SELECTED: application_select_consulting_company,
    S.FEASIBILITY_STUDY: application_start_feasibility_study,
    S.PILOT_PROJECT: application_start_pilot_project,
    S.COMPLETED: application_complete,
    S.DECLINED: application_decline,
}


def application_staff_move(
    *,
    application: Application,
    to_status: str,
    by: User,
    note: str = "",
    expected_status: str | None = None,
    **extra,
):
    """Call the one service that makes the staff move to ``to_status`` (the admin's buttons).

    ``extra`` carries what that service needs beyond a note (``partners``, ``company``);
    ``expected_status`` is the status the officer saw (refused if it changed meanwhile).
    """
    service = STAFF_TRANSITION_SERVICES.get(to_status)
    if service is None:
        raise TransitionNotAllowed(_("WeGO staff cannot make this change."))
    common = {"application": application, "by": by, "expected_status": expected_status}
    if to_status == S.CLARIFICATION_REQUESTED:
        return service(**common, questions=note)
    if to_status == S.FEEDBACK_GIVEN:
        return service(**common, feedback=note)
    if to_status == S.DECLINED:
        return service(**common, reason=note)
    return service(**common, note=note, **extra)


# --- Messages ----------------------------------------------------------------------------------


@transaction.atomic
def message_send_from_city(
    *, application: Application, author: User, body: str
) -> ApplicationMessage:
    """A message from the city to WeGO (always shared) on a submitted, undecided application.

    Side effects: a notice to the assigned reviewers and office staff (or the Secretariat).
    """
    _require(author, "programs.act_on_application", application)
    if application.status == S.DRAFT or application.status in workflow.FINAL_STATUSES:
        raise ProgramError(
            _("Messages can be sent once the application is submitted and until it is closed.")
        )
    if not (body or "").strip():
        raise ProgramError(_("Enter your message."))
    message = ApplicationMessage.objects.create(
        application=application,
        author=author,
        visibility=MessageVisibility.SHARED,
        kind=MessageKind.MESSAGE,
        body=body.strip(),
        from_city=True,
    )
    _notify_staff(
        application,
        kind="programs.application.city_message",
        key=f"programs-message-{message.pk}",
        context={"message": message, "author": author},
    )
    return message


@transaction.atomic
def message_send_from_staff(
    *, application: Application, author: User, body: str, visibility: str
) -> ApplicationMessage:
    """A staff message: shared with the city, or an internal note for staff only.

    Side effects: a shared message is e-mailed to every person of the city; an internal note
    notifies nobody outside WeGO (it never appears on the portal or in a city's e-mail).
    """
    _require(author, "programs.write_staff_message", application)
    if visibility not in MessageVisibility.values:
        raise ProgramError(_("Choose who sees the message."))
    if not (body or "").strip():
        raise ProgramError(_("Enter the message."))
    message = ApplicationMessage.objects.create(
        application=application,
        author=author,
        visibility=visibility,
        kind=MessageKind.MESSAGE if visibility == MessageVisibility.SHARED else MessageKind.NOTE,
        body=body.strip(),
    )
    if visibility == MessageVisibility.SHARED:
        _notify_city(
            application,
            kind="programs.application.message",
            key=f"programs-message-{message.pk}",
            context={"message": message},
        )
    return message


# --- Review ------------------------------------------------------------------------------------


@transaction.atomic
def review_assign(*, application: Application, reviewer: User, assigned_by: User) -> Review:
    """Assign ``reviewer`` (an active staff user) to a submitted application. Idempotent.

    Side effects: an empty review; a notice to the reviewer (unless they assigned themselves).
    """
    _require(assigned_by, "programs.assign_reviewers", application)
    if not (reviewer.is_active and reviewer.is_staff):
        raise ProgramError(_("Reviewers are active back-office users."))
    if application.status == S.DRAFT:
        raise ProgramError(_("Reviewers are assigned once the application is submitted."))
    review, created = Review.objects.get_or_create(
        application=application, reviewer=reviewer, defaults={"assigned_by": assigned_by}
    )
    if created and reviewer.pk != assigned_by.pk:
        notification_create(
            kind="programs.review.assigned",
            recipient=reviewer,
            about=application,
            context={
                "application": application,
                "assigned_by": assigned_by,
                "action_url": absolute_url(admin_path(application)),
            },
            idempotency_key=f"programs-review-{review.pk}-assigned",
            url=admin_path(application),
        )
    return review


@transaction.atomic
def review_unassign(*, review: Review, by: User) -> None:
    """Remove an assignment whose review has not been completed."""
    _require(by, "programs.assign_reviewers", review.application)
    if review.is_complete:
        raise ProgramError(_("A completed review cannot be removed."))
    review.delete()


@transaction.atomic
def review_save(*, review: Review, reviewer: User, data: Mapping) -> Review:
    """Save ``reviewer``'s own scores (1-5), comments, recommendation and overall comment.

    The review is complete when every criterion is scored and a recommendation given; it
    stays editable until the application leaves review. Side effects: none beyond the row.
    """
    if review.reviewer_id != reviewer.pk:
        raise PermissionDenied
    review = Review.objects.select_for_update().select_related("application").get(pk=review.pk)
    if review.application.status in workflow.FINAL_STATUSES:
        raise ProgramError(_("This application is closed; its reviews can no longer change."))
    allowed = {name for key, _label in CRITERIA for name in (key, f"{key}_comment")}
    allowed |= {"recommendation", "summary"}
    scores = {key for key, _label in CRITERIA}
    for name, value in data.items():
        if name in scores:
            setattr(review, name, value)
        elif name in allowed:
            setattr(review, name, value or "")
    complete = all(score is not None for score in review.scores) and bool(review.recommendation)
    if complete and review.completed_at is None:
        review.completed_at = timezone.now()
    elif not complete:
        review.completed_at = None
    review.full_clean(exclude=["application", "reviewer", "assigned_by"])
    review.save()
    return review


# --- Activator Plan ----------------------------------------------------------------------------


def _ensure_plan(application: Application) -> None:
    if not workflow.has_plan(application.kind, application.status):
        raise ProgramError(_("A project gets its plan once it is selected."))


@transaction.atomic
def stakeholder_save(*, stakeholder: Stakeholder, changed_by: User) -> Stakeholder:
    """Add or change a stakeholder of a selected project's plan."""
    _require(changed_by, "programs.decide_application", stakeholder.application)
    _ensure_plan(stakeholder.application)
    if stakeholder.pk is None:
        stakeholder.added_by = changed_by
    stakeholder.full_clean(exclude=["application", "added_by"])
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_remove(*, stakeholder: Stakeholder, removed_by: User) -> None:
    _require(removed_by, "programs.decide_application", stakeholder.application)
    stakeholder.delete()


@transaction.atomic
def milestone_save(*, milestone: Milestone, changed_by: User) -> Milestone:
    """Add or change a milestone of a selected project's plan (visible to the city).

    Side effects: a milestone marked done gets today as its completion date if none is given.
    Reminders go out before its due date (``reminders_send``); a new due date gets new ones.
    """
    _require(changed_by, "programs.decide_application", milestone.application)
    _ensure_plan(milestone.application)
    if milestone.status == MilestoneStatus.DONE and milestone.completed_on is None:
        milestone.completed_on = timezone.localdate()
    if milestone.status != MilestoneStatus.DONE:
        milestone.completed_on = None
    milestone.full_clean(exclude=["application"])
    milestone.save()
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, removed_by: User) -> None:
    _require(removed_by, "programs.decide_application", milestone.application)
    milestone.delete()


# --- Historical results ------------------------------------------------------------------------


@transaction.atomic
def application_record_result(
    *,
    call: Call,
    organization: Organization,
    status: str,
    decided_at: datetime.datetime,
    note: str,
    title: str = "",
) -> Application:
    """Record a past round's outcome (e.g. the 2020 beneficiary city) as data. Idempotent.

    The application is created directly in ``status`` with one transition "recorded from
    the 2020 annual report" (no fabricated intermediate steps), and, when the status has a
    plan, the city as its beneficiary stakeholder. No notification is sent.
    """
    application, created = Application.objects.get_or_create(
        call=call,
        organization=organization,
        defaults={
            "kind": call.kind,
            "status": status,
            "created_at": decided_at,
            "submitted_at": None,
            "status_changed_at": decided_at,
        },
    )
    if not created:
        return application
    if application.is_solution_finder:
        SolutionFinderDetails.objects.create(application=application)
    else:
        ProjectImplementerDetails.objects.create(application=application, title=title)
    ApplicationTransition.objects.create(
        application=application, from_status="", to_status=status, at=decided_at, note=note
    )
    if workflow.has_plan(application.kind, status):
        _beneficiary(application, None)
    return application


# --- Reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderReport:
    drafts: int
    reviews: int
    milestones: int


def _window(remaining: datetime.timedelta, days: tuple[int, ...]) -> int | None:
    """The smallest reminder window (in days) that ``remaining`` falls within, if any."""
    if remaining <= datetime.timedelta(0):
        return None
    for window in sorted(days):
        if remaining <= datetime.timedelta(days=window):
            return window
    return None


def draft_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the city's people of a draft not submitted 7 days and 1 day before the call
    closes. Each reminder goes once (the key holds the window and the closing time, so an
    extended deadline gets its own reminders). Returns how many notifications were created."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=max(DRAFT_REMINDER_DAYS))
    drafts = (
        Application.objects.filter(
            status=S.DRAFT,
            call__is_published=True,
            call__closes_at__gt=now,
            call__closes_at__lte=horizon,
        )
        .select_related("call__program", "organization")
        .order_by("pk")
    )
    created = 0
    for application in drafts:
        window = _window(application.call.closes_at - now, DRAFT_REMINDER_DAYS)
        if window is None:
            continue
        with transaction.atomic():
            ids = notification_create_bulk(
                kind="programs.reminder.draft_deadline",
                recipients=list(selectors.city_members(application)),
                about=application,
                context={
                    "application": application,
                    "call": application.call,
                    "closes_at": application.call.closes_at,
                    "window": window,
                    "missing": [m["message"] for m in sections.all_missing(application)],
                    "action_url": absolute_url(portal_path(application)),
                },
                idempotency_key=(
                    f"programs-draft-reminder-{application.pk}-{window}d-"
                    f"{application.call.closes_at:%Y%m%d%H%M}"
                ),
                url=portal_path(application),
            )
        created += len(ids)
    return created


def review_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind each reviewer once of a review still incomplete a week after assignment,
    while the application is being reviewed. Returns how many notifications were created."""
    now = now or timezone.now()
    review_steps = {s for steps in workflow.REVIEW_STEPS.values() for s in steps}
    reviews = (
        Review.objects.filter(
            completed_at__isnull=True,
            assigned_at__lte=now - REVIEW_REMINDER_AFTER,
            application__status__in=review_steps,
            reviewer__is_active=True,
            reviewer__is_staff=True,
        )
        .select_related("reviewer", "application__organization", "application__call")
        .order_by("pk")
    )
    created = 0
    for review in reviews:
        with transaction.atomic():
            ids = notification_create_bulk(
                kind="programs.reminder.review_outstanding",
                recipients=[review.reviewer],
                about=review.application,
                context={
                    "application": review.application,
                    "review": review,
                    "action_url": absolute_url(admin_path(review.application)),
                },
                idempotency_key=f"programs-review-reminder-{review.pk}",
                url=admin_path(review.application),
            )
        created += len(ids)
    return created


def milestone_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the city's people of an open milestone 7 days and 1 day before it is due.
    Each once per due date. Returns how many notifications were created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    plan_statuses = {s for steps in workflow.PLAN_STATUSES.values() for s in steps}
    milestones = (
        Milestone.objects.filter(
            status__in=[MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS],
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=max(MILESTONE_REMINDER_DAYS)),
            application__status__in=plan_statuses,
        )
        .select_related("application__organization", "application__call")
        .order_by("pk")
    )
    created = 0
    for milestone in milestones:
        days_left = (milestone.due_on - today).days
        window = next((w for w in sorted(MILESTONE_REMINDER_DAYS) if days_left <= w), None)
        if window is None:
            continue
        application = milestone.application
        with transaction.atomic():
            ids = notification_create_bulk(
                kind="programs.reminder.milestone_due",
                recipients=list(selectors.city_members(application)),
                about=application,
                context={
                    "application": application,
                    "milestone": milestone,
                    "days_left": days_left,
                    "action_url": absolute_url(portal_path(application)),
                },
                idempotency_key=(
                    f"programs-milestone-reminder-{milestone.pk}-{window}d-"
                    f"{milestone.due_on:%Y%m%d}"
                ),
                url=portal_path(application),
            )
        created += len(ids)
    return created


def reminders_send(*, now: datetime.datetime | None = None) -> ReminderReport:
    """The daily reminders (Celery beat): drafts before a call closes, outstanding reviews,
    milestones coming due. Idempotent: running twice a day sends nothing twice."""
    return ReminderReport(
        drafts=draft_reminders_send(now=now),
        reviews=review_reminders_send(now=now),
        milestones=milestone_reminders_send(now=now),
    )
