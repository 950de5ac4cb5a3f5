"""Privacy operations: a person's data export, erasure (account or visitor), retention, consent.

Every function checks the acting user against the django-rules (``privacy.rules``) where a
person acts; the Celery tasks call the ``*_perform``/``*_build`` functions with ids only.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from events.models import EventRegistration
from governance.models import AuditEntry as GovernanceAuditEntry
from health.models import Inquiry
from members.enums import ApplicationStatus as JoinStatus
from members.models import MembershipApplication
from notifications.models import Notification
from reports.enums import RunState

from .enums import ConsentPurpose, ErasureState
from .models import ConsentRecord, DataExport, ErasureRequest, RetentionRun

ERASED = "[erased]"


def _require(user, permission: str, obj=None) -> None:
    if user is None or not user.has_perm(permission, obj):
        raise PermissionDenied


# --- Access ------------------------------------------------------------------------------------


def data_export_request(*, by: User, email: str = "") -> DataExport:
    """Queue an export: of ``by`` themself, or (Secretariat) of the visitor ``email``.

    Side effects: creates the ``DataExport`` and queues ``build_data_export_task`` after commit.
    """
    from .tasks import build_data_export_task

    if email:
        _require(by, "privacy.export_visitor_data")
        export = DataExport.objects.create(email=email.strip().lower(), requested_by=by)
    else:
        _require(by, "privacy.export_own_data")
        export = DataExport.objects.create(user=by, requested_by=by)
    transaction.on_commit(lambda: build_data_export_task.delay(export.pk))
    return export


def _rows(queryset, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    return [
        {key: value for key, value in row.items() if key not in exclude}
        for row in queryset.values()
    ]


def _collect(export: DataExport) -> tuple[dict, list[tuple[str, object]]]:
    """Everything held about the export's subject, and the files to include."""
    from members.models import OrganizationUser
    from programs.models import Application, ApplicationAttachment, ApplicationMessage

    user = export.user
    email = (user.email if user else export.email).lower()
    data: dict = {}
    files: list[tuple[str, object]] = []
    if user is not None:
        data["profile"] = {
            "email": user.email,
            "full_name": user.full_name,
            "job_title": user.job_title,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        }
        data["memberships"] = [
            {"organization": link.organization.name, "role": link.role, "since": link.created_at}
            for link in OrganizationUser.objects.filter(user=user).select_related("organization")
        ]
        applications = Application.objects.filter(created_by=user).select_related(
            "organization", "call"
        )
        data["applications"] = [
            {
                "reference": app.reference,
                "organization": app.organization.name,
                "call": str(app.call),
                "status": app.status,
                "created_at": app.created_at,
                "submitted_at": app.submitted_at,
            }
            for app in applications
        ]
        data["application_messages"] = _rows(ApplicationMessage.objects.filter(author=user))
        attachments = ApplicationAttachment.objects.filter(uploaded_by=user)
        data["uploaded_files"] = _rows(attachments)
        files += [
            (f"files/attachments/{a.pk}-{PurePath(a.file.name).name}", a.file) for a in attachments
        ]
        data["api_tokens"] = [
            {
                "name": getattr(getattr(token, "name_record", None), "name", ""),
                "created": token.created,
                "expiry": token.expiry,
            }
            for token in user.auth_token_set.select_related("name_record")
        ]
        registrations = EventRegistration.objects.filter(Q(user=user) | Q(email__iexact=email))
        notifications = Notification.objects.filter(Q(recipient=user) | Q(to_email__iexact=email))
    else:
        registrations = EventRegistration.objects.filter(email__iexact=email)
        notifications = Notification.objects.filter(to_email__iexact=email)
    data["event_registrations"] = [
        {**row, "event": reg.event.title}
        for reg, row in zip(
            registrations.select_related("event").order_by("id"),
            _rows(registrations.order_by("id")),
            strict=True,
        )
    ]
    data["notices"] = _rows(notifications, exclude=("idempotency_key",))
    data["inquiries"] = _rows(Inquiry.objects.filter(email__iexact=email))
    join_requests = MembershipApplication.objects.filter(contact_email__iexact=email)
    data["join_requests"] = _rows(join_requests)
    files += [
        (
            f"files/join-requests/{j.pk}-{PurePath(j.supporting_letter.name).name}",
            j.supporting_letter,
        )
        for j in join_requests
        if j.supporting_letter
    ]
    subjects = [
        f"{EventRegistration._meta.label}:{pk}" for pk in registrations.values_list("pk", flat=True)
    ]
    if user is not None:
        subjects.append(f"{User._meta.label}:{user.pk}")
    data["consents"] = _rows(ConsentRecord.objects.filter(subject__in=subjects))
    return data, files


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build the zip (``data.json`` plus uploaded files) and set the link's expiry.

    Progress is saved as it goes; a failure marks the export failed.
    """
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.state == RunState.DONE:
        return export
    DataExport.objects.filter(pk=export.pk).update(state=RunState.RUNNING, progress=10)
    try:
        data, files = _collect(export)
        DataExport.objects.filter(pk=export.pk).update(progress=50)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
            )
            for name, field_file in files:
                with field_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
        now = timezone.now()
        export.archive.save(
            f"{export.pk}-{now:%Y%m%d%H%M%S}.zip", ContentFile(buffer.getvalue()), save=False
        )
        export.state = RunState.DONE
        export.progress = 100
        export.finished_at = now
        export.expires_at = now + datetime.timedelta(days=settings.PRIVACY_EXPORT_LINK_DAYS)
        export.save(update_fields=["archive", "state", "progress", "finished_at", "expires_at"])
    except Exception:
        DataExport.objects.filter(pk=export.pk).update(state=RunState.FAILED)
        raise
    return export


def data_export_is_available(export: DataExport, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        export.state == RunState.DONE
        and export.archive
        and export.expires_at
        and export.expires_at > now
    )


# --- Erasure -----------------------------------------------------------------------------------


@transaction.atomic
def erasure_request(*, user: User) -> ErasureRequest:
    """Ask to delete ``user``'s account; nothing happens before it is confirmed."""
    _require(user, "privacy.erase_own_account")
    open_request = ErasureRequest.objects.filter(
        user=user, state__in=[ErasureState.REQUESTED, ErasureState.CONFIRMED]
    ).first()
    return open_request or ErasureRequest.objects.create(user=user)


