"""Newsletter issues: rendering in each language, the test message, and the send.

An issue goes to every confirmed subscriber of its topics (of any topic when it has none) as
one outbox row each (``notifications``), created in batches by ``send_issue_task`` and
delivered by the outbox's workers. The row's idempotency key is
``newsletter-issue-<issue>-<subscriber>`` and unique in the outbox: running the send again
(a retried or redelivered task, a resumed send) creates only the rows still missing, so nobody
receives an issue twice.

The issue is rendered once per language for a send; each row gets the subscriber's own
preferences and unsubscribe links in its bodies and in its ``List-Unsubscribe`` header
(RFC 2369 and RFC 8058 one-click).
"""

from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation

from events.selectors import PUBLIC_STATUSES
from notifications.enums import NotificationState
from notifications.kinds import get_kind
from notifications.models import Notification
from notifications.rendering import RenderedNotification, render_notification
from notifications.services import _after_commit_enqueue, notification_create, republish_after
from wego_portal.links import absolute_url
from wego_portal.moderation.enums import ModerationStatus
from wego_portal.permissions import require

from ..enums import IssueState, SubscriberState
from ..models import Issue, Subscriber
from ..notification_kinds import ISSUE
from .subscriptions import NewsletterError, manage_url, unsubscribe_url

#: Subscribers turned into outbox rows per transaction of the send.
ENQUEUE_BATCH_SIZE = 500
#: Stand-ins for each subscriber's own links in the texts rendered once per language.
MANAGE_PLACEHOLDER = "__newsletter_manage_url__"
UNSUBSCRIBE_PLACEHOLDER = "__newsletter_unsubscribe_url__"


def issue_key(issue_id: int, subscriber_id: int) -> str:
    return f"newsletter-issue-{issue_id}-{subscriber_id}"


def issue_contents(issue: Issue) -> dict:
    """What the issue points to: its published articles, public events and published calls."""
    articles = list(
        issue.articles.filter(status=ModerationStatus.PUBLISHED).order_by("-published_at", "pk")
    )
    events = list(
        issue.events.filter(status__in=PUBLIC_STATUSES).order_by("year", "start_date", "pk")
    )
    calls = list(
        issue.calls.filter(is_published=True, program__is_published=True)
        .select_related("program")
        .order_by("closes_at", "pk")
    )
    return {"articles": articles, "events": events, "calls": calls}


def render_issue(
    issue: Issue,
    *,
    language: str,
    contents: dict | None = None,
    manage: str = MANAGE_PLACEHOLDER,
    unsubscribe: str = UNSUBSCRIBE_PLACEHOLDER,
) -> RenderedNotification:
    """The issue's subject, plain text and HTML in ``language`` with the given links."""
    contents = contents if contents is not None else issue_contents(issue)
    with translation.override(language):
        items = {
            "articles": [
                {"title": a.title, "summary": a.summary, "url": absolute_url(a.get_absolute_url())}
                for a in contents["articles"]
            ],
            "events": [
                {
                    "title": e.title,
                    "when": e.date_display,
                    "url": absolute_url(e.get_absolute_url()),
                }
                for e in contents["events"]
            ],
            "calls": [
                {
                    "title": c.title,
                    "program": c.program.name,
                    "closes_at": c.closes_at,
                    "url": absolute_url(c.get_absolute_url()),
                }
                for c in contents["calls"]
            ],
        }
        paragraphs = [p.strip() for p in (issue.intro or "").split("\n\n") if p.strip()]
        return render_notification(
            kind=get_kind(ISSUE.key),
            context={
                "issue": issue,
                "intro_paragraphs": paragraphs,
                **items,
                "manage_url": manage,
                "unsubscribe_url": unsubscribe,
                "newsletter_url": absolute_url(reverse("newsletter:subscribe")),
            },
        )


