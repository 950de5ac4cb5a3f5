"""What the delivery benchmarks share (bench/notifications.py, bench/newsletter.py): a local
SMTP sink, the environment that points Django's SMTP mailer at it, the database, and a real
Celery worker on a private queue that is removed afterwards.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(database_url: str) -> None:
    """Create the database of ``database_url`` if it does not exist (migrations come later)."""
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


@contextlib.contextmanager
def smtp_sink(handler) -> Iterator[int]:
    """An aiosmtpd server on a free 127.0.0.1 port, handing each message to ``handler``
    (``async handle_DATA``); yields the port."""
    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP command at INFO: keep the sink quiet (and fast).
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    port = free_port()
    sink = Controller(handler, hostname="127.0.0.1", port=port)
    sink.start()
    try:
        yield port
    finally:
        sink.stop()


def setup_django(port: int, **extra: str) -> dict[str, str]:
    """Point Django (this process and the worker's) at the sink, PostgreSQL (``DATABASE_URL``,
    default wego_bench, created and migrated) and Redis (``REDIS_URL``); returns the
    environment for the worker."""
    env = {
        **extra,
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

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the cache of settings without Redis's
    assert settings.MAILERS["default"]["OPTIONS"]["port"] == port
    return env


@contextlib.contextmanager
def celery_worker(app, *, queue: str, name: str, env: dict, concurrency: int = 1):
    """A real worker (``celery -A wego_portal worker``) consuming only ``queue``, answering a
    ping before this yields; stopped, and its queue deleted, afterwards."""
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "wego_portal",
            "worker",
            "-c",
            str(concurrency),
            "-Q",
            queue,
            "-n",
            name,
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
        while not app.control.inspect(destination=[name], timeout=1).ping():
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the Celery worker did not start")
        yield worker
    finally:
        worker.terminate()
        worker.wait(30)
        with app.connection_for_write() as conn:  # the private queue and kombu's routing keys
            conn.default_channel.client.delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def write_report(path: Path, *, title: str, command: str, table: str, machine: str) -> None:
    """Print the benchmark's markdown report and write it to ``path``."""
    import platform

    import django

    environment = (
        f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL "
        f"{server_version()}, {os.cpu_count()} CPUs{machine}."
    )
    report = (
        f"# {title}\n\n`{command}`, {time.strftime('%Y-%m-%d %H:%M %Z')}.\n\n"
        f"{table}\n\n{environment}\n"
    )
    print(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report)
