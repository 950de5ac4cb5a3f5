"""Benchmark: one newsletter issue to 10,000 confirmed subscribers, through the outbox.

    .venv/bin/python bench/newsletter.py [--count 10000] [--concurrency 1]

Like ``bench/notifications.py`` (both use bench/delivery.py): Django
against PostgreSQL (``DATABASE_URL``, default postgres://postgres@127.0.0.1:5432/wego_bench,
created and migrated if needed) and Redis (``REDIS_URL``), a local SMTP sink (aiosmtpd) on a
free 127.0.0.1 port and a real Celery worker (``celery -A wego_portal worker``) on a private
queue. ``count`` confirmed subscribers (in the eight languages, all on one topic) are created
once and reused; a new issue is sent with ``newsletter.services.issue_send``, exactly as the
back office's "Send now" does: ``send_issue_task`` puts the rows in the outbox batch by batch
and the outbox's delivery tasks send them. The bench waits until every row is "sent", runs the
send once more (a redelivered task: it must create nothing), then checks that each address
received exactly one copy, each with its List-Unsubscribe headers. Prints a markdown table
and writes it to bench/results/newsletter.md.
"""

import argparse
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where this file would shadow the newsletter app.
sys.path[0] = str(ROOT)

from bench.delivery import celery_worker, setup_django, smtp_sink, write_report  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "newsletter.md"
DOMAIN = "bench-newsletter.wego.test"
LANGUAGES = ["en", "ko", "zh-hans", "ru", "es", "fr", "ar", "tr"]


class SinkHandler:
    """Counts the copies each address receives and whether they carry one-click headers."""

    def __init__(self) -> None:
        self.recipients: Counter[str] = Counter()
        self.without_headers = 0
        self.lock = threading.Lock()
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        headers = self.parser.parsebytes(envelope.content)
        one_click = headers.get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click" and (
            "/newsletter/unsubscribe/" in headers.get("List-Unsubscribe", "")
        )
        with self.lock:
            for address in envelope.rcpt_tos:
                self.recipients[address.lower()] += 1
            if not one_click:
                self.without_headers += 1
        return "250 Message accepted for delivery"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    handler = SinkHandler()
    with smtp_sink(handler) as port:
        queue = f"wego-bench-newsletter-{uuid.uuid4().hex[:8]}"
        # The tasks the worker publishes (each batch's deliveries) stay on the private queue.
        env = setup_django(port, CELERY_TASK_DEFAULT_QUEUE=queue)
        return _send(args, env, queue, handler)