def list_unsubscribe_headers(unsubscribe: str) -> dict[str, str]:
    """The one-click unsubscribe headers (RFC 2369 ``List-Unsubscribe``, RFC 8058 ``-Post``)."""
    links = [f"<{unsubscribe}>"]
    mailbox = getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
    if mailbox:
        links.append(f"<mailto:{mailbox}?subject=unsubscribe>")
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "wego.invalid"
    return {
        "List-Unsubscribe": ", ".join(links),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"WeGO newsletter <newsletter.{domain}>",
        "Precedence": "bulk",
    }


def _fill(text: str, manage: str, unsubscribe: str) -> str:
    return text.replace(MANAGE_PLACEHOLDER, manage).replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe)


@transaction.atomic
def issue_send_test(*, issue: Issue, by, language: str) -> Notification:
    """E-mail the issue in ``language`` to ``by`` (a Secretariat officer) only.

    The links are ``by``'s own when their address subscribes, else the sign-up page. Side
    effects: one outbox row (not counted in the issue's progress).
    """
    require(by, "newsletter.send_issue", issue)
    own = Subscriber.objects.filter(email__iexact=by.email).first()
    fallback = absolute_url(reverse("newsletter:subscribe"))
    manage = manage_url(own) if own else fallback
    unsubscribe = unsubscribe_url(own) if own else fallback
    rendered = render_issue(issue, language=language, manage=manage, unsubscribe=unsubscribe)
    now = timezone.now()
    notification = notification_create(
        kind=ISSUE.key,
        to_email=by.email,
        context={},
        idempotency_key=f"newsletter-test-{issue.pk}-{by.pk}-{now.timestamp():.6f}",
        language=language,
    )
    # The outbox rendered the kind's templates without the issue: put the issue in, as sent.
    Notification.objects.filter(pk=notification.pk).update(
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        message=rendered.subject,
        context=None,
        headers=list_unsubscribe_headers(unsubscribe),
    )
    return notification


@transaction.atomic
def issue_send(*, issue: Issue, by) -> Issue:
    """Start sending ``issue`` to its subscribers: ``draft`` → ``sending``.

    Side effects: after commit, ``send_issue_task`` creates the outbox rows in batches
    (``issue_enqueue``). Raises ``NewsletterError`` when the issue is not a draft (it is
    being sent or was sent: use ``issue_resume`` to finish an interrupted send).
    """
    require(by, "newsletter.send_issue", issue)
    locked = Issue.objects.select_for_update().get(pk=issue.pk)
    if locked.state != IssueState.DRAFT:
        raise NewsletterError("This issue has already been sent.")
    locked.state = IssueState.SENDING
    locked.send_started_at = timezone.now()
    locked.send_started_by = by
    locked.save(update_fields=["state", "send_started_at", "send_started_by"])
    _start_task(locked.pk)
    return locked


@transaction.atomic
def issue_resume(*, issue: Issue, by) -> Issue:
    """Run the send of an issue still ``sending`` again: only missing rows are created."""
    require(by, "newsletter.send_issue", issue)
    if issue.state != IssueState.SENDING:
        raise NewsletterError("Only an issue being sent can be resumed.")
    _start_task(issue.pk)
    return issue


def _start_task(issue_id: int) -> None:
    from ..tasks import send_issue_task

    transaction.on_commit(lambda: send_issue_task.delay(issue_id))


def recipients_of(issue: Issue, topic_ids: Iterable[int]):
    """Confirmed subscribers of any of ``topic_ids`` (all confirmed ones without topics)."""
    subscribers = Subscriber.objects.filter(state=SubscriberState.CONFIRMED)
    topic_ids = list(topic_ids)
    if topic_ids:
        chosen = Subscriber.topics.through.objects.filter(
            subscriber_id=OuterRef("pk"), topic_id__in=topic_ids
        )
        subscribers = subscribers.filter(Exists(chosen))
    return subscribers


