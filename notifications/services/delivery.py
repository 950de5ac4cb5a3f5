"""The outbox: claiming, rendering in the recipient's language, sending through the mailer, retries and the sweeper."""

import email.policy
import smtplib
import time
from collections import deque
from collections.abc import Iterable, Sequence
from datetime import timedelta
from email.utils import parseaddr
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from wego_portal.observability.request_id import HEADER as REQUEST_ID_HEADER
from wego_portal.observability.request_id import current_request_id

from ..context import StaleContext, load, objects_cache
from ..enums import NotificationState
from ..kinds import delivery_listener, get_kind
from ..models import Notification
from ..rendering import render_notification
from .creating import (
    BATCH_SIZE,
    CLAIMED_BY_MAX_LENGTH,
    ERROR_MAX_LENGTH,
    MAX_ATTEMPTS,
    SENDING_GRACE,
    SWEEP_LIMIT,
    DeliveryReport,
    NotificationError,
    SweepReport,
    _after_commit_enqueue,
    _enqueue_delivery,
    _link_in_language,
    _links_in_language,
    delivery_language,
    logger,
    republish_after,
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


class OutboxEmail(EmailMultiAlternatives):
    """An e-mail whose ``raw_headers`` are written exactly as given.

    The SMTP policy folds a header at 78 characters and, when a word is longer than that (a
    List-Unsubscribe URL with its signed token), encodes it (RFC 2047), which mail clients
    do not decode in URL headers. These headers are ASCII lines well within the 998
    characters SMTP allows: they go unfolded.
    """

    raw_headers: dict[str, str]

    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy.clone(refold_source="none"))
        for name, value in getattr(self, "raw_headers", {}).items():
            if not value.isascii() or "\r" in value or "\n" in value or len(value) > 900:
                raise ValueError(f"The {name} header must be one ASCII line.")
            if name not in msg:
                msg.set_raw(name, value)
        return msg


def email_message_for(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for a row: plain text with an HTML alternative.

    The row's ``headers`` are added (the newsletter's ``List-Unsubscribe`` and
    ``List-Unsubscribe-Post``). ``X-WeGO-Notification`` carries the idempotency key and the Message-ID is derived from the
    row, so a message resent after a crash is recognisably the same message. ``X-Request-ID``
    names the request (or task) that caused the delivery, as in the log lines.
    """
    address = notification.address
    if not address:
        raise ValueError("The notification has no e-mail address.")
    message = OutboxEmail(
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
    # Per-message headers (List-Unsubscribe…) never replace the outbox's own.
    message.raw_headers = {
        name: str(value)
        for name, value in (notification.headers or {}).items()
        if name not in message.extra_headers
    }
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
    - the app of a kind that listens (``kinds.listen_to_delivery``) hears which of its rows
      were accepted and which refused for good, once per batch;
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
    accepted_rows: list[Notification] = []
    refused: list[tuple[Notification, BaseException]] = []
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
                    refused.append((notification, exc))
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
                accepted_rows.append(notification)
                sent_on_this_connection += 1
            else:
                claim.failed(notification, "The mail backend sent nothing.")
            pending.popleft()
    except Exception as exc:
        # Opening (or reopening) the connection failed.
        error = error or exc
    finally:
        _close_quietly(mailer)

    _tell_listeners(accepted_rows, refused)
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


def _tell_listeners(
    sent: list[Notification], failed: list[tuple[Notification, BaseException]]
) -> None:
    """Tell the apps that listen to their kinds' delivery (``kinds.listen_to_delivery``)."""
    keys = {row.kind for row in sent} | {row.kind for row, _exc in failed}
    for key in sorted(keys):
        listener = delivery_listener(key)
        if listener is None:
            continue
        try:
            listener(
                sent=[row for row in sent if row.kind == key],
                failed=[(row, exc) for row, exc in failed if row.kind == key],
            )
        except Exception:
            # What the listener records is secondary: the rows' states are already saved.
            logger.exception("The delivery listener of %s failed.", key)


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
