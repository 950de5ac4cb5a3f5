"""Erasure: a person's account and a visitor's data, with what must be kept."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from events.models import EventRegistration
from governance.models import AuditEntry as GovernanceAuditEntry
from health.models import Inquiry
from members.models import MembershipApplication
from newsletter.models import Subscriber
from notifications.models import Notification

from ..enums import ErasureState
from ..models import ConsentRecord, DataExport, ErasureRequest
from .access import ERASED, _require

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


def _erase_subscriptions(subscribers) -> int:
    """Delete newsletter subscriptions and their consent records (their links stop working)."""
    ConsentRecord.objects.filter(
        subject__in=[
            f"{Subscriber._meta.label}:{pk}" for pk in subscribers.values_list("pk", flat=True)
        ]
    ).delete()
    return subscribers.delete()[1].get(Subscriber._meta.label, 0)


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
    removed["newsletter_subscriptions"] = _erase_subscriptions(
        Subscriber.objects.filter(email__iexact=email)
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
    _erase_subscriptions(Subscriber.objects.filter(user=user))
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
