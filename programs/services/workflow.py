"""Submission and every move of an application through ``programs.workflow``."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from members.models import Organization
from privacy.audit import acting
from wego_portal.i18n import datetime_with_zone
from wego_portal.stale_decisions import check_expected_status

from .. import sections, selectors, workflow
from ..enums import (
    MessageKind,
    MessageVisibility,
    StakeholderRole,
)
from ..errors import (
    ApplicationChangedMeanwhile,
    ApplicationIncomplete,
    CallClosedError,
    NotEligibleError,
    ProgramError,
    TransitionNotAllowed,
)
from ..models import (
    Application,
    ApplicationMessage,
    ApplicationTransition,
    Review,
    Stakeholder,
)
from .base import (
    CITY,
    STAFF,
    S,
    _lock,
    _notify_city,
    _notify_staff,
    _require,
    _staff_recipients,
    _sync,
)
from .drafts import _attachment_create

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
