"""`make cluster-test`: the portal as a small cluster on this machine, and what must hold there.

Started here: a local S3 server (moto), an SMTP sink (aiosmtpd), two gunicorn nodes on their
own ports behind HAProxy, two Celery workers and one beat, on one PostgreSQL database made for
the run and two dedicated Redis databases (broker and cache). Then:

1. a member signs in through node A and keeps the session on node B (and through HAProxy,
   which alternates the nodes);
2. a logo uploaded through node A is shown by node B and served from the public bucket;
3. failed sign-ins are counted across both nodes (the limit trips on the other node);
4. /metrics refuses an anonymous scrape and answers the token;
5. 2,000 notifications queued while both workers run are each delivered exactly once to the
   SMTP sink, although one worker is killed (SIGKILL) in the middle of the run.

Exits non-zero on the first failed check; every check prints one line. Environment:
CLUSTER_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
CLUSTER_BROKER_URL and CLUSTER_CACHE_URL (dedicated Redis databases, emptied at start and end;
default redis://127.0.0.1:6379/3 and /4), CLUSTER_NOTIFICATIONS (default 2000).
"""

import email
import http.cookies
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import redis
from aiosmtpd.controller import Controller
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
ADMIN_URL = os.environ.get(
    "CLUSTER_DATABASE_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
BROKER_URL = os.environ.get("CLUSTER_BROKER_URL", "redis://127.0.0.1:6379/3")
CACHE_URL = os.environ.get("CLUSTER_CACHE_URL", "redis://127.0.0.1:6379/4")
NOTIFICATIONS = int(os.environ.get("CLUSTER_NOTIFICATIONS", "2000"))
MEMBER = ("seoul@demo.wego.local", "wego-demo-2026")
OTHER_MEMBER = "makati@demo.wego.local"
METRICS_TOKEN = secrets.token_urlsafe(32)
STARTED = time.monotonic()


def say(text: str) -> None:
    print(f"[cluster {time.monotonic() - STARTED:6.1f}s] {text}", flush=True)


class CheckFailed(Exception):
    pass


def check(condition: bool, text: str) -> None:
    if not condition:
        raise CheckFailed(text)
    say(f"ok: {text}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- HTTP: a tiny client that keeps cookies (also "Secure" ones: the cluster speaks plain HTTP)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
        try:
            with _opener.open(request, timeout=30) as raw:
                response = Response(raw.status, raw.headers, raw.read())
        except urllib.error.HTTPError as raw:
            response = Response(raw.code, raw.headers, raw.read())
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url: str, **kwargs) -> Response:
        return self.request(url, **kwargs)

    def post_form(self, url: str, fields: dict) -> Response:
        body = urllib.parse.urlencode(fields).encode()
        return self.request(
            url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_multipart(self, url: str, fields: dict, files: dict) -> Response:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content, content_type) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            url,
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )


def csrf_token(page: Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not match:
        raise CheckFailed(f"no CSRF token on the page (status {page.status})")
    return match.group(1)


def sign_in(browser: Browser, base: str, address: str, password: str) -> Response:
    page = browser.get(f"{base}/accounts/login/")
    return browser.post_form(
        f"{base}/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(page), "login": address, "password": password},
    )


# --- Processes -----------------------------------------------------------------------------------


class Cluster:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports = {name: free_port() for name in ("a", "b", "lb", "s3", "smtp")}
        self.database = f"wego_cluster_{uuid.uuid4().hex[:8]}"
        admin = urllib.parse.urlsplit(ADMIN_URL)
        self.database_url = urllib.parse.urlunsplit(admin._replace(path=f"/{self.database}"))
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
            "REDIS_URL": BROKER_URL,
            "CACHE_URL": CACHE_URL,
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
            "METRICS_TOKEN": METRICS_TOKEN,
            # Quick recovery of a dead worker's rows, so the run stays short.
            "NOTIFICATIONS_LEASE_SECONDS": "5",
            "NOTIFICATIONS_SWEEP_SECONDS": "2",
            "NOTIFICATIONS_REPUBLISH_AFTER_SECONDS": "5",
        }
        for variable in ("TEST_REDIS_CACHE_DB", "PROMETHEUS_MULTIPROC_DIR", "SENTRY_DSN"):
            self.env.pop(variable, None)

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

    # --- Database -------------------------------------------------------------------------

    def create_database(self) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))

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


def empty_redis() -> None:
    for url in (BROKER_URL, CACHE_URL):
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


# --- The checks ----------------------------------------------------------------------------------


