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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from celery.exceptions import Retry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerError

from wego_portal.i18n import path_in_language
from wego_portal.observability.request_id import bound as bound_request_id
from wego_portal.observability.request_id import current_request_id

from ..context import dump_context
from ..enums import NotificationState
from ..kinds import NotificationKind, get_kind
from ..models import Notification, NotificationPreference
from ..rendering import render_notification
from ..selectors import unread_counts_changed

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
    from ..tasks import deliver_batch_task, deliver_notification_task

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


def republish_after() -> timedelta:
    """How long a queued row waits for its task before the sweeper publishes another one."""
    return timedelta(seconds=getattr(settings, "NOTIFICATIONS_REPUBLISH_AFTER_SECONDS", 120))