@transaction.atomic
def erasure_confirm(*, request: ErasureRequest, by: User, email: str) -> ErasureRequest:
    """Confirm by typing one's e-mail address; the erasure runs after the grace period."""
    if request.user_id != by.pk:
        raise PermissionDenied
    if request.state != ErasureState.REQUESTED:
        raise ValidationError(_("This request cannot be confirmed any more."))
    if email.strip().lower() != by.email.lower():
        raise ValidationError(_("Type the e-mail address of your account to confirm."))
    now = timezone.now()
    request.state = ErasureState.CONFIRMED
    request.confirmed_at = now
    request.due_at = now + datetime.timedelta(days=settings.PRIVACY_ERASURE_GRACE_DAYS)
    request.save(update_fields=["state", "confirmed_at", "due_at"])
    return request


@transaction.atomic
def erasure_cancel(*, request: ErasureRequest, by: User) -> ErasureRequest:
    if request.user_id != by.pk:
        raise PermissionDenied
    if request.state not in (ErasureState.REQUESTED, ErasureState.CONFIRMED):
        raise ValidationError(_("This request cannot be cancelled any more."))
    request.state = ErasureState.CANCELLED
    request.save(update_fields=["state"])
    return request


def _redact_text(email: str, name: str) -> None:
    """Replace the person's e-mail address and name in texts others wrote about them."""
    from auditlog.models import LogEntry

    needles = [n for n in (email, name) if n and len(n) >= 3]
    # Rows not yet sent keep the context their e-mail will be rendered from: one that names
    # the person is dropped (the row is then sent as rendered when created, redacted below).
    unsent = Notification.objects.filter(context__isnull=False).values_list("pk", "context")
    mentioning = [
        pk
        for pk, context in unsent.iterator()
        if any(
            needle.lower() in json.dumps(context, ensure_ascii=False).lower() for needle in needles
        )
    ]
    Notification.objects.filter(pk__in=mentioning).update(context=None)
    for needle in needles:
        for field in ("subject", "body_text", "body_html", "message"):
            Notification.objects.filter(**{f"{field}__icontains": needle}).update(
                **{field: Replace(field, Value(needle), Value(ERASED))}
            )
        entries = LogEntry.objects.filter(
            Q(changes_text__icontains=needle)
            | Q(object_repr__icontains=needle)
            | Q(changes__icontains=needle)
            | Q(serialized_data__icontains=needle)
            | Q(additional_data__icontains=needle)
        )
        for entry in entries:
            changes = entry.changes if isinstance(entry.changes, dict) else {}
            entry.changes = {
                field: [ERASED, ERASED] if needle.lower() in json.dumps(values).lower() else values
                for field, values in changes.items()
            }
            entry.changes_text = ""
            entry.serialized_data = None
            entry.additional_data = None
            entry.object_repr = entry.object_repr.replace(needle, ERASED)
            if needle.lower() in entry.object_repr.lower():
                entry.object_repr = ERASED
            LogEntry.objects.filter(pk=entry.pk).update(
                changes=entry.changes,
                changes_text="",
                serialized_data=None,
                additional_data=None,
                object_repr=entry.object_repr,
            )
    LogEntry.objects.filter(actor_email__iexact=email).update(actor_email="")
    GovernanceAuditEntry.objects.redact_actor_email(email)
    for needle in needles:
        AdminLogEntry.objects.filter(object_repr__icontains=needle).update(object_repr=ERASED)
        AdminLogEntry.objects.filter(change_message__icontains=needle).update(change_message="")


