"""The fault-injection rig: a faulty SMTP server, a private Redis, real Celery processes.

Nothing here touches the shared services beyond the test database: the broker is a
redis-server started on a free port for the test (stopped and restarted at will), the SMTP
server is an aiosmtpd sink in this process whose faults are switched by the test, and the
Celery worker and beat are real processes (``celery -A wego_portal``) pointed at both, and at
the test database, so a worker can be killed with SIGKILL like a crashed container.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from django.db import connection

from wego_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
HEADER = "X-WeGO-Notification"

requires_rig = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres")
    or shutil.which("redis-server") is None,
    reason="the fault suite needs PostgreSQL (DATABASE_URL) and redis-server on PATH; CI has both",
)


#: One line per fault case, printed in pytest's summary (also without ``-s``).
REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("fault injection")
        for line in REPORT:
            terminalreporter.write_line(line)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it is true; fail after ``timeout`` seconds (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# --- The SMTP server and its faults -------------------------------------------------------------


class FaultySMTPHandler:
    """An aiosmtpd handler whose faults the test switches on and off.

    - ``greylist``: addresses answered ``452`` at RCPT until ``greylist_until`` (monotonic);
    - ``tempfail_seconds``: every RCPT answered ``451`` for that long from the first one;
    - ``reject``: addresses answered ``550`` (they never exist);
    - ``drop_every``: every Nth message is received and then the connection is dropped
      without a reply (the client cannot know the message arrived);
    - ``delay``: seconds spent on each message (so that a batch takes a while).

    ``received`` lists the notification key of every message the server kept, duplicates
    included; ``refusals`` counts the refusals per reply code.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.parser = BytesHeaderParser()
        self.received: list[str] = []
        self.refusals: Counter = Counter()
        self.greylist: set[str] = set()
        self.greylist_until = 0.0
        self.tempfail_seconds = 0.0
        self.tempfail_until: float | None = None
        self.reject: set[str] = set()
        self.drop_every = 0
        self.drops = 0
        self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        now = time.monotonic()
        with self.lock:
            if address in self.reject:
                self.refusals[550] += 1
                return "550 5.1.1 No such user"
            if self.tempfail_seconds and self.tempfail_until is None:
                self.tempfail_until = now + self.tempfail_seconds
            if self.tempfail_until is not None and now < self.tempfail_until:
                self.refusals[451] += 1
                return "451 4.3.0 Temporary failure, try again later"
            if address in self.greylist and now < self.greylist_until:
                self.refusals[452] += 1
                return "452 4.2.2 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        key = self.parser.parsebytes(envelope.content).get(HEADER, "")
        with self.lock:
            self.received.append(key)
            drop = bool(self.drop_every) and len(self.received) % self.drop_every == 0
            if drop:
                self.drops += 1
        if drop:
            server.transport.abort()  # the message is kept, the reply never comes
        return "250 Message accepted for delivery"

    def keys(self) -> Counter:
        with self.lock:
            return Counter(self.received)

    def duplicates(self) -> int:
        return sum(count - 1 for count in self.keys().values())


@pytest.fixture
def smtp_sink():
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.ERROR)
    handler = FaultySMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


# --- A private Redis -----------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of the test's own, on a free port, with append-only persistence (as in
    production, so queued tasks survive a restart). Only this process ever stops it."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=15, what="the private redis-server to answer")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis flushes its append-only file and exits
            self.process.wait(15)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@contextmanager
def broker(url: str):
    """Publish this process's tasks to ``url`` (the private Redis) instead of running them."""
    conf = celery_app.conf
    previous = (conf.broker_url, conf.task_always_eager)

    def reset_pools():
        # The pools are kombu's shared ones (keyed by broker URL): forget them, never close
        # them, or the next user of the same broker gets a closed pool.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.broker_url, conf.task_always_eager = url, False
    reset_pools()
    try:
        yield
    finally:
        reset_pools()
        conf.broker_url, conf.task_always_eager = previous


# --- Celery processes ----------------------------------------------------------------------------


class CeleryProcesses:
    """Real ``celery worker`` and ``celery beat`` processes on the test database."""

    def __init__(self, tmp_path: Path, env: dict) -> None:
        self.tmp_path = tmp_path
        self.env = env
        self.processes: list[subprocess.Popen] = []

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [str(CELERY), "-A", "wego_portal", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log = log
        self.processes.append(process)
        return process

    def worker(self) -> subprocess.Popen:
        name = f"faults-{uuid.uuid4().hex[:8]}"
        return self._spawn(
            [
                "worker",
                "--pool",
                "solo",  # one process: SIGKILL takes the whole worker down, as a crash would
                "--queues",
                f"celery,{self.env['NOTIFICATIONS_SWEEP_QUEUE']}",
                "--hostname",
                f"{name}@%h",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            name,
        )

    def beat(self) -> subprocess.Popen:
        return self._spawn(
            [
                "beat",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(self.tmp_path / f"beat-{uuid.uuid4().hex[:8]}"),
            ],
            "beat",
        )

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
            process.log.close()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.tmp_path.glob("*.log"))
        )


@pytest.fixture
def celery_processes(tmp_path, private_redis, smtp_sink):
    """Worker and beat environment: the test database, the private broker, the faulty SMTP.

    Production defaults for leases and the sweeper (30 s lease, a sweep every 10 s) unless a
    test overrides them in ``celery_processes.env`` before starting a process.
    """
    database = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "NOTIFICATIONS_", "CACHE_URL", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wego_portal.settings",
        DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        REDIS_URL=private_redis.url,
        CACHE_URL=private_redis.url.replace("/0", "/1"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_sink.port),
        EMAIL_TIMEOUT="10",
        DJANGO_LOG_LEVEL="WARNING",
        NOTIFICATIONS_SWEEP_QUEUE="outbox-sweep",
        NOTIFICATIONS_RETRY_BASE_SECONDS="1",
        NOTIFICATIONS_RETRY_MAX_SECONDS="4",
    )
    processes = CeleryProcesses(tmp_path, env)
    try:
        yield processes
    finally:
        processes.stop_all()
