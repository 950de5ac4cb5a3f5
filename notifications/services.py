"""Every write of the notifications app: create, read, retry, deliver, sweep, digest.

Workflows in other apps call ``notification_create`` (or ``notification_create_bulk``) inside
their own transaction. Nothing leaves the building before that transaction commits: the
delivery task is queued with ``transaction.on_commit``, and the worker sends only rows it
claimed atomically (``queued`` → ``sending``), so a rolled-back workflow sends nothing and a
redelivered task sends nothing twice.

Each e-mail is rendered when it is sent, in the recipient's preferred language at that moment
(someone without an account: the language of the form they used, stored on the row): the row
keeps its template context (``notifications.context``) until then. The texts rendered when the
row is created are the in-portal notice until the e-mail goes, and what is sent should the
context be unusable (an object it names was deleted meanwhile).
"""

import logging
import smtplib
import time
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
from django.db.models import F, Model, Q
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerError

from wego_portal.i18n import path_in_language
from wego_portal.observability.request_id import HEADER as REQUEST_ID_HEADER
from wego_portal.observability.request_id import bound as bound_request_id
from wego_portal.observability.request_id import current_request_id

from .context import StaleContext, dump_context, load, objects_cache
from .digest import digest_items_for
from .enums import NotificationState
from .kinds import NotificationKind, get_kind
from .models import Notification, NotificationPreference
from .rendering import absolute_url, render_notification
from .selectors import unread_counts_changed

logger = logging.getLogger(__name__)

#: Rows per delivery task on the bulk path: one SMTP connection sends them all.
BATCH_SIZE = 200
#: Rows claimed before claims had a lease: beyond the hard time limit their worker died.
SENDING_GRACE = timedelta(seconds=60)
#: Delivery attempts of one row before it is given up (``NOTIFICATIONS_MAX_ATTEMPTS``); with
#: the default backoff (30 s doubling) the last attempt comes about an hour after the first.
MAX_ATTEMPTS = 8
CLAIMED_BY_MAX_LENGTH = 255
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
    deferred: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)
    reconnects: int = 0
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


def delivery_language(notification: Notification) -> str:
    """The language an e-mail is sent in: the recipient's preferred language at that moment
    (they may have changed it since the notification was queued); for someone without an
    account, the language stored on the row (the one of the form they used)."""
    if notification.recipient_id is not None:
        return notification.recipient.preferred_language or settings.LANGUAGE_CODE
    return notification.language or settings.LANGUAGE_CODE


