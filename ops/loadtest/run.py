"""`make loadtest`: the load test, from an empty machine to the report in bench/results.md.

1. The database: LOADTEST_DATABASE (default ``wego_loadtest_<scale>``), reused when an earlier
   run finished preparing it (marked with a comment on the database); else made from nothing:
   migrate, the WeGO data, the demo accounts, ``generate_network`` up to LOADTEST_SCALE
   organizations (default 100,000) with a fifth as many events and half as many applications,
   and one account per simulated member and staff user (ops/loadtest/accounts.py).
2. The cluster of `make cluster-test` (ops/cluster.py) on it, with production settings. Only
   for this run, the login limit per client address is raised (RATE_LIMIT_LOGIN): every
   simulated user comes from this machine's one address, each signing in once.
3. Locust, headless: LOADTEST_USERS users (default 50) started over LOADTEST_RAMP seconds
   (default 10), for LOADTEST_DURATION (default 2m), scenario in ops/loadtest/locustfile.py.
4. The report between the load-test markers of bench/results.md (ops/loadtest/report.py).

Exits non-zero when any request failed (the report lists the errors) or the cluster could not
start. Redis: LOADTEST_BROKER_URL and LOADTEST_CACHE_URL (default redis://127.0.0.1:6379/5
and /6; dedicated databases, emptied at start and end). LOADTEST_TEMPLATE: a database holding
the WeGO data (and perhaps the network) to copy instead of starting empty (CREATE DATABASE ...
TEMPLATE; it must have no connections): the WeGO data is not loaded again, the network is
topped up to the scale.
"""

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller
from psycopg import sql

if __package__ in (None, ""):  # run as a script (make loadtest): the project's root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ops.cluster import ADMIN_URL, BIN, ROOT, CheckFailed, Cluster, Sink
from ops.cluster import say as cluster_say
from ops.loadtest import report

SCALE = int(os.environ.get("LOADTEST_SCALE", "100000"))
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
RAMP = float(os.environ.get("LOADTEST_RAMP", "10"))
DURATION = os.environ.get("LOADTEST_DURATION", "2m")
WEB_WORKERS = int(os.environ.get("LOADTEST_WEB_WORKERS", "2"))
BROKER_URL = os.environ.get("LOADTEST_BROKER_URL", "redis://127.0.0.1:6379/5")
CACHE_URL = os.environ.get("LOADTEST_CACHE_URL", "redis://127.0.0.1:6379/6")
TEMPLATE = os.environ.get("LOADTEST_TEMPLATE", "")
RESULTS = Path(os.environ.get("LOADTEST_RESULTS", ROOT / "bench" / "results.md"))
LOCUSTFILE = ROOT / "ops" / "loadtest" / "locustfile.py"
# Public pages every node renders once before the measured run (a node in service is warm).
WARM_UP = ["/", "/members/", "/events/", "/events/?when=past", "/news/", "/publications/"]


def say(text: str) -> None:
    cluster_say(text, prefix="loadtest")


def scale_label(scale: int) -> str:
    return f"{scale // 1000}k" if scale % 1000 == 0 and scale >= 1000 else str(scale)


DATABASE = os.environ.get("LOADTEST_DATABASE", f"wego_loadtest_{scale_label(SCALE)}")
READY = f"wego loadtest: {SCALE} organizations ready"