def _erase_email_traces(email: str, name: str) -> dict[str, int]:
    """Delete or anonymize what the portal holds under ``email`` (account or not)."""
    from programs.models import SolutionFinderDetails

    removed: dict[str, int] = {}
    registrations = EventRegistration.objects.filter(email__iexact=email)
    ConsentRecord.objects.filter(
        subject__in=[
            f"{EventRegistration._meta.label}:{pk}"
            for pk in registrations.values_list("pk", flat=True)
        ]
    ).delete()
    removed["event_registrations"] = registrations.delete()[1].get(EventRegistration._meta.label, 0)
    removed["inquiries"] = (
        Inquiry.objects.filter(email__iexact=email).delete()[1].get(Inquiry._meta.label, 0)
    )
    join_requests = MembershipApplication.objects.filter(contact_email__iexact=email)
    removed["join_requests"] = 0
    for join in join_requests:
        if join.organization_id is None:
            if join.supporting_letter:
                join.supporting_letter.delete(save=False)
            join.delete()
        else:
            # The organization's founding record stays; only its contact person is erased.
            join.contact_name = _("a former contact of %(organization)s") % {
                "organization": join.organization_name
            }
            join.contact_title = ""
            join.contact_email = f"erased-join-{join.pk}@erased.invalid"
            join.save(update_fields=["contact_name", "contact_title", "contact_email"])
        removed["join_requests"] += 1
    SolutionFinderDetails.objects.filter(contact_email__iexact=email).update(
        contact_name="", contact_title="", contact_email="", contact_phone=""
    )
    removed["notices"] = (
        Notification.objects.filter(to_email__iexact=email)
        .delete()[1]
        .get(Notification._meta.label, 0)
    )
    _redact_text(email, name)
    return removed


@transaction.atomic
def visitor_erase(*, email: str, by: User) -> dict[str, int]:
    """The Secretariat erases a visitor's registrations, inquiries and join requests."""
    _require(by, "privacy.erase_visitor_data")
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("This address belongs to an account: its owner deletes it from their account.")
        )
    names = set(
        EventRegistration.objects.filter(email__iexact=email).values_list("name", flat=True)
    )
    names |= set(Inquiry.objects.filter(email__iexact=email).values_list("name", flat=True))
    names |= set(
        MembershipApplication.objects.filter(contact_email__iexact=email).values_list(
            "contact_name", flat=True
        )
    )
    removed = _erase_email_traces(email, "")
    for name in names:
        _redact_text(email, name)
    return removed


