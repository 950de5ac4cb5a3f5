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

import http.cookies
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller

if __package__ in (None, ""):  # run as a script (make cluster-test): the project's root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ops.cluster import CheckFailed, Cluster, Sink, say

BROKER_URL = os.environ.get("CLUSTER_BROKER_URL", "redis://127.0.0.1:6379/3")
CACHE_URL = os.environ.get("CLUSTER_CACHE_URL", "redis://127.0.0.1:6379/4")
NOTIFICATIONS = int(os.environ.get("CLUSTER_NOTIFICATIONS", "2000"))
MEMBER = ("seoul@demo.wego.local", "wego-demo-2026")
OTHER_MEMBER = "makati@demo.wego.local"


def check(condition: bool, text: str) -> None:
    if not condition:
        raise CheckFailed(text)
    say(f"ok: {text}")


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
        f"{cluster.url('a')}/metrics", headers={"Authorization": f"Bearer {cluster.metrics_token}"}
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
    cluster = Cluster(
        workdir,
        database=f"wego_cluster_{uuid.uuid4().hex[:8]}",
        broker_url=BROKER_URL,
        cache_url=CACHE_URL,
        env={
            # Quick recovery of a dead worker's rows, so the run stays short.
            "NOTIFICATIONS_LEASE_SECONDS": "5",
            "NOTIFICATIONS_SWEEP_SECONDS": "2",
            "NOTIFICATIONS_REPUBLISH_AFTER_SECONDS": "5",
        },
    )
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=cluster.ports["smtp"])
    say(f"work folder {workdir}; database {cluster.database}; ports {cluster.ports}")
    try:
        cluster.empty_redis()
        cluster.start_storage(wait=False)
        controller.start()
        cluster.create_database()
        cluster.manage("migrate", "--noinput", "-v", "0")
        cluster.wait_storage()
        cluster.manage("storage_buckets")
        cluster.manage("load_wego_data")
        # The demo accounts are made for DEBUG only: create them with a laptop's settings.
        cluster.manage("demo_accounts", env={"DJANGO_ENV": "local", "DJANGO_DEBUG": "true"})
        say("database migrated, WeGO data and demo accounts loaded, buckets ready")
        cluster.start_nodes()
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
        cluster.print_log_tails()
        return 1
    finally:
        cluster.stop_all()
        controller.stop()
        try:
            cluster.drop_database()
            cluster.empty_redis()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