def database_state(name: str) -> str | None:
    """None when the database does not exist; else its comment ('' without one)."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') "
            "FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
    return None if row is None else row[0]


def mark_ready(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(READY))
        )


def prepare_database(cluster: Cluster) -> None:
    state = database_state(cluster.database)
    if state is not None and state != READY:
        say(f"database {cluster.database} was not finished: made again")
        cluster.drop_database()
    if state != READY:
        cluster.create_database(template=TEMPLATE or None)
        say(f"database {cluster.database} created" + (f" from {TEMPLATE}" if TEMPLATE else ""))
    else:
        say(f"reusing database {cluster.database} ({SCALE:,} organizations, prepared earlier)")
    cluster.manage("migrate", "--noinput", "-v", "0")
    cluster.wait_storage()
    cluster.manage("storage_buckets")
    if state != READY and not TEMPLATE:  # a template holds the WeGO data already
        cluster.manage("load_wego_data")
    if state != READY:
        # The demo accounts are made for DEBUG only: create them with a laptop's settings.
        cluster.manage("demo_accounts", env={"DJANGO_ENV": "local", "DJANGO_DEBUG": "true"})
        say(f"WeGO data and demo accounts loaded; generating {SCALE:,} organizations")
        started = time.monotonic()
        cluster.manage(
            "generate_network",
            "--organizations",
            str(SCALE),
            "--events",
            str(SCALE // 5),
            "--applications",
            str(SCALE // 2),
        )
        say(f"network generated in {time.monotonic() - started:.0f} s")
    out = cluster.manage(
        "shell",
        "-c",
        f"from ops.loadtest.accounts import accounts_ensure; print(accounts_ensure({USERS}))",
    )
    say(out.strip().splitlines()[-1])
    mark_ready(cluster.database)


def warm_up(cluster: Cluster) -> None:
    for node in ("a", "b"):
        for path in WARM_UP:
            with urllib.request.urlopen(f"{cluster.url(node)}{path}", timeout=120) as response:  # noqa: S310
                response.read()


def run_locust(cluster: Cluster, prefix: Path) -> int:
    rate = max(USERS / RAMP, 0.1) if RAMP > 0 else USERS
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(USERS),
        "-r",
        f"{rate:g}",
        "-t",
        DURATION,
        "--stop-timeout",
        "20",
        "--host",
        cluster.url("lb"),
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    say(f"locust: {USERS} users, {rate:g} a second, for {DURATION}")
    env = {
        **os.environ,
        "LOADTEST_ACCOUNTS": str(USERS),
        "LOADTEST_SCALE": str(SCALE),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


def organizations(cluster: Cluster) -> int:
    return cluster.query("SELECT count(*) FROM members_organization")[0][0]


def main() -> int:
    if not shutil.which("haproxy"):
        print("haproxy is not installed (apt-get install haproxy)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="wego-loadtest-"))
    cluster = Cluster(
        workdir,
        database=DATABASE,
        broker_url=BROKER_URL,
        cache_url=CACHE_URL,
        web_workers=WEB_WORKERS,
        env={"RATE_LIMIT_LOGIN": f"{max(100, 4 * USERS)}/m/ip"},
        # A node that answers slowly under load is busy, not dead: the balancer's check waits
        # for it (30 s) and takes it out after six failures in a row, not three.
        health_check="check inter 5s fall 6 rise 1",
        health_check_timeout="30s",
    )
    controller = Controller(Sink(), hostname="127.0.0.1", port=cluster.ports["smtp"])
    say(f"work folder {workdir}; database {DATABASE}; ports {cluster.ports}")
    started = time.monotonic()
    try:
        cluster.empty_redis()
        cluster.start_storage(wait=False)
        controller.start()
        prepare_database(cluster)
        count = organizations(cluster)
        say(f"database ready ({count:,} organizations) in {time.monotonic() - started:.0f} s")
        cluster.start_nodes()
        warm_up(cluster)
        say("two gunicorn nodes behind HAProxy, two workers and beat are up (and warm)")
        prefix = workdir / "locust"
        code = run_locust(cluster, prefix)
        results = report.read(prefix)
        rate = USERS / RAMP if RAMP > 0 else USERS
        section = report.render(
            results,
            settings={
                "Organizations": f"{count:,} (events and applications: `generate_network "
                f"--events {SCALE // 5} --applications {SCALE // 2}`)",
                "Users": f"{USERS} (visitors : members : staff = 16 : 3 : 1, think times 2-15 s)",
                "Spawn rate": f"{rate:g} users/s (all started in {RAMP:g} s)",
                "Duration": DURATION,
                "Web": f"2 nodes x {WEB_WORKERS} gunicorn workers",
            },
            when=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            machine=report.machine(),
        )
        report.write(RESULTS, section)
        say(f"report written to {RESULTS}")
        print(section, flush=True)
        if results.errors or code:
            say(f"FAILED: {results.errors} errors (locust exited {code})")
            return 1
        say(f"load test passed in {time.monotonic() - started:.0f} s: 0 errors")
        return 0
    except (CheckFailed, OSError, ValueError) as failure:
        say(f"FAILED: {failure}")
        cluster.print_log_tails()
        return 1
    finally:
        cluster.stop_all()
        controller.stop()
        try:
            cluster.empty_redis()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