@transaction.atomic
def account_erase(*, user_id: int) -> User | None:
    """Erase an account: organizational records stay, the person's data goes.

    The user row remains (applications, messages and decisions keep their author) but loses
    every personal field and shows as "a former contact of <organization>"; registrations,
    inquiries, join requests, notices, e-mail addresses, sessions, API tokens, two-factor
    devices, calendar feeds, exports (and their files) are deleted; texts that mention the
    person are redacted.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from knox.models import AuthToken

    from events.models import CalendarFeedToken
    from members.models import OrganizationUser
    from notifications.models import NotificationPreference

    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None or user.erased_at is not None:
        return user
    email, name = user.email, user.full_name
    link = OrganizationUser.objects.filter(user=user).select_related("organization").first()
    former_of = link.organization.name if link else ""
    _erase_email_traces(email, name)
    EventRegistration.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    for export in DataExport.objects.filter(user=user):
        if export.archive:
            export.archive.delete(save=False)
        export.delete()
    session_keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=session_keys).delete()
    UserSession.objects.filter(user=user).delete()
    AuthToken.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    CalendarFeedToken.objects.filter(user=user).delete()
    OrganizationUser.objects.filter(user=user).delete()
    ConsentRecord.objects.filter(subject=f"{User._meta.label}:{user.pk}").delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"erased-{user.pk}@erased.invalid"
    user.full_name = ""
    user.job_title = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.erased_at = timezone.now()
    user.former_contact_of = former_of
    user.save()
    # The user's own audit rows (created just now by the save above) name the old values.
    _redact_text(email, name)
    ErasureRequest.objects.filter(user=user, state=ErasureState.CONFIRMED).update(
        state=ErasureState.DONE, done_at=timezone.now()
    )
    return user


def erasure_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of users whose confirmed request passed its grace period."""
    now = now or timezone.now()
    return list(
        ErasureRequest.objects.filter(state=ErasureState.CONFIRMED, due_at__lte=now).values_list(
            "user_id", flat=True
        )
    )


# --- Retention ---------------------------------------------------------------------------------


def retention_policy() -> list[tuple[str, int, str]]:
    """(kind, days, what happens) for the admin and the privacy notice."""
    labels = {
        "event_registrations": _("Visitor registrations, counted from the end of the event"),
        "declined_join_requests": _("Declined applications to join WeGO, from the decision"),
        "inquiries": _("Closed inquiries to suppliers, from the last change"),
        "notification_bodies": _("Texts of sent notifications, from sending"),
        "sessions": _("Expired sign-in sessions"),
        "audit_log": _("Audit log entries"),
        "data_exports": _("Personal data exports, after their link expired"),
    }
    return [(labels[kind], days, kind) for kind, days in settings.PRIVACY_RETENTION_DAYS.items()]


@transaction.atomic
def retention_enforce(*, now: datetime.datetime | None = None) -> RetentionRun:
    """Remove what the policy (``PRIVACY_RETENTION_DAYS``) no longer allows to keep.

    Returns the run, recording how many rows of each kind it removed.
    """
    from auditlog.models import LogEntry

    now = now or timezone.now()
    days = settings.PRIVACY_RETENTION_DAYS

    def before(kind: str) -> datetime.datetime:
        return now - datetime.timedelta(days=days[kind])

    removed: dict[str, int] = {}
    registrations = EventRegistration.objects.filter(
        event__window_end__lt=before("event_registrations")
    )
    ConsentRecord.objects.filter(
        subject__in=[
            f"{EventRegistration._meta.label}:{pk}"
            for pk in registrations.values_list("pk", flat=True)
        ]
    ).delete()
    removed["event_registrations"] = registrations.delete()[1].get(EventRegistration._meta.label, 0)

    declined = MembershipApplication.objects.filter(
        status=JoinStatus.REJECTED, decided_at__lt=before("declined_join_requests")
    )
    removed["declined_join_requests"] = 0
    for join in declined:
        if join.supporting_letter:
            join.supporting_letter.delete(save=False)
        join.delete()
        removed["declined_join_requests"] += 1

    removed["inquiries"] = (
        Inquiry.objects.filter(status="closed", status_changed_at__lt=before("inquiries"))
        .delete()[1]
        .get(Inquiry._meta.label, 0)
    )
    removed["notification_bodies"] = (
        Notification.objects.filter(created_at__lt=before("notification_bodies"))
        .exclude(body_text="", body_html="")
        .filter(state__in=["sent", "failed"])
        .update(body_text="", body_html="", context=None)
    )
    removed["sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    removed["audit_log"] = (
        LogEntry.objects.filter(timestamp__lt=before("audit_log")).delete()[0]
        + AdminLogEntry.objects.filter(action_time__lt=before("audit_log")).delete()[0]
    )
    removed["data_exports"] = 0
    for export in DataExport.objects.filter(
        Q(expires_at__lt=now - datetime.timedelta(days=days["data_exports"]))
        | Q(state=RunState.FAILED, created_at__lt=now - datetime.timedelta(days=1))
    ):
        if export.archive:
            export.archive.delete(save=False)
        export.delete()
        removed["data_exports"] += 1
    return RetentionRun.objects.create(ran_at=now, removed=removed)


