"""Every write of the notifications app: create, read, retry, deliver, sweep, digest.

Workflows in other apps call ``notification_create`` (or ``notification_create_bulk``) inside
their own transaction. Nothing leaves the building before that transaction commits: the
delivery task is queued with ``transaction.on_commit``, and the worker sends only rows it
claimed atomically (``queued`` → ``sending``), so a rolled-back workflow sends nothing and a
redelivered task sends nothing twice.
"""

import logging
import smtplib
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import parseaddr
from functools import partial
from typing import Any

from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerError

from wego_portal.i18n import path_in_language

from .digest import digest_items_for
from .enums import NotificationState
from .kinds import NotificationKind, get_kind
from .models import Notification, NotificationPreference
from .rendering import absolute_url, render_notification

logger = logging.getLogger(__name__)

#: Rows per delivery task on the bulk path: one SMTP connection sends them all.
BATCH_SIZE = 200
#: A queued row untouched this long lost its task (broker restart, crash before publishing).
STALE_QUEUED_AFTER = timedelta(minutes=2)
#: Beyond the hard time limit, a row still "sending" belongs to a worker that died.
SENDING_GRACE = timedelta(seconds=60)
#: Delivery attempts before a row stuck in "sending" is given up (the tasks retry 5 times).
MAX_ATTEMPTS = 6
#: Rows the sweeper re-queues per run (the rest wait for the next minute).
SWEEP_LIMIT = 10_000
KEY_MAX_LENGTH = 255
ERROR_MAX_LENGTH = 2000


class NotificationError(Exception):
    """A notification operation that the current state does not allow."""


@dataclass(frozen=True)
class BulkRecipient:
    """One recipient of ``notification_create_bulk``: a user or a bare address.

    ``context`` is merged over the shared context (a ticket link, a registration number);
    ``key`` replaces the default idempotency suffix (``user-<id>`` or ``to-<address>``).
    """

    user: Any = None
    email: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""


@dataclass
class DeliveryReport:
    claimed: list[int] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class SweepReport:
    requeued_stuck: int
    requeued_stale: int
    failed_stuck: int


# --- Creating ----------------------------------------------------------------------------------


def _check_recipient(kind: NotificationKind, recipient, to_email: str) -> None:
    if recipient is None and not to_email:
        raise ValueError("A notification needs a recipient or a to_email address.")
    if kind.staff_only and (recipient is None or not recipient.is_staff):
        raise ValueError(f"Notification kind {kind.key!r} goes to staff users only.")