def check_session_across_nodes(cluster: Cluster) -> None:
    browser = Browser()
    signed_in = sign_in(browser, cluster.url("a"), *MEMBER)
    check(signed_in.status == 302, f"member signs in through node A (302, got {signed_in.status})")
    on_b = browser.get(f"{cluster.url('b')}/portal/")
    check(
        on_b.status == 200 and "Sign out" in on_b.text,
        "node B serves the member home with node A's session",
    )
    served_by = set()
    for _ in range(6):
        page = browser.get(f"{cluster.url('lb')}/portal/")
        if page.status != 200:
            raise CheckFailed(f"member home through HAProxy answered {page.status}")
        served_by.add(page.headers.get("X-Served-By"))
    check(served_by == {"node_a", "node_b"}, f"HAProxy alternates the nodes: {sorted(served_by)}")


def check_logo_across_nodes(cluster: Cluster) -> None:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (320, 200), (12, 90, 160)).save(buffer, format="PNG")
    browser = Browser()
    sign_in(browser, cluster.url("a"), *MEMBER)
    form_url = f"{cluster.url('a')}/portal/organizations/seoul/logo/"
    form = browser.get(form_url)
    uploaded = browser.post_multipart(
        form_url,
        {"csrfmiddlewaretoken": csrf_token(form)},
        {"logo": ("cluster.png", buffer.getvalue(), "image/png")},
    )
    check(uploaded.status == 302, f"logo uploaded through node A (302, got {uploaded.status})")
    profile = Browser().get(f"{cluster.url('b')}/members/seoul/")
    match = re.search(r'<img src="([^"]+)" alt="Logo of', profile.text)
    check(match is not None, "node B's public profile shows the new logo")
    logo_url = match.group(1).replace("&amp;", "&")
    check(
        logo_url.startswith(f"{cluster.env['AWS_S3_ENDPOINT_URL']}/{cluster.buckets[0]}/"),
        f"the logo is served from the public bucket ({logo_url})",
    )
    with urllib.request.urlopen(logo_url, timeout=10) as response:  # noqa: S310
        body = response.read()
    with Image.open(BytesIO(body)) as logo:
        check(logo.size == (320, 200), "the bucket returns the uploaded logo to anyone")


def check_login_limits_across_nodes(cluster: Cluster) -> None:
    statuses = []
    for attempt in range(6):
        node = "a" if attempt % 2 == 0 else "b"
        response = sign_in(Browser(), cluster.url(node), OTHER_MEMBER, "not-the-password")
        statuses.append((node, response.status))
    check(
        all(status == 200 for _node, status in statuses[:5]),
        f"five failed sign-ins alternate between the nodes and are answered: {statuses[:5]}",
    )
    check(
        statuses[5][1] == 429,
        f"the sixth, on node {statuses[5][0]}, is refused (429): the limit counts across nodes",
    )


def check_metrics(cluster: Cluster) -> str:
    anonymous = Browser().get(f"{cluster.url('lb')}/metrics")
    check(anonymous.status == 401, "/metrics refuses an anonymous scrape through HAProxy")
    scraped = Browser().get(
        f"{cluster.url('a')}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    check(
        scraped.status == 200 and "wego_outbox_notifications" in scraped.text,
        "/metrics answers the token with the outbox gauges",
    )
    return scraped.text


def outbox_states(cluster: Cluster, key: str) -> dict[str, int]:
    rows = cluster.query(
        "SELECT state, count(*) FROM notifications_notification "
        "WHERE idempotency_key LIKE %s GROUP BY state",
        (f"{key}%",),
    )
    return dict(rows)


def check_notifications_exactly_once(cluster: Cluster, sink: Sink) -> None:
    key = f"cluster-{uuid.uuid4().hex[:8]}"
    before = len(sink.messages)
    script = (
        "from notifications.services import notification_create_bulk\n"
        f"ids = notification_create_bulk(kind='general.message', "
        f"recipients=[f'city{{n}}@cluster.test' for n in range({NOTIFICATIONS})], "
        "context={'title': 'Cluster', 'body': 'Delivered once.'}, "
        f"idempotency_key='{key}', batch_size=50)\n"
        "print(len(ids))\n"
    )
    queued_at = time.monotonic()
    out = cluster.manage("shell", "-c", script)
    last = out.strip().splitlines()[-1] if out.strip() else ""
    check(last == str(NOTIFICATIONS), f"{NOTIFICATIONS} notifications queued (got {last!r})")
    killed = False
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        states = outbox_states(cluster, key)
        sent = states.get("sent", 0)
        if not killed and sent >= NOTIFICATIONS // 5:
            held = cluster.query(
                "SELECT count(*) FROM notifications_notification "
                "WHERE idempotency_key LIKE %s AND state = 'sending' AND claimed_by LIKE %s",
                (f"{key}%", "worker1@%"),
            )[0][0]
            cluster.kill("worker1")
            killed = True
            say(
                f"killed worker 1 (SIGKILL) with {sent} sent and {held} rows in its hands; "
                "worker 2 and the sweeper carry on"
            )
        if sent == NOTIFICATIONS:
            break
        if states.get("failed"):
            raise CheckFailed(f"notifications failed: {states}")
        time.sleep(0.2)
    seconds = time.monotonic() - queued_at
    states = outbox_states(cluster, key)
    check(killed, "a worker was killed in the middle of the run")
    check(
        states == {"sent": NOTIFICATIONS},
        f"every notification is marked sent ({states}) in {seconds:.1f} s",
    )
    time.sleep(3)  # a late duplicate would arrive now
    received = sink.messages[before:]
    message_ids = [message_id for message_id, _ in received]
    recipients = [rcpt for _, rcpts in received for rcpt in rcpts]
    check(
        len(received) == NOTIFICATIONS,
        f"the SMTP sink received {len(received)} messages for {NOTIFICATIONS} notifications",
    )
    check(
        len(set(message_ids)) == NOTIFICATIONS and len(set(recipients)) == NOTIFICATIONS,
        "each notification was delivered exactly once (distinct Message-IDs and recipients)",
    )
    workers = cluster.query(
        "SELECT split_part(claimed_by, '/', 1), count(*) FROM notifications_notification "
        "WHERE idempotency_key LIKE %s GROUP BY 1 ORDER BY 1",
        (f"{key}%",),
    )
    say(f"deliveries by worker: {dict(workers)}")