# --- Consent -----------------------------------------------------------------------------------
#
# A consent belongs to a record (``subject``: an event registration, a subscriber…) or to a
# user, never to an address: erasing the record or the person leaves nothing here to find.
# Each text people agree to is kept under its version (``CONSENT_TEXTS``); when a text changes,
# add the new version here and raise ``PRIVACY_CONSENT_TEXT_VERSIONS``, so every record still
# says what its person agreed to.

CONSENT_TEXTS: dict[tuple[str, str], str] = {
    (ConsentPurpose.SHARE_WITH_HOST, "1"): gettext_lazy(
        "Share my name, organization and e-mail address with the organizations hosting this "
        "event, so that they can contact me about it. I can withdraw this at any time."
    ),
}


def consent_subject(subject) -> str:
    """The key of ``subject`` (a model instance) in consent records: ``app.Model:pk``."""
    return f"{subject._meta.label}:{subject.pk}"


def consent_current_version(purpose: str) -> str:
    return settings.PRIVACY_CONSENT_TEXT_VERSIONS[purpose]


def consent_text(*, purpose: str, version: str | None = None) -> str:
    """The text of ``purpose``'s consent in ``version`` (the current one by default), in the
    active language; "" for a version this portal never showed."""
    version = version or consent_current_version(purpose)
    return str(CONSENT_TEXTS.get((purpose, version), ""))


def consent_give(*, purpose: str, subject, text_version: str | None = None) -> ConsentRecord:
    """Record that the person behind ``subject`` (a model instance) agreed to ``purpose``, in
    the text's ``text_version`` (the current one by default), now.

    An active consent to the same version is kept as it is (agreeing twice records nothing
    new); an active consent to an older version is closed and the new one recorded.
    """
    version = text_version or consent_current_version(purpose)
    key = consent_subject(subject)
    active = ConsentRecord.objects.filter(purpose=purpose, subject=key, withdrawn_at__isnull=True)
    same = active.filter(text_version=version).first()
    if same is not None:
        return same
    now = timezone.now()
    active.update(withdrawn_at=now)
    return ConsentRecord.objects.create(
        purpose=ConsentPurpose(purpose), text_version=version, subject=key, given_at=now
    )


def consent_withdraw(*, purpose: str, subject) -> int:
    """Withdraw every active consent for ``purpose`` given for ``subject``; returns how many.

    The records stay, with ``withdrawn_at`` set: the proof of what was agreed and until when.
    """
    return ConsentRecord.objects.filter(
        purpose=purpose, subject=consent_subject(subject), withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())


def consent_active(*, purpose: str, subject) -> bool:
    return ConsentRecord.objects.filter(
        purpose=purpose, subject=consent_subject(subject), withdrawn_at__isnull=True
    ).exists()


def _registrations_of(user: User):
    """The event registrations that are ``user``'s (as ``events.rules.is_registrant``)."""
    return EventRegistration.objects.filter(
        Q(user=user) | Q(user__isnull=True, email__iexact=user.email)
    )


def consents_of(*, user: User) -> list[tuple[ConsentRecord, str, str]]:
    """``user``'s active consents, each with what it is about (the event's title…) and the
    text agreed to, for the account area; newest first."""
    registrations = {
        consent_subject(registration): registration.event.title
        for registration in _registrations_of(user).select_related("event")
    }
    own = consent_subject(user)
    records = ConsentRecord.objects.filter(
        subject__in=[own, *registrations], withdrawn_at__isnull=True
    ).order_by("-given_at", "-id")
    return [
        (
            record,
            registrations.get(record.subject, ""),
            consent_text(purpose=record.purpose, version=record.text_version),
        )
        for record in records
    ]


@transaction.atomic
def consent_withdraw_record(*, record_id: int, by: User) -> ConsentRecord:
    """``by`` withdraws one of their own active consents (from the account area).

    A record that is not theirs, or no longer active, is ``ConsentRecord.DoesNotExist``
    (the page answers 404, telling nothing about other people's records).
    """
    _require(by, "privacy.withdraw_own_consent")
    subjects = [consent_subject(by)] + [
        consent_subject(registration) for registration in _registrations_of(by)
    ]
    record = ConsentRecord.objects.select_for_update().get(
        pk=record_id, subject__in=subjects, withdrawn_at__isnull=True
    )
    record.withdrawn_at = timezone.now()
    record.save(update_fields=["withdrawn_at"])
    return record
