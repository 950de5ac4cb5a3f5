"""The portal as a small cluster on this machine, for `make cluster-test` and `make loadtest`.

``Cluster`` starts a local S3 server (moto), two gunicorn nodes on their own ports behind
HAProxy, two Celery workers and one beat, with production settings, on one PostgreSQL
database and two dedicated Redis databases (broker and cache). The caller brings the database
(made for the run, or one kept between runs) and the SMTP sink (``Sink`` with aiosmtpd's
``Controller`` on ``cluster.ports["smtp"]``). Usage::

    cluster = Cluster(workdir, database="wego_cluster_x")
    cluster.start_storage()            # the S3 server
    ...                                # migrate, load data (cluster.manage(...))
    cluster.start_nodes()              # gunicorn x2, HAProxy, workers x2, beat; waits for them
    ...                                # talk to cluster.url("lb")
    cluster.stop_all()
"""

import email
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
ADMIN_URL = os.environ.get(
    "CLUSTER_DATABASE_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
STARTED = time.monotonic()
PROCESSES = ("node_a", "node_b", "worker1", "worker2", "beat", "haproxy", "s3")


def say(text: str, prefix: str = "cluster") -> None:
    print(f"[{prefix} {time.monotonic() - STARTED:6.1f}s] {text}", flush=True)


class CheckFailed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(name: str) -> str:
    admin = urllib.parse.urlsplit(ADMIN_URL)
    return urllib.parse.urlunsplit(admin._replace(path=f"/{name}"))


class Cluster:
    def __init__(
        self,
        workdir: Path,
        *,
        database: str,
        broker_url: str,
        cache_url: str,
        env: dict[str, str] | None = None,
        web_workers: int = 2,
        health_check: str = "check inter 2s",
        health_check_timeout: str = "",
    ) -> None:
        self.workdir = workdir
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports = {name: free_port() for name in ("a", "b", "lb", "s3", "smtp")}
        self.database = database
        self.database_url = database_url(database)
        self.broker_url, self.cache_url = broker_url, cache_url
        self.web_workers = web_workers
        # HAProxy's health check of each node: its server options, and "timeout check".
        self.health_check, self.health_check_timeout = health_check, health_check_timeout
        self.metrics_token = secrets.token_urlsafe(32)
        suffix = uuid.uuid4().hex[:8]
        self.buckets = (f"cluster-media-{suffix}", f"cluster-private-{suffix}")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wego_portal.settings",
            "DJANGO_ENV": "production",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_MANIFEST": "false",
            "DJANGO_LOG_FORMAT": "json",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": broker_url,
            "CACHE_URL": cache_url,
            "TRUSTED_PROXY_COUNT": "1",
            "SITE_URL": f"http://127.0.0.1:{self.ports['lb']}",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.ports["smtp"]),
            "AWS_STORAGE_BUCKET_NAME": self.buckets[0],
            "AWS_PRIVATE_STORAGE_BUCKET_NAME": self.buckets[1],
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.ports['s3']}",
            "AWS_ACCESS_KEY_ID": "cluster",
            "AWS_SECRET_ACCESS_KEY": "cluster-secret",
            "METRICS_TOKEN": self.metrics_token,
        }
        for variable in ("TEST_REDIS_CACHE_DB", "PROMETHEUS_MULTIPROC_DIR", "SENTRY_DSN"):
            self.env.pop(variable, None)
        self.env.update(env or {})

    def url(self, node: str) -> str:
        return f"http://127.0.0.1:{self.ports[node]}"

    def manage(self, *args: str, env: dict | None = None) -> str:
        result = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise CheckFailed(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def start(self, name: str, command: list[str], env: dict | None = None) -> None:
        log = (self.workdir / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.workdir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def print_log_tails(self, lines: int = 15) -> None:
        for name in PROCESSES:
            if tail := self.log_tail(name, lines):
                print(f"--- {name} (last lines)\n{tail}", flush=True)

    def wait_http(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise CheckFailed(f"{url} did not answer within {timeout:.0f} s")

    # --- The processes ------------------------------------------------------------------------

    def start_storage(self, *, wait: bool = True) -> None:
        """The S3 server (the buckets: ``manage.py storage_buckets``); ``wait``: until it
        answers (else call ``wait_storage()`` later)."""
        self.start(
            "s3", [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.ports["s3"])]
        )
        if wait:
            self.wait_storage()

    def wait_storage(self) -> None:
        self.wait_http(f"{self.url('s3')}/moto-api/")

    def start_nodes(self) -> None:
        """Two gunicorn nodes behind HAProxy, two Celery workers and beat; returns once the
        nodes and the balancer answer the readiness check."""
        for node in ("a", "b"):
            self.start(
                f"node_{node}",
                [str(BIN / "gunicorn"), "wego_portal.wsgi:application", "-c", "gunicorn.conf.py"],
                env={
                    "GUNICORN_BIND": f"127.0.0.1:{self.ports[node]}",
                    "GUNICORN_WORKERS": str(self.web_workers),
                    "PROMETHEUS_MULTIPROC_DIR": str(self.workdir / f"prometheus-{node}"),
                },
            )
        haproxy_cfg = self.workdir / "haproxy.cfg"
        haproxy_cfg.write_text(
            "global\n  maxconn 256\n"
            "defaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n"
            "  timeout server 60s\n  option forwardfor\n"
            f"frontend portal\n  bind 127.0.0.1:{self.ports['lb']}\n  default_backend nodes\n"
            "backend nodes\n  balance roundrobin\n  option httpchk GET /healthz/ready\n"
            + (
                f"  timeout check {self.health_check_timeout}\n"
                if self.health_check_timeout
                else ""
            )
            + "  http-response set-header X-Served-By %[srv_name]\n"
            f"  server node_a 127.0.0.1:{self.ports['a']} {self.health_check}\n"
            f"  server node_b 127.0.0.1:{self.ports['b']} {self.health_check}\n"
        )
        self.start("haproxy", ["haproxy", "-db", "-f", str(haproxy_cfg)])
        celery = [str(BIN / "celery"), "-A", "wego_portal"]
        for n in (1, 2):
            self.start(
                f"worker{n}",
                [
                    *celery,
                    "worker",
                    "-Q",
                    "celery,outbox-sweep",
                    "-c",
                    "2",
                    "-n",
                    f"worker{n}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "warning",
                ],
            )
        self.start(
            "beat", [*celery, "beat", "-s", str(self.workdir / "beat-schedule"), "-l", "warning"]
        )
        for node in ("a", "b"):
            self.wait_http(f"{self.url(node)}/healthz/ready")
        self.wait_http(f"{self.url('lb')}/healthz/ready")

    # --- Database and Redis -----------------------------------------------------------------

    def create_database(self, template: str | None = None) -> None:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(self.database), sql.Identifier(template)
            )
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(statement)

    def drop_database(self) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.database)
                )
            )

    def query(self, statement: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(statement, params).fetchall()

    def empty_redis(self) -> None:
        """Empties the cluster's own two Redis databases (never any other)."""
        for url in (self.broker_url, self.cache_url):
            redis.Redis.from_url(url).flushdb()


# --- The SMTP sink -------------------------------------------------------------------------------


class Sink:
    """Records every message received: (Message-ID, recipients)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, tuple[str, ...]]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.messages.append((message.get("Message-ID", ""), tuple(envelope.rcpt_tos)))
        return "250 OK"