def main() -> int:
    if not shutil.which("haproxy"):
        print("haproxy is not installed (apt-get install haproxy)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="wego-cluster-"))
    cluster = Cluster(workdir)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=cluster.ports["smtp"])
    say(f"work folder {workdir}; database {cluster.database}; ports {cluster.ports}")
    try:
        empty_redis()
        cluster.start(
            "s3",
            [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(cluster.ports["s3"])],
        )
        controller.start()
        cluster.create_database()
        cluster.manage("migrate", "--noinput", "-v", "0")
        cluster.wait_http(f"{cluster.url('s3')}/moto-api/")
        cluster.manage("storage_buckets")
        cluster.manage("load_wego_data")
        # The demo accounts are made for DEBUG only: create them with a laptop's settings.
        cluster.manage("demo_accounts", env={"DJANGO_ENV": "local", "DJANGO_DEBUG": "true"})
        say("database migrated, WeGO data and demo accounts loaded, buckets ready")
        for node in ("a", "b"):
            prometheus = workdir / f"prometheus-{node}"
            cluster.start(
                f"node_{node}",
                [str(BIN / "gunicorn"), "wego_portal.wsgi:application", "-c", "gunicorn.conf.py"],
                env={
                    "GUNICORN_BIND": f"127.0.0.1:{cluster.ports[node]}",
                    "GUNICORN_WORKERS": "2",
                    "PROMETHEUS_MULTIPROC_DIR": str(prometheus),
                },
            )
        haproxy_cfg = workdir / "haproxy.cfg"
        haproxy_cfg.write_text(
            "global\n  maxconn 256\n"
            "defaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n"
            "  timeout server 60s\n  option forwardfor\n"
            f"frontend portal\n  bind 127.0.0.1:{cluster.ports['lb']}\n  default_backend nodes\n"
            "backend nodes\n  balance roundrobin\n  option httpchk GET /healthz/ready\n"
            "  http-response set-header X-Served-By %[srv_name]\n"
            f"  server node_a 127.0.0.1:{cluster.ports['a']} check inter 2s\n"
            f"  server node_b 127.0.0.1:{cluster.ports['b']} check inter 2s\n"
        )
        cluster.start("haproxy", ["haproxy", "-db", "-f", str(haproxy_cfg)])
        celery = [str(BIN / "celery"), "-A", "wego_portal"]
        for n in (1, 2):
            cluster.start(
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
        cluster.start(
            "beat", [*celery, "beat", "-s", str(workdir / "beat-schedule"), "-l", "warning"]
        )
        for node in ("a", "b"):
            cluster.wait_http(f"{cluster.url(node)}/healthz/ready")
        cluster.wait_http(f"{cluster.url('lb')}/healthz/ready")
        say("two gunicorn nodes behind HAProxy, two workers and beat are up")

        check_session_across_nodes(cluster)
        check_logo_across_nodes(cluster)
        check_login_limits_across_nodes(cluster)
        check_metrics(cluster)
        check_notifications_exactly_once(cluster, sink)
        say("cluster test passed")
        return 0
    except CheckFailed as failure:
        say(f"FAILED: {failure}")
        for name in ("node_a", "node_b", "worker1", "worker2", "beat", "haproxy", "s3"):
            if tail := cluster.log_tail(name, 15):
                print(f"--- {name} (last lines)\n{tail}", flush=True)
        return 1
    finally:
        cluster.stop_all()
        controller.stop()
        try:
            cluster.drop_database()
            empty_redis()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
