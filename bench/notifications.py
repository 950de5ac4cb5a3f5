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
import logging
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import uuid
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where this file would shadow the notifications app.
sys.path[0] = str(ROOT)

RESULTS = ROOT / "bench" / "results" / "notifications.md"
HEADER = "X-WeGO-Notification"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def ensure_database(database_url: str) -> None:
    import environ
    import psycopg

    config = environ.Env.db_url_config(database_url)
    params = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP command at INFO: keep the sink quiet (and fast).
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    port = free_port()
    handler = SinkHandler()
    sink = Controller(handler, hostname="127.0.0.1", port=port)
    sink.start()

    env = {
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
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from accounts.models import User
    from notifications.enums import NotificationState
    from notifications.models import Notification
    from notifications.services import notification_create_bulk
    from wego_portal.celery import app

    call_command("migrate", verbosity=0)
    assert settings.MAILERS["default"]["OPTIONS"]["port"] == port

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

    worker_name = f"bench-{run}@{socket.gethostname()}"
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "wego_portal",
            "worker",
            "-c",
            "1",
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
    finally:
        worker.terminate()
        worker.wait(30)
        with app.connection_for_write() as conn:  # the private queue and kombu's routing keys
            conn.default_channel.client.delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )
        sink.stop()

    keys = handler.keys
    expected = set(rows.values_list("idempotency_key", flat=True))
    states = dict(rows.values_list("state").annotate(n=Count("id")).order_by("state"))
    attempts = sum(rows.values_list("attempts", flat=True))
    create_s = queued - started
    deliver_s = delivered - queued
    total_s = delivered - started
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]

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
    environment = (
        f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL "
        f"{pg_version}, {os.cpu_count()} CPUs, SMTP sink: aiosmtpd on 127.0.0.1."
    )
    report = (
        "# Notifications benchmark\n\n"
        f"`.venv/bin/python bench/notifications.py --count {args.count}`, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}.\n\n{table}\n\n{environment}\n"
    )
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