def _check_key(idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > KEY_MAX_LENGTH:
        raise ValueError(f"An idempotency key of 1 to {KEY_MAX_LENGTH} characters is required.")


def recipient_language(recipient) -> str:
    """The language a notification is written in: a user's preferred language; for someone
    without an account (a visitor's inquiry or registration), the language of the page they
    used, i.e. the request's active language when the notification is created."""
    if recipient is not None:
        return recipient.preferred_language or settings.LANGUAGE_CODE
    return translation.get_language() or settings.LANGUAGE_CODE


def _link_in_language(link: str, language: str) -> str:
    """A link to one of our pages, made by the actor's request, as the recipient's language's
    page (``/ar/portal/…`` → ``/ko/portal/…``); other links are left alone."""
    site = settings.SITE_URL.rstrip("/")
    if link.startswith("/") and not link.startswith("//"):
        return path_in_language(link, language)
    if link.startswith(site + "/"):
        return site + path_in_language(link[len(site) :], language)
    return link


def _email_wanted(kind: NotificationKind, recipient) -> bool:
    """Mandatory kinds always go; optional ones unless the user switched them off."""
    if recipient is None or kind.mandatory:
        return True
    return not NotificationPreference.objects.filter(
        user=recipient, kind=kind.key, email_enabled=False
    ).exists()


def _about_fields(about: Model | None) -> dict[str, Any]:
    if about is None:
        return {"content_type": None, "object_id": None}
    return {"content_type": ContentType.objects.get_for_model(about), "object_id": about.pk}


def _enqueue_delivery(notification_ids: Sequence[int]) -> None:
    """Publish the delivery task(s); a broker that is down only delays delivery.

    Runs after commit. If publishing fails the rows stay "queued" and ``outbox_sweep``
    re-publishes them within a few minutes, so the caller's request does not fail.
    """
    from .tasks import deliver_batch_task, deliver_notification_task

    ids = list(notification_ids)
    try:
        if len(ids) == 1:
            deliver_notification_task.delay(ids[0])
        else:
            for start in range(0, len(ids), BATCH_SIZE):
                deliver_batch_task.delay(ids[start : start + BATCH_SIZE])
    except (BrokerError, OSError):
        logger.exception(
            "Could not queue delivery of notifications %s; the outbox sweeper will retry.", ids
        )
    except Retry:
        # Only with eager tasks that propagate errors (a laptop without Redis): the retry
        # cannot be scheduled, the rows are back in "queued" and the sweeper picks them up.
        logger.warning("Delivery of notifications %s will be retried by the sweeper.", ids)


def _new_notification(
    *,
    kind: NotificationKind,
    recipient,
    to_email: str,
    about_fields: dict[str, Any],
    context: Mapping[str, Any],
    idempotency_key: str,
    url: str,
    email: bool,
    language: str | None = None,
) -> Notification:
    language = language or recipient_language(recipient)
    with translation.override(language):
        url = _link_in_language(url, language)
        context = {
            key: _link_in_language(value, language)
            if key.endswith("url") and isinstance(value, str)
            else value
            for key, value in context.items()
        }
        rendered = render_notification(
            kind=kind, context=context, recipient=recipient, to_email=to_email, url=url
        )
    now = timezone.now()
    return Notification(
        recipient=recipient,
        to_email=to_email or (recipient.email if recipient is not None else ""),
        kind=kind.key,
        **about_fields,
        language=language,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        message=rendered.message,
        url=url,
        email=email,
        state=NotificationState.QUEUED if email else NotificationState.SKIPPED,
        idempotency_key=idempotency_key,
        created_at=now,
        next_attempt_at=now,
    )


@transaction.atomic
def _notification_get_or_create(
    *,
    kind: str,
    recipient=None,
    to_email: str | None = None,
    about: Model | None = None,
    context: Mapping[str, Any],
    idempotency_key: str,
    url: str = "",
    language: str | None = None,
) -> tuple[Notification, bool]:
    kind_obj = get_kind(kind)
    to_email = (to_email or "").strip()
    _check_recipient(kind_obj, recipient, to_email)
    _check_key(idempotency_key)

    existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False

    notification = _new_notification(
        kind=kind_obj,
        recipient=recipient,
        to_email=to_email,
        about_fields=_about_fields(about),
        context=context,
        idempotency_key=idempotency_key,
        url=url,
        email=_email_wanted(kind_obj, recipient),
        language=language,
    )
    try:
        # A savepoint: a concurrent insert of the same key must not break the caller's
        # transaction, only tell us that the notification already exists.
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False

    if notification.email:
        transaction.on_commit(partial(_enqueue_delivery, [notification.pk]))
    return notification, True


def notification_create(
    *,
    kind: str,
    recipient=None,
    to_email: str | None = None,
    about: Model | None = None,
    context: Mapping[str, Any],
    idempotency_key: str,
    url: str = "",
    language: str | None = None,
) -> Notification:
    """Create one notification, or return the existing one with the same ``idempotency_key``.

    It is written in ``language`` when given (e.g. the language an application was made in),
    else in the recipient's preferred language, else (someone without an account) in the
    language of the current request.

    Call it inside the workflow's transaction. Side effects: renders the kind's templates
    (subject, text and HTML bodies, in-portal message), stores the outbox row (an in-portal
    notice when ``recipient`` is a user), and, when an e-mail is due (mandatory kind, or the
    user did not switch the kind off, or a bare ``to_email``), queues the delivery task after
    the transaction commits. A rollback leaves nothing behind and sends nothing.

    Raises ``UnknownNotificationKind`` for an unregistered kind and ``ValueError`` without a
    recipient or a valid key, or when a staff-only kind is addressed to a non-staff user.
    """
    notification, _created = _notification_get_or_create(
        kind=kind,
        recipient=recipient,
        to_email=to_email,
        about=about,
        context=context,
        idempotency_key=idempotency_key,
        url=url,
        language=language,
    )
    return notification


def _bulk_recipient(item) -> BulkRecipient:
    if isinstance(item, BulkRecipient):
        return item
    if isinstance(item, str):
        return BulkRecipient(email=item)
    return BulkRecipient(user=item)


def _bulk_key(base: str, recipient: BulkRecipient) -> str:
    if recipient.key:
        suffix = recipient.key
    elif recipient.user is not None:
        suffix = f"user-{recipient.user.pk}"
    else:
        suffix = f"to-{recipient.email.strip().lower()}"
    return f"{base}-{suffix}"


def _chunks(items: Sequence, size: int = 1000) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def notification_create_bulk(
    *,
    kind: str,
    recipients: Iterable[Any],
    about: Model | None = None,
    context: Mapping[str, Any],
    idempotency_key: str,
    url: str = "",
    batch_size: int = BATCH_SIZE,
) -> list[int]:
    """Create one notification per recipient in bulk; return the ids of the new rows.

    ``recipients`` holds users, bare e-mail addresses or ``BulkRecipient`` items. Each row's
    key is ``<idempotency_key>-user-<id>`` (or ``-to-<address>``, or ``-<BulkRecipient.key>``),
    so calling again (a retried job, a second click) creates only what is missing. Side
    effects: one preference query for all users, rows inserted with ``bulk_create`` (conflicts
    on the key ignored), and after commit one delivery task per ``batch_size`` rows, each
    sending its rows over one SMTP connection.
    """
    kind_obj = get_kind(kind)
    about_fields = _about_fields(about)

    entries: dict[str, BulkRecipient] = {}
    for item in recipients:
        recipient = _bulk_recipient(item)
        _check_recipient(kind_obj, recipient.user, recipient.email.strip())
        key = _bulk_key(idempotency_key, recipient)
        _check_key(key)
        entries.setdefault(key, recipient)
    if not entries:
        return []

    keys = list(entries)
    existing: set[str] = set()
    for chunk in _chunks(keys):
        existing.update(
            Notification.objects.filter(idempotency_key__in=chunk).values_list(
                "idempotency_key", flat=True
            )
        )
    new_keys = [key for key in keys if key not in existing]

    opted_out: set[int] = set()
    if not kind_obj.mandatory:
        user_ids = [entries[key].user.pk for key in new_keys if entries[key].user is not None]
        for chunk in _chunks(user_ids):
            opted_out.update(
                NotificationPreference.objects.filter(
                    kind=kind_obj.key, email_enabled=False, user_id__in=chunk
                ).values_list("user_id", flat=True)
            )

    rows = []
    for key in new_keys:
        recipient = entries[key]
        rows.append(
            _new_notification(
                kind=kind_obj,
                recipient=recipient.user,
                to_email=recipient.email.strip(),
                about_fields=about_fields,
                context={**context, **recipient.context},
                idempotency_key=key,
                url=url,
                email=recipient.user is None or recipient.user.pk not in opted_out,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)

    # ignore_conflicts leaves primary keys unset: read them back by key.
    created: list[tuple[int, bool]] = []
    for chunk in _chunks(new_keys):
        created.extend(
            Notification.objects.filter(idempotency_key__in=chunk)
            .order_by("pk")
            .values_list("pk", "email")
        )
    to_send = [pk for pk, email in created if email]
    for start in range(0, len(to_send), batch_size):
        transaction.on_commit(partial(_enqueue_delivery, to_send[start : start + batch_size]))
    return [pk for pk, _email in created]


# --- Reading and preferences -------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark ``user``'s own notice as read (idempotent). Another user's notice: PermissionDenied."""
    if notification.recipient_id is None or notification.recipient_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notice of ``user`` as read; return how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preferences_set(*, user, email_enabled: Mapping[str, bool]) -> None:
    """Store ``user``'s e-mail choice per optional kind.

    Mandatory kinds, unknown kinds and staff-only kinds for non-staff users are ignored: they
    cannot be switched off or are not the user's to choose.
    """
    for key, enabled in email_enabled.items():
        kind = get_kind(key)
        if kind.mandatory or (kind.staff_only and not user.is_staff):
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=key, defaults={"email_enabled": bool(enabled)}
        )


# --- Delivery ----------------------------------------------------------------------------------


@transaction.atomic
def notification_retry(*, notification: Notification) -> Notification:
    """Send a failed notification again: ``failed`` → ``queued`` and queue its delivery.

    The attempt counter starts again from zero (``last_error`` is kept until it is sent).
    Raises ``NotificationError`` for a row that is not failed.
    """
    now = timezone.now()
    updated = Notification.objects.filter(
        pk=notification.pk, state=NotificationState.FAILED
    ).update(state=NotificationState.QUEUED, attempts=0, next_attempt_at=now)
    if not updated:
        raise NotificationError("Only a failed notification can be sent again.")
    notification.refresh_from_db()
    transaction.on_commit(partial(_enqueue_delivery, [notification.pk]))
    return notification


def outbox_claim(*, notification_ids: Sequence[int]) -> list[int]:
    """Claim queued rows for this worker: ``queued`` → ``sending``; return the ids it won.

    A row is claimed by exactly one caller, ever per attempt: on PostgreSQL the batch is
    locked with ``SELECT … FOR UPDATE SKIP LOCKED`` (concurrent workers skip each other's rows)
    and updated in the same transaction; elsewhere (and for one row) each row is claimed with a
    conditional ``UPDATE … WHERE state = 'queued'`` whose row count says who won. Rows already
    sent, failed, skipped or being sent are never claimed.
    """
    ids = list(dict.fromkeys(notification_ids))
    if not ids:
        return []
    changes = {
        "state": NotificationState.SENDING,
        "claimed_at": timezone.now(),
        "attempts": F("attempts") + 1,
    }
    queued = Notification.objects.filter(state=NotificationState.QUEUED)
    if len(ids) > 1 and connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            claimed = list(
                queued.filter(pk__in=ids)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
            )
            if claimed:
                Notification.objects.filter(pk__in=claimed).update(**changes)
        return claimed
    return [pk for pk in ids if queued.filter(pk=pk).update(**changes)]


def is_transient_error(exc: BaseException) -> bool:
    """Whether trying again later may succeed (connection trouble, timeouts, SMTP 4xx)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # Greylisting answers 4xx for a recipient; a 5xx means the address is refused.
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(
        exc,
        smtplib.SMTPServerDisconnected
        | smtplib.SMTPConnectError
        | ConnectionError
        | TimeoutError
        | SoftTimeLimitExceeded,
    ):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):
        return False
    # Other socket errors: DNS failure, network unreachable.
    return isinstance(exc, OSError)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]


def _message_domain() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return domain or "wego-portal.invalid"


def email_message_for(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for a row: plain text with an HTML alternative.

    ``X-WeGO-Notification`` carries the idempotency key and the Message-ID is derived from the
    row, so a message resent after a crash is recognisably the same message.
    """
    address = notification.address
    if not address:
        raise ValueError("The notification has no e-mail address.")
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={
            "Message-ID": f"<notification-{notification.pk}@{_message_domain()}>",
            "X-WeGO-Notification": notification.idempotency_key,
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(notification.body_html, "text/html")
    return message


def _mark_sent(notification: Notification, report: DeliveryReport) -> None:
    updated = Notification.objects.filter(
        pk=notification.pk, state=NotificationState.SENDING
    ).update(state=NotificationState.SENT, sent_at=timezone.now())
    if not updated:
        logger.warning("Notification %s was sent but is no longer 'sending'.", notification.pk)
    report.sent.append(notification.pk)


def _mark_failed(ids: Sequence[int], error: str, report: DeliveryReport) -> None:
    Notification.objects.filter(pk__in=ids, state=NotificationState.SENDING).update(
        state=NotificationState.FAILED, last_error=error
    )
    report.failed.extend(ids)


def outbox_deliver(
    *, notification_ids: Sequence[int], retry_in: float | None = None
) -> DeliveryReport:
    """Claim and e-mail the given rows over one connection of the default mailer.

    Each row is marked ``sent`` right after the server accepted it. A permanent error for
    one message (recipient refused, SMTP 5xx, bad address) marks that row ``failed`` and
    delivery goes on. A transient error (connection lost, timeout, SMTP 4xx) stops the batch:
    the unsent rows go back to ``queued`` with ``next_attempt_at`` ``retry_in`` seconds ahead
    and are returned in ``report.requeued`` for the caller to retry — or, when ``retry_in`` is
    None (the last attempt), they are marked ``failed``.
    """
    report = DeliveryReport(claimed=outbox_claim(notification_ids=notification_ids))
    if not report.claimed:
        return report
    pending = deque(
        Notification.objects.filter(pk__in=report.claimed)
        .select_related("recipient")
        .order_by("pk")
    )
    error: BaseException | None = None
    try:
        with mailers["default"] as mailer:
            while pending:
                notification = pending[0]
                try:
                    accepted = mailer.send_messages([email_message_for(notification)])
                except Exception as exc:
                    if is_transient_error(exc):
                        error = exc
                        break
                    logger.warning("Notification %s failed: %s", notification.pk, exc)
                    _mark_failed([notification.pk], _describe(exc), report)
                    pending.popleft()
                    continue
                if accepted:
                    _mark_sent(notification, report)
                else:
                    _mark_failed([notification.pk], "The mail backend sent nothing.", report)
                pending.popleft()
    except Exception as exc:
        # Opening (or closing) the connection failed.
        if pending:
            error = error or exc
        else:
            logger.warning("Closing the mail connection failed: %s", exc)

    if pending:
        ids = [notification.pk for notification in pending]
        report.error = _describe(error) if error else "Delivery interrupted."
        if retry_in is None:
            _mark_failed(ids, f"Gave up: {report.error}", report)
        else:
            Notification.objects.filter(pk__in=ids, state=NotificationState.SENDING).update(
                state=NotificationState.QUEUED,
                last_error=report.error,
                next_attempt_at=timezone.now() + timedelta(seconds=retry_in),
            )
            report.requeued.extend(ids)
        logger.warning("Delivery of notifications %s interrupted: %s", ids, report.error)
    return report


@transaction.atomic
def outbox_sweep(*, now=None) -> SweepReport:
    """Recover rows whose delivery task was lost; idempotent, run every minute by Celery beat.

    - ``sending`` for longer than the hard task time limit (plus a grace period): the worker
      died mid-task. The row goes back to ``queued`` (or ``failed`` after ``MAX_ATTEMPTS``).
    - ``queued`` and due for more than ``STALE_QUEUED_AFTER``: its task never reached a
      worker (the broker lost it, or the process died between commit and publishing).

    Re-queued rows get ``next_attempt_at = now`` (the next sweep leaves them alone for a while)
    and their delivery tasks are published after commit, in batches.
    """
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - SENDING_GRACE
    stuck = Notification.objects.filter(
        state=NotificationState.SENDING, claimed_at__lt=stuck_before
    )
    failed_stuck = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=NotificationState.FAILED,
        last_error=f"Gave up after {MAX_ATTEMPTS} attempts: the worker did not finish.",
    )
    stuck_ids = list(stuck.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT])
    requeued_stuck = stuck.filter(pk__in=stuck_ids).update(
        state=NotificationState.QUEUED,
        next_attempt_at=now,
        last_error="Re-queued by the sweeper: the worker did not finish.",
    )

    stale = Notification.objects.filter(
        state=NotificationState.QUEUED, next_attempt_at__lt=now - STALE_QUEUED_AFTER
    )
    stale_ids = list(stale.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT])
    requeued_stale = stale.filter(pk__in=stale_ids).update(next_attempt_at=now)

    to_publish = stuck_ids + stale_ids
    if to_publish:
        logger.info(
            "Outbox sweep: %s stuck and %s stale notifications re-queued.",
            requeued_stuck,
            requeued_stale,
        )
        for start in range(0, len(to_publish), BATCH_SIZE):
            transaction.on_commit(
                partial(_enqueue_delivery, to_publish[start : start + BATCH_SIZE])
            )
    return SweepReport(
        requeued_stuck=requeued_stuck, requeued_stale=requeued_stale, failed_stuck=failed_stuck
    )


# --- Staff digest ------------------------------------------------------------------------------


def staff_digest_send(*, today: date | None = None) -> int:
    """Send today's digest to every active staff user with something to report.

    Lines come from the registered digest providers (``notifications.digest``). One digest per
    user per day (the date is in the idempotency key), each in its own transaction so one
    user's failure does not stop the others, each in that staff member's language. Returns how many digests were created.
    """
    today = today or timezone.localdate()
    created_count = 0
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk")
    for user in staff.iterator():
        # The lines' labels and links in the staff member's own language.
        with translation.override(recipient_language(user)):
            items = [
                item._replace(label=str(item.label), url=absolute_url(item.url))
                for item in digest_items_for(user)
            ]
        if not items:
            continue
        _notification, created = _notification_get_or_create(
            kind="staff.digest",
            recipient=user,
            context={"items": items, "date": today, "total": sum(i.count for i in items)},
            idempotency_key=f"staff-digest-{today.isoformat()}-user-{user.pk}",
            url=reverse("admin:index"),
        )
        created_count += created
    return created_count