def _links_in_language(value: Any, language: str, key: str = "") -> Any:
    """Every link of a context (a string under a key ending in ``url``, also inside lists,
    mappings and named tuples such as digest lines) as the page in ``language``."""
    if isinstance(value, str):
        return _link_in_language(value, language) if key.endswith("url") else value
    if isinstance(value, Mapping):
        return {name: _links_in_language(item, language, name) for name, item in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_replace"):
        return value._replace(
            **{
                name: _links_in_language(getattr(value, name), language, name)
                for name in value._fields
            }
        )
    if isinstance(value, list):
        return [_links_in_language(item, language, key) for item in value]
    return value


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


def _enqueue_delivery(notification_ids: Sequence[int], request_id: str = "") -> None:
    """Publish the delivery task(s); a broker that is down only delays delivery.

    Runs after commit. If publishing fails the rows stay "queued" and ``outbox_sweep``
    re-publishes them within a few minutes, so the caller's request does not fail. The tasks
    carry ``request_id`` (the request that queued the rows) in their headers.
    """
    from .tasks import deliver_batch_task, deliver_notification_task

    ids = list(notification_ids)
    with bound_request_id(request_id or current_request_id()):
        _publish_delivery(ids, deliver_notification_task, deliver_batch_task)


def _after_commit_enqueue(notification_ids: Sequence[int]) -> None:
    """Publish after commit, under the id of the request (or task) that queued the rows."""
    transaction.on_commit(partial(_enqueue_delivery, list(notification_ids), current_request_id()))


def _publish_delivery(ids: list[int], deliver_notification_task, deliver_batch_task) -> None:
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
        context = _links_in_language(context, language)
        rendered = render_notification(
            kind=kind, context=context, recipient=recipient, to_email=to_email, url=url
        )
        try:
            kept_context = dump_context(context) if email else None
        except TypeError as exc:
            # Sent as rendered now, in the language known now.
            logger.warning("The context of %s cannot be kept for delivery: %s", kind.key, exc)
            kept_context = None
    now = timezone.now()
    return Notification(
        recipient=recipient,
        to_email=to_email or (recipient.email if recipient is not None else ""),
        kind=kind.key,
        **about_fields,
        language=language,
        context=kept_context,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        message=rendered.message,
        url=url,
        email=email,
        state=NotificationState.QUEUED if email else NotificationState.SKIPPED,
        idempotency_key=idempotency_key,
        created_at=now,
        # If its task is lost (broker down at commit), the sweeper publishes it then.
        next_attempt_at=now + republish_after(),
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
        _after_commit_enqueue([notification.pk])
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

    The e-mail is rendered when it is sent, in the recipient's preferred language then; for
    someone without an account, in ``language`` when given (e.g. the language a membership
    application was made in), else in the language of the current request. ``context`` is
    kept on the row until then (``notifications.context``: model instances are read again at
    delivery, lazy translations are translated then). The in-portal notice is rendered now,
    in the recipient's language, and again when the e-mail is sent.

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
    if _created:
        unread_counts_changed([notification.recipient_id])
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
    unread_counts_changed(entries[key].user.pk for key in new_keys if entries[key].user)
    to_send = [pk for pk, email in created if email]
    for start in range(0, len(to_send), batch_size):
        _after_commit_enqueue(to_send[start : start + batch_size])
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
        unread_counts_changed([user.pk])
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notice of ``user`` as read; return how many were unread."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    unread_counts_changed([user.pk])
    return marked


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
    ).update(
        state=NotificationState.QUEUED,
        attempts=0,
        next_attempt_at=now + republish_after(),
        claimed_by="",
        lease_expires_at=None,
    )
    if not updated:
        raise NotificationError("Only a failed notification can be sent again.")
    notification.refresh_from_db()
    _after_commit_enqueue([notification.pk])
    return notification


def lease_duration() -> timedelta:
    """How long a claim holds without being renewed (``NOTIFICATIONS_LEASE_SECONDS``).

    A worker renews the lease of its unsent rows while it works through a batch, so only a
    worker that died (or hangs for longer than this) loses its rows to another worker.
    """
    return timedelta(seconds=getattr(settings, "NOTIFICATIONS_LEASE_SECONDS", 30))


def republish_after() -> timedelta:
    """How long a queued row waits for its task before the sweeper publishes another one."""
    return timedelta(seconds=getattr(settings, "NOTIFICATIONS_REPUBLISH_AFTER_SECONDS", 120))


def max_attempts() -> int:
    """Delivery attempts of one row before it is given up (``NOTIFICATIONS_MAX_ATTEMPTS``)."""
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", MAX_ATTEMPTS)


def retry_delay(attempts: int) -> timedelta:
    """The wait before a row's next attempt after ``attempts`` attempts: base * 2^(n-1), capped."""
    base = getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
    cap = getattr(settings, "NOTIFICATIONS_RETRY_MAX_SECONDS", 60 * 60)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def _claimable(now) -> Q:
    """Queued rows, and rows whose claim expired (their worker died) with attempts left."""
    return Q(state=NotificationState.QUEUED) | Q(
        state=NotificationState.SENDING,
        lease_expires_at__lt=now,
        attempts__lt=max_attempts(),
    )


def outbox_claim(*, notification_ids: Sequence[int], claimed_by: str = "") -> list[int]:
    """Claim rows for this worker: → ``sending`` with a lease; return the ids it won.

    Claimable are queued rows and rows whose lease expired (the worker that claimed them died;
    a redelivered task takes them back at once instead of waiting for the sweeper). A claim
    counts one attempt, records ``claimed_by`` (worker and task) and a lease of
    ``lease_duration()``. A row is claimed by exactly one caller per attempt: on PostgreSQL the
    batch is locked with ``SELECT … FOR UPDATE SKIP LOCKED`` (concurrent workers skip each
    other's rows) and updated in the same transaction; elsewhere (and for one row) each row is
    claimed with a conditional ``UPDATE`` whose row count says who won.
    """
    ids = list(dict.fromkeys(notification_ids))
    if not ids:
        return []
    now = timezone.now()
    changes = {
        "state": NotificationState.SENDING,
        "claimed_at": now,
        "claimed_by": claimed_by[:CLAIMED_BY_MAX_LENGTH],
        "lease_expires_at": now + lease_duration(),
        "attempts": F("attempts") + 1,
    }
    claimable = Notification.objects.filter(_claimable(now))
    if len(ids) > 1 and connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            claimed = list(
                claimable.filter(pk__in=ids)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
            )
            if claimed:
                Notification.objects.filter(pk__in=claimed).update(**changes)
        return claimed
    return [pk for pk in ids if claimable.filter(pk=pk).update(**changes)]


#: What a failed send means for the batch and for the row.
PERMANENT = "permanent"  # this message can never go: the row fails, the batch goes on
DEFERRED = "deferred"  # this recipient said "later" (SMTP 4xx): the row waits, the batch goes on
CONNECTION = "connection"  # the connection is gone: reconnect, or stop the batch


def classify_error(exc: BaseException) -> str:
    """Sort a sending error into ``PERMANENT``, ``DEFERRED`` (one row) or ``CONNECTION``."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # Greylisting answers 4xx for a recipient; a 5xx means the address is refused.
        codes = [code for code, _message in exc.recipients.values()]
        return DEFERRED if codes and all(400 <= code < 500 for code in codes) else PERMANENT
    if isinstance(
        exc,
        smtplib.SMTPServerDisconnected
        | smtplib.SMTPConnectError
        | smtplib.SMTPHeloError
        | ConnectionError
        | TimeoutError
        | SoftTimeLimitExceeded,
    ):
        return CONNECTION
    if isinstance(exc, smtplib.SMTPResponseException):
        if exc.smtp_code == 421:  # "service not available, closing transmission channel"
            return CONNECTION
        return DEFERRED if 400 <= exc.smtp_code < 500 else PERMANENT
    if isinstance(exc, smtplib.SMTPException):
        return PERMANENT
    # Other socket errors: DNS failure, network unreachable.
    return CONNECTION if isinstance(exc, OSError) else PERMANENT


def is_transient_error(exc: BaseException) -> bool:
    """Whether trying again later may succeed (connection trouble, timeouts, SMTP 4xx)."""
    return classify_error(exc) != PERMANENT


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]


def _message_domain() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return domain or "wego-portal.invalid"


def render_for_delivery(notification: Notification, objects=None) -> bool:
    """Render ``notification`` again from its stored context, in ``delivery_language``.

    Sets the subject, bodies, notice, link and language on the instance (the caller saves
    them) and returns True. A row without a context (created before contexts were kept, or
    with a context that could not be kept) or whose context names a deleted object keeps the
    texts rendered when it was created, and False is returned. ``objects`` (from
    ``notifications.context.objects_cache``) shares the objects read between the rows of a
    batch.
    """
    if notification.context is None:
        return False
    language = delivery_language(notification)
    try:
        with translation.override(language):
            url = _link_in_language(notification.url, language)
            context = _links_in_language(load(notification.context, objects), language)
            rendered = render_notification(
                kind=get_kind(notification.kind),
                context=context,
                recipient=notification.recipient,
                to_email=notification.to_email,
                url=url,
            )
    except SoftTimeLimitExceeded:
        raise
    except StaleContext as exc:
        logger.info("Notification %s is sent as created: %s", notification.pk, exc)
        return False
    except Exception:
        logger.exception(
            "Notification %s could not be rendered again; sent as created.", notification.pk
        )
        return False
    notification.language = language
    notification.url = url
    notification.subject = rendered.subject
    notification.body_text = rendered.body_text
    notification.body_html = rendered.body_html
    notification.message = rendered.message
    return True


def email_message_for(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for a row: plain text with an HTML alternative.

    ``X-WeGO-Notification`` carries the idempotency key and the Message-ID is derived from the
    row, so a message resent after a crash is recognisably the same message. ``X-Request-ID``
    names the request (or task) that caused the delivery, as in the log lines.
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
    if request_id := current_request_id():
        # The request (or task) that caused the message: its log lines carry the same id.
        message.extra_headers[REQUEST_ID_HEADER] = request_id
    message.attach_alternative(notification.body_html, "text/html")
    return message


class _Claim:
    """The rows one delivery holds: each update is conditional on still holding the row."""

    def __init__(self, claimed_by: str, report: DeliveryReport) -> None:
        self.claimed_by = claimed_by[:CLAIMED_BY_MAX_LENGTH]
        self.report = report
        self.renewed = time.monotonic()

    def held(self, pk_filter: Q | None = None):
        rows = Notification.objects.filter(
            state=NotificationState.SENDING, claimed_by=self.claimed_by
        )
        return rows.filter(pk_filter) if pk_filter is not None else rows

    def renew(self, pending: deque) -> None:
        """Extend the lease of the unsent rows; drop those another worker took meanwhile."""
        if time.monotonic() - self.renewed < lease_duration().total_seconds() / 3:
            return
        ids = [notification.pk for notification in pending]
        still_held = set(self.held(Q(pk__in=ids)).values_list("pk", flat=True))
        self.held(Q(pk__in=still_held)).update(lease_expires_at=timezone.now() + lease_duration())
        self.renewed = time.monotonic()
        lost = [notification for notification in pending if notification.pk not in still_held]
        for notification in lost:
            logger.warning("Notification %s was taken over by another worker.", notification.pk)
            pending.remove(notification)

    def sent(self, notification: Notification) -> None:
        """Sent: the row keeps exactly what was sent, and no longer needs its context."""
        updated = self.held(Q(pk=notification.pk)).update(
            state=NotificationState.SENT,
            sent_at=timezone.now(),
            last_error="",
            lease_expires_at=None,
            language=notification.language,
            subject=notification.subject,
            body_text=notification.body_text,
            body_html=notification.body_html,
            message=notification.message,
            url=notification.url,
            context=None,
        )
        if not updated:
            logger.warning(
                "Notification %s was sent but is no longer held by this worker.", notification.pk
            )
        self.report.sent.append(notification.pk)

    def failed(self, notification: Notification, error: str) -> None:
        self.held(Q(pk=notification.pk)).update(
            state=NotificationState.FAILED, last_error=error, lease_expires_at=None
        )
        self.report.failed.append(notification.pk)

    def deferred(self, notification: Notification, exc: BaseException) -> None:
        """This row waits for its own next attempt (or fails when it has used them all)."""
        attempts = notification.attempts  # read after the claim, which counted this attempt
        if attempts >= max_attempts():
            self.failed(notification, f"Gave up after {attempts} attempts: {_describe(exc)}")
            return
        self.held(Q(pk=notification.pk)).update(
            state=NotificationState.QUEUED,
            last_error=_describe(exc),
            next_attempt_at=timezone.now() + retry_delay(attempts),
            lease_expires_at=None,
        )
        self.report.deferred.append(notification.pk)

    def released(self, notifications: Iterable[Notification], retry_in: float) -> None:
        """Rows never attempted go back as they were: queued, their attempt not counted.

        Their task retries in ``retry_in`` seconds; the sweeper publishes them again only if
        that task is lost.
        """
        ids = [notification.pk for notification in notifications]
        self.held(Q(pk__in=ids)).update(
            state=NotificationState.QUEUED,
            attempts=F("attempts") - 1,
            next_attempt_at=timezone.now() + timedelta(seconds=retry_in) + republish_after(),
            lease_expires_at=None,
        )
        self.report.requeued.extend(ids)


def outbox_deliver(
    *, notification_ids: Sequence[int], retry_in: float | None = None, claimed_by: str = ""
) -> DeliveryReport:
    """Claim and e-mail the given rows over one connection of the default mailer.

    Each row is rendered again just before it is sent (``render_for_delivery``: in the
    recipient's language at that moment). Every row has its own fate, decided the moment the
    server answers for it:

    - accepted: ``sent`` at once with the texts that went out, ``last_error`` and the stored
      context cleared;
    - refused for good (5xx, bad address): ``failed``, and the batch goes on;
    - refused for now (4xx for this recipient, e.g. greylisting): back to ``queued`` with its
      own ``next_attempt_at`` (``retry_delay``), and the batch goes on; the sweeper publishes
      it when due; after ``max_attempts()`` attempts it fails;
    - the connection broke while sending it: the row counts as attempted and waits like a 4xx
      (the server may have accepted it before the connection broke: the one duplicate SMTP
      cannot rule out). The mailer reconnects once and the batch goes on; if reconnecting
      fails, the batch stops and the rows not yet attempted go back to ``queued`` unchanged
      (no attempt counted) in ``report.requeued``, for the caller to retry in ``retry_in``
      seconds (``None``: the sweeper's default delay).
    """
    report = DeliveryReport(
        claimed=outbox_claim(notification_ids=notification_ids, claimed_by=claimed_by)
    )
    if not report.claimed:
        return report
    claim = _Claim(claimed_by, report)
    pending = deque(
        Notification.objects.filter(pk__in=report.claimed)
        .select_related("recipient")
        .order_by("pk")
    )
    error: BaseException | None = None
    mailer = mailers["default"]
    objects = objects_cache()
    try:
        mailer.open()
        sent_on_this_connection = 0
        while pending:
            claim.renew(pending)
            if not pending:
                break
            notification = pending[0]
            # In the recipient's language now, from the objects as they are now.
            render_for_delivery(notification, objects)
            try:
                accepted = mailer.send_messages([email_message_for(notification)])
            except Exception as exc:
                outcome = classify_error(exc)
                pending.popleft()
                if outcome == PERMANENT:
                    logger.warning("Notification %s failed: %s", notification.pk, exc)
                    claim.failed(notification, _describe(exc))
                    continue
                claim.deferred(notification, exc)
                if outcome == DEFERRED:
                    continue
                # The connection is gone. Reconnect once if it had been working, else stop.
                error = exc
                _close_quietly(mailer)
                if sent_on_this_connection == 0 or isinstance(exc, SoftTimeLimitExceeded):
                    break
                mailer.open()
                report.reconnects += 1
                sent_on_this_connection = 0
                error = None
                continue
            if accepted:
                claim.sent(notification)
                sent_on_this_connection += 1
            else:
                claim.failed(notification, "The mail backend sent nothing.")
            pending.popleft()
    except Exception as exc:
        # Opening (or reopening) the connection failed.
        error = error or exc
    finally:
        _close_quietly(mailer)

    if pending:
        report.error = _describe(error) if error else "Delivery interrupted."
        delay = retry_in if retry_in is not None else republish_after().total_seconds()
        claim.released(pending, delay)
        logger.warning(
            "Delivery of notifications %s interrupted, not attempted: %s",
            report.requeued,
            report.error,
        )
    return report


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception as exc:
        logger.warning("Closing the mail connection failed: %s", exc)


@transaction.atomic
def outbox_sweep(*, now=None) -> SweepReport:
    """Recover and schedule rows; idempotent, run by Celery beat (``NOTIFICATIONS_SWEEP_SECONDS``).

    - ``sending`` with an expired lease: the worker that claimed it died. The row goes back to
      ``queued`` (or ``failed`` once it has used ``max_attempts()``).
    - ``queued`` and due (``next_attempt_at`` passed): a row deferred by its recipient's
      server whose time has come, or a row whose task never reached a worker (the broker lost
      it, or the process died between commit and publishing).

    Published rows get ``next_attempt_at = now + republish_after()`` (if that task is lost
    too, the sweep after that publishes them again); their delivery tasks are published after
    commit, in batches.
    """
    now = now or timezone.now()
    expired = Q(lease_expires_at__lt=now) | Q(
        # Rows claimed before leases existed: the hard time limit is their lease.
        lease_expires_at__isnull=True,
        claimed_at__lt=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - SENDING_GRACE,
    )
    stuck = Notification.objects.filter(expired, state=NotificationState.SENDING)
    failed_stuck = stuck.filter(attempts__gte=max_attempts()).update(
        state=NotificationState.FAILED,
        last_error=f"Gave up after {max_attempts()} attempts: the worker did not finish.",
        lease_expires_at=None,
    )
    stuck_ids = list(stuck.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT])
    requeued_stuck = stuck.filter(pk__in=stuck_ids).update(
        state=NotificationState.QUEUED,
        next_attempt_at=now + republish_after(),
        lease_expires_at=None,
        last_error="Re-queued by the sweeper: the worker did not finish.",
    )

    due = Notification.objects.filter(state=NotificationState.QUEUED, next_attempt_at__lte=now)
    due_ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:SWEEP_LIMIT])
    requeued_stale = due.filter(pk__in=due_ids).update(next_attempt_at=now + republish_after())

    to_publish = stuck_ids + sorted(due_ids)
    if to_publish:
        logger.info(
            "Outbox sweep: %s stuck and %s due notifications published.",
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
    user's failure does not stop the others. Each digest is sent in its staff member's language
    (the one they prefer when it is sent). Returns how many digests were created.
    """
    today = today or timezone.localdate()
    created_count = 0
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk")
    for user in staff.iterator():
        # The lines' labels and links in the staff member's own language.
        with translation.override(recipient_language(user)):
            # Labels that are lazy translations stay lazy: the e-mail translates them when it
            # is sent, in the staff member's language then.
            items = [item._replace(url=absolute_url(item.url)) for item in digest_items_for(user)]
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