def _send(args, env, queue, handler) -> int:
    """Subscribers, an issue, a real worker; send, send again, and report."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from accounts.models import User
    from newsletter import services
    from newsletter.enums import IssueState, SubscriberState
    from newsletter.models import Issue, Subscriber, Topic
    from notifications.enums import NotificationState
    from notifications.models import Notification
    from wego_portal.celery import app

    languages = [code for code in LANGUAGES if code in dict(settings.LANGUAGES)] or ["en"]

    app.conf.task_default_queue = queue
    run = uuid.uuid4().hex[:8]

    # The subscribers are created once and reused (confirmed, on the "news" topic).
    topic, _created = Topic.objects.get_or_create(slug="news", defaults={"name": "News"})
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"reader{i}@{DOMAIN}",
                language=languages[i % len(languages)],
                state=SubscriberState.CONFIRMED,
            )
            for i in range(args.count)
        ),
        ignore_conflicts=True,
        batch_size=2000,
    )
    subscribers = Subscriber.objects.filter(email__endswith=f"@{DOMAIN}")
    subscribers.update(state=SubscriberState.CONFIRMED, bounce_count=0)
    # Other subscribers of this database (earlier tries, other benches) are not this issue's.
    Subscriber.objects.exclude(email__endswith=f"@{DOMAIN}").filter(
        state=SubscriberState.CONFIRMED
    ).update(state=SubscriberState.UNSUBSCRIBED)
    through = Subscriber.topics.through
    have_topic = set(through.objects.filter(topic=topic).values_list("subscriber_id", flat=True))
    through.objects.bulk_create(
        (
            through(subscriber_id=pk, topic_id=topic.pk)
            for pk in subscribers.values_list("pk", flat=True)
            if pk not in have_topic
        ),
        batch_size=2000,
    )
    keep = list(subscribers.order_by("pk").values_list("pk", "email")[: args.count])
    # Subscribers of a bigger earlier run beyond ``count`` sit this one out.
    subscribers.exclude(pk__in=[pk for pk, _email in keep]).update(
        state=SubscriberState.UNSUBSCRIBED
    )
    expected = {email for _pk, email in keep}

    officer, _created = User.objects.get_or_create(
        email="officer@bench-newsletter.wego.test",
        defaults={"full_name": "Bench Officer", "is_staff": True, "is_superuser": True},
    )
    issue = Issue.objects.create(
        subject=f"WeGO newsletter (bench {run})",
        intro="The network's news of the month.\n\nThank you for reading.",
    )
    issue.topics.set([topic])
    rows = Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(Issue), object_id=issue.pk
    )

    name = f"bench-newsletter-{run}@{socket.gethostname()}"
    with celery_worker(app, queue=queue, name=name, env=env, concurrency=args.concurrency):
        started = time.perf_counter()
        services.issue_send(issue=issue, by=officer)
        deadline = time.monotonic() + args.timeout
        queued = None
        while True:
            if queued is None and Issue.objects.filter(pk=issue.pk, state=IssueState.SENT).exists():
                queued = time.perf_counter()
            if queued is not None and rows.filter(state=NotificationState.SENT).count() >= len(
                expected
            ):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the send did not finish in time")
            time.sleep(0.5)
        delivered = time.perf_counter()

        # A redelivered send task: it must find every row made and create none.
        Issue.objects.filter(pk=issue.pk).update(state=IssueState.SENDING)
        before = rows.count()
        issue.refresh_from_db()
        services.issue_enqueue_all(issue=issue)
        created_again = rows.count() - before
        time.sleep(2)  # anything wrongly queued would reach the sink now

    received = handler.recipients
    copies = Counter(received.values())
    states = dict(rows.values_list("state").annotate(n=Count("id")).order_by("state"))
    total = len(expected)
    enqueue_s = queued - started
    total_s = delivered - started
    ok = (
        set(received) == expected
        and set(copies) == {1}
        and created_again == 0
        and handler.without_headers == 0
    )
    by_language = dict(
        subscribers.filter(email__in=expected)
        .values_list("language")
        .annotate(n=Count("id"))
        .order_by("language")
    )
    table = "\n".join(
        [
            "| measure | value |",
            "|---|---|",
            f"| confirmed subscribers | {total:,} ({', '.join(f'{k}: {v:,}' for k, v in by_language.items())}) |",
            f"| worker | 1 Celery worker, concurrency {args.concurrency} (prefork), Redis broker |",
            f"| outbox rows made by `send_issue_task` (batches of {services.ENQUEUE_BATCH_SIZE}) | "
            f'{enqueue_s:.2f} s after "Send now" |',
            f"| send → every row `sent` | {total_s:.2f} s |",
            f"| **throughput (end to end)** | **{total / total_s:,.0f} messages/s** |",
            f"| messages received by the SMTP sink | {sum(received.values()):,} |",
            f"| addresses that received exactly one copy | {copies.get(1, 0):,} of {total:,} |",
            f"| addresses that received more than one | {sum(v for k, v in copies.items() if k > 1):,} |",
            f"| messages without List-Unsubscribe / -Post headers | {handler.without_headers:,} |",
            f"| rows created by running the send again | {created_again:,} |",
            f"| rows by state | {', '.join(f'{k}: {v:,}' for k, v in states.items())} |",
            f"| result | {'OK: exactly once each' if ok else 'MISMATCH'} |",
        ]
    )
    write_report(
        RESULTS,
        title="Newsletter benchmark",
        command=f".venv/bin/python bench/newsletter.py --count {args.count}",
        table=table,
        machine=" shared with other work, SMTP sink: aiosmtpd on 127.0.0.1 (in the bench's own process), settings `wego_portal.settings` (DEBUG off)",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
