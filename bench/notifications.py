"""Benchmark: 10,000 notifications through the outbox, Redis, one Celery worker and SMTP.

    .venv/bin/python bench/notifications.py [--count 10000] [--batch-size 200]

Sets Django up itself against PostgreSQL (``DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/wego_bench, created and migrated if needed) and Redis
(``REDIS_URL``, default redis://127.0.0.1:6379/0). Starts a local SMTP sink (aiosmtpd) on a
free 127.0.0.1 port, points the SMTP mailer at it, starts one worker
(``celery -A wego_portal worker -c 1``) on a private queue, creates the notifications with
``notification_create_bulk`` (one delivery task per batch, one SMTP connection per task), waits
until every row is "sent", then checks that exactly ``count`` messages arrived with no
duplicate ``X-WeGO-Notification`` key. Prints a markdown table and writes it to
bench/results/notifications.md.
"""

import argparse
import socket
import sys
import threading
import time
import uuid
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where this file would shadow the notifications app.
sys.path[0] = str(ROOT)

from bench.delivery import celery_worker, setup_django, smtp_sink, write_report  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "notifications.md"
HEADER = "X-WeGO-Notification"


class SinkHandler:
    """Counts the messages the SMTP sink receives and remembers their notification keys."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.lock = threading.Lock()
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        key = self.parser.parsebytes(envelope.content).get(HEADER, "")
        with self.lock:
            self.keys.append(key)
        return "250 Message accepted for delivery"


def _deliver(args, env):
    """Create the notifications and wait until a real worker has sent them all."""
    from accounts.models import User
    from notifications.enums import NotificationState
    from notifications.models import Notification
    from notifications.services import notification_create_bulk
    from wego_portal.celery import app

    # A private queue, so that no other worker on this Redis server takes the bench's tasks.
    queue = f"wego-bench-notifications-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    run = uuid.uuid4().hex[:8]

    # The bench's recipients are created once and reused; earlier runs' notifications go.
    Notification.objects.filter(idempotency_key__startswith="bench-").delete()
    User.objects.bulk_create(
        (
            User(email=f"person{i}@bench.wego.test", full_name=f"Bench Person {i}", password="!")  # noqa: S106 (unusable)
            for i in range(args.count)
        ),
        ignore_conflicts=True,
    )
    users = list(
        User.objects.filter(email__endswith="@bench.wego.test").order_by("pk")[: args.count]
    )

    name = f"bench-{run}@{socket.gethostname()}"
    with celery_worker(app, queue=queue, name=name, env=env):
        started = time.perf_counter()
        ids = notification_create_bulk(
            kind="general.message",
            recipients=users,
            context={
                "title": "Reminder: WeGO webinar on smart mobility",
                "body": "The webinar starts tomorrow at 10:00 (Seoul time).\nSee you there!",
                "sender": "The WeGO Secretariat",
            },
            idempotency_key=f"bench-{run}-webinar-reminder",
            url="/events/1/",
            batch_size=args.batch_size,
        )
        queued = time.perf_counter()
        # A cheap poll (a primary-key range, twice a second) that does not slow the worker.
        rows = Notification.objects.filter(
            pk__gte=min(ids), pk__lte=max(ids), idempotency_key__startswith=f"bench-{run}-"
        )
        deadline = time.monotonic() + args.timeout
        while rows.filter(state=NotificationState.SENT).count() < len(ids):
            if time.monotonic() > deadline:
                raise RuntimeError("delivery did not finish in time")
            time.sleep(0.5)
        delivered = time.perf_counter()
    return ids, rows, (started, queued, delivered)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    handler = SinkHandler()
    with smtp_sink(handler) as port:
        env = setup_django(port)
        ids, rows, timings = _deliver(args, env)

    from django.db.models import Count

    keys = handler.keys
    expected = set(rows.values_list("idempotency_key", flat=True))
    states = dict(rows.values_list("state").annotate(n=Count("id")).order_by("state"))
    attempts = sum(rows.values_list("attempts", flat=True))
    started, queued, delivered = timings
    create_s = queued - started
    deliver_s = delivered - queued
    total_s = delivered - started

    ok = len(keys) == args.count and len(set(keys)) == args.count and set(keys) == expected
    table = "\n".join(
        [
            "| measure | value |",
            "|---|---|",
            f"| notifications | {len(ids):,} (bulk path, batches of {args.batch_size}) |",
            "| worker | 1 Celery worker, concurrency 1 (prefork), Redis broker |",
            f"| create + render + queue (`notification_create_bulk`) | {create_s:.2f} s |",
            f"| delivery (queued → all rows `sent`) | {deliver_s:.2f} s |",
            f"| **throughput (delivery)** | **{len(ids) / deliver_s:,.0f} messages/s** |",
            f"| end to end | {total_s:.2f} s ({len(ids) / total_s:,.0f} messages/s) |",
            f"| messages received by the SMTP sink | {len(keys):,} |",
            f"| distinct `{HEADER}` keys | {len(set(keys)):,} (duplicates: "
            f"{len(keys) - len(set(keys))}) |",
            f"| rows by state | {', '.join(f'{k}: {v:,}' for k, v in states.items())} |",
            f"| delivery attempts | {attempts:,} |",
            f"| result | {'OK: exactly once' if ok else 'MISMATCH'} |",
        ]
    )
    write_report(
        RESULTS,
        title="Notifications benchmark",
        command=f".venv/bin/python bench/notifications.py --count {args.count}",
        table=table,
        machine=", SMTP sink: aiosmtpd on 127.0.0.1",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