class _Renderings:
    """The issue rendered once per language, with placeholders for each subscriber's links."""

    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        self.contents = issue_contents(issue)
        self._by_language: dict[str, RenderedNotification] = {}

    def get(self, language: str) -> RenderedNotification:
        if language not in self._by_language:
            self._by_language[language] = render_issue(
                self.issue, language=language, contents=self.contents
            )
        return self._by_language[language]


@transaction.atomic
def issue_enqueue(
    *,
    issue: Issue,
    topic_ids: list[int],
    after_id: int = 0,
    batch_size: int = ENQUEUE_BATCH_SIZE,
    renderings: _Renderings | None = None,
) -> int | None:
    """Put the next batch of recipients (ids above ``after_id``) in the outbox.

    Returns the last subscriber id of the batch, or None when there was none left. Rows that
    exist already (an earlier run) are left alone; the new ones are queued for delivery after
    commit, in the outbox's batches. A constant number of queries per batch.
    """
    renderings = renderings or _Renderings(issue)
    subscribers = list(
        recipients_of(issue, topic_ids)
        .filter(pk__gt=after_id)
        .order_by("pk")
        .only("pk", "email", "key", "language")[:batch_size]
    )
    if not subscribers:
        return None
    by_key = {issue_key(issue.pk, s.pk): s for s in subscribers}
    existing = set(
        Notification.objects.filter(idempotency_key__in=list(by_key)).values_list(
            "idempotency_key", flat=True
        )
    )
    content_type = ContentType.objects.get_for_model(Issue)
    now = timezone.now()
    rows = []
    for key, subscriber in by_key.items():
        if key in existing:
            continue
        rendered = renderings.get(subscriber.language)
        manage, unsubscribe = manage_url(subscriber), unsubscribe_url(subscriber)
        rows.append(
            Notification(
                kind=ISSUE.key,
                to_email=subscriber.email,
                content_type=content_type,
                object_id=issue.pk,
                language=subscriber.language,
                context=None,
                subject=rendered.subject,
                body_text=_fill(rendered.body_text, manage, unsubscribe),
                body_html=_fill(rendered.body_html, manage, unsubscribe),
                message=rendered.message,
                headers=list_unsubscribe_headers(unsubscribe),
                email=True,
                state=NotificationState.QUEUED,
                idempotency_key=key,
                created_at=now,
                next_attempt_at=now + republish_after(),
            )
        )
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        new_ids = list(
            Notification.objects.filter(
                idempotency_key__in=[row.idempotency_key for row in rows],
                state=NotificationState.QUEUED,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        from notifications.services import BATCH_SIZE

        for start in range(0, len(new_ids), BATCH_SIZE):
            _after_commit_enqueue(new_ids[start : start + BATCH_SIZE])
    return subscribers[-1].pk


def issue_enqueue_all(*, issue: Issue, batch_size: int = ENQUEUE_BATCH_SIZE) -> int:
    """Every batch of an issue being sent, each in its own transaction; then ``sent``.

    Returns the number of the issue's rows in the outbox. Safe to run again at any point.
    """
    if issue.state != IssueState.SENDING:
        return 0
    topic_ids = list(issue.topics.values_list("pk", flat=True))
    renderings = _Renderings(issue)
    after_id: int | None = 0
    while after_id is not None:
        after_id = issue_enqueue(
            issue=issue,
            topic_ids=topic_ids,
            after_id=after_id,
            batch_size=batch_size,
            renderings=renderings,
        )
    total = Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(Issue), object_id=issue.pk
    ).count()
    Issue.objects.filter(pk=issue.pk, state=IssueState.SENDING).update(
        state=IssueState.SENT, queued_at=timezone.now(), recipients=total
    )
    return total


__all__ = [
    "ENQUEUE_BATCH_SIZE",
    "issue_contents",
    "issue_enqueue",
    "issue_enqueue_all",
    "issue_key",
    "issue_resume",
    "issue_send",
    "issue_send_test",
    "list_unsubscribe_headers",
    "recipients_of",
    "render_issue",
]
