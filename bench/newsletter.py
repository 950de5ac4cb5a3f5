"""Benchmark: one newsletter issue to 10,000 confirmed subscribers, through the outbox.

    .venv/bin/python bench/newsletter.py [--count 10000] [--concurrency 1]

Like ``bench/notifications.py`` (whose SMTP sink and database helpers it reuses): Django
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
import logging
import os
import platform
import socket
import subprocess
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

from bench.notifications import ensure_database, free_port  # noqa: E402

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

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    port = free_port()
    handler = SinkHandler()
    sink = Controller(handler, hostname="127.0.0.1", port=port)
    sink.start()

    queue = f"wego-bench-newsletter-{uuid.uuid4().hex[:8]}"
    env = {
        # The tasks the worker publishes (each batch's deliveries) stay on the private queue.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wego_bench"
        ),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_SETTINGS_MODULE": "wego_portal.settings",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    ensure_database(env["DATABASE_URL"])

    import django

    django.setup()

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from accounts.models import User
    from newsletter import services
    from newsletter.enums import IssueState, SubscriberState
    from newsletter.models import Issue, Subscriber, Topic
    from notifications.enums import NotificationState
    from notifications.models import Notification
    from wego_portal.celery import app

    call_command("migrate", verbosity=0)
    assert settings.MAILERS["default"]["OPTIONS"]["port"] == port
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

    worker_name = f"bench-newsletter-{run}@{socket.gethostname()}"
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "wego_portal",
            "worker",
            "-c",
            str(args.concurrency),
            "-Q",
            queue,
            "-n",
            worker_name,
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.inspect(destination=[worker_name], timeout=1).ping():
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the Celery worker did not start")

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
    finally:
        worker.terminate()
        worker.wait(30)
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )
        sink.stop()

    received = handler.recipients
    copies = Counter(received.values())
    states = dict(rows.values_list("state").annotate(n=Count("id")).order_by("state"))
    total = len(expected)
    enqueue_s = queued - started
    total_s = delivered - started
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
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
    environment = (
        f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL "
        f"{pg_version}, {os.cpu_count()} CPUs shared with other work, SMTP sink: aiosmtpd on "
        "127.0.0.1 (in the bench's own process), settings `wego_portal.settings` (DEBUG off)."
    )
    report = (
        "# Newsletter benchmark\n\n"
        f"`.venv/bin/python bench/newsletter.py --count {args.count}`, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}.\n\n{table}\n\n{environment}\n"
    )
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
