"""Retention runs (what is kept how long) and consent records."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
from events.models import EventRegistration
from health.models import Inquiry
from members.enums import ApplicationStatus as JoinStatus
from members.models import MembershipApplication
from newsletter.models import Subscriber
from newsletter.tokens import manage_token
from notifications.models import Notification
from reports.enums import RunState

from ..enums import ConsentPurpose
from ..models import ConsentRecord, DataExport, RetentionRun
from .access import _require

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

CONSENT_TEXTS: dict[tuple[str, str], StrOrPromise] = {
    (ConsentPurpose.SHARE_WITH_HOST, "1"): gettext_lazy(
        "Share my name, organization and e-mail address with the organizations hosting this "
        "event, so that they can contact me about it. I can withdraw this at any time."
    ),
    (ConsentPurpose.NEWSLETTER, "1"): gettext_lazy(
        "Send me the WeGO newsletter at this address, on the topics and in the language I "
        "chose. I can unsubscribe at any time, with the link in every newsletter."
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


def consents_of(*, user: User) -> list[tuple[ConsentRecord, str, str, str]]:
    """``user``'s active consents, each with what it is about (the event's title, the
    subscribed address…), the text agreed to and, where the consent is managed elsewhere,
    the page to manage it (the newsletter's preferences), for the account area; newest first.
    """
    registrations = {
        consent_subject(registration): registration.event.title
        for registration in _registrations_of(user).select_related("event")
    }
    subscriptions = {
        consent_subject(subscriber): subscriber
        for subscriber in Subscriber.objects.filter(email__iexact=user.email)
    }
    own = consent_subject(user)
    records = ConsentRecord.objects.filter(
        subject__in=[own, *registrations, *subscriptions], withdrawn_at__isnull=True
    ).order_by("-given_at", "-id")
    found = []
    for record in records:
        subscriber = subscriptions.get(record.subject)
        found.append(
            (
                record,
                subscriber.email if subscriber else registrations.get(record.subject, ""),
                consent_text(purpose=record.purpose, version=record.text_version),
                reverse("newsletter:preferences", args=[manage_token(subscriber.key)])
                if subscriber
                else "",
            )
        )
    return found


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
