"""`make bench`: build a large synthetic network on PostgreSQL and measure the portal's pages.

For each page: the number of SQL queries and the median / p95 server time (Django's full
request cycle in-process, 30 timed requests after 3 warm-ups), at 1,000 and at 100,000
organizations. Writes bench/results.md. Options: --sizes 1000,100000  --repeat 30.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wego_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wego_portal.settings.test")
# Measure the views, not the API's rate limits.
for _scope in ("ANON", "USER", "WRITE"):
    os.environ.setdefault(f"API_THROTTLE_{_scope}", "1000000/min")

RESULTS = ROOT / "bench" / "results.md"


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def timed(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = client.get(url)
        if response.status_code != 200:
            return {"queries": None, "median": None, "p95": None, "status": response.status_code}
    connection.queries_log.clear()  # a full log (it keeps 9,000) would count nothing
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "queries": len(queries),
        "median": statistics.median(samples),
        "p95": samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)],
    }


def deep_cursor(total: int) -> str:
    """A cursor half-way through the organization list, as a client following `next` gets."""
    import base64
    from urllib.parse import urlencode

    from members.selectors import directory_queryset

    position = directory_queryset().values_list("sort_name", flat=True)[total // 2]
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


def pages(total: int) -> list[tuple[str, str, bool]]:
    """(label, url, needs staff login)."""
    deep_page = max(1, (total // 24) // 2)
    return [
        # Visitors get the versioned page cache; signed-in users see every page rendered.
        ("Directory, page 1 (visitor, page cache)", "/members/", False),
        ("Directory, page 1 (rendered)", "/members/", True),
        ("Directory, search with a typo (rendered)", "/members/?q=seol", True),
        (
            "Directory, region and type filters (rendered)",
            "/members/?region=africa&type=local_government",
            True,
        ),
        (f"Directory, deep page ({deep_page}, rendered)", f"/members/?page={deep_page}", True),
        ("Member profile", "/members/seoul/", False),
        ("Admin organization list", "/admin/members/organization/", True),
        ("Admin organization list, search", "/admin/members/organization/?q=seoul", True),
        ("Events list, past (visitor, page cache)", "/events/?when=past", False),
        ("Events list, past (rendered)", "/events/?when=past", True),
        ("API organizations, first page", "/api/v1/organizations/", False),
        (
            "API organizations, filtered",
            "/api/v1/organizations/?region=africa&type=local_government",
            False,
        ),
        (
            "API organizations, deep cursor",
            f"/api/v1/organizations/?cursor={deep_cursor(total)}",
            False,
        ),
        ("API events", "/api/v1/events/", False),
        ("Admin event list", "/admin/events/event/", True),
        ("Admin application list", "/admin/programs/application/", True),
    ]


def throughput(seconds: int = 10) -> dict:
    """Requests per second under wrk: /members/ against a trivial view, same gunicorn, same run."""
    import shutil
    import socket

    if not shutil.which("wrk"):
        print("  wrk not installed (apt-get install wrk): throughput skipped")
        return {}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wego_portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_bench/trivial", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        rates = {}
        for label, path in [("trivial view", "/_bench/trivial"), ("/members/", "/members/")]:
            out = subprocess.run(
                ["wrk", "-t2", "-c8", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            line = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
            rates[label] = float(line.split()[1])
            print(f"  {label:<15} {rates[label]:8.1f} requests/s")
        return rates
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--skip-notifications", action="store_true")
    parser.add_argument("--skip-newsletter", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"Benchmark database: {os.environ['DATABASE_URL']}")
    recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_wego_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from accounts.models import User

    officer = User.objects.create_superuser(email="bench@wego.test", password="bench-password-1")  # noqa: S106
    anonymous, staff = Client(), Client()
    staff.force_login(officer)

    results: dict[str, dict[int, dict]] = {}
    for size in sizes:
        print(f"\n== {size:,} organizations")
        call_command(
            "generate_network", organizations=size, events=size // 5, applications=size // 2
        )
        from django.db import connection

        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load in production: fresh statistics and a
            # visibility map, so id-only page lookups can use index-only scans.
            cursor.execute("VACUUM ANALYZE")
        for label, url, needs_staff in pages(size):
            results.setdefault(re.sub(r" \(\d+, ", " (", label), {})[size] = measured = timed(
                staff if needs_staff else anonymous, url, args.repeat
            )
            if measured["queries"] is None:
                print(f"  {label:<45} skipped: HTTP {measured['status']}")
                continue
            print(
                f"  {label:<45} {measured['queries']:>3} queries  "
                f"median {measured['median']:6.1f} ms  p95 {measured['p95']:6.1f} ms"
            )

    lines = [
        "# Benchmark results",
        "",
        f"PostgreSQL, in-process Django request cycle, {args.repeat} timed requests per page "
        "after 3 warm-ups; generated by `make bench`.",
        "",
        "| page | "
        + " | ".join(f"queries @{s:,}" for s in sizes)
        + " | "
        + " | ".join(f"median / p95 ms @{s:,}" for s in sizes)
        + " | p95 ratio |",
        "|---|" + "---|" * (2 * len(sizes) + 1),
    ]
    for label, by_size in results.items():
        if any(by_size[s]["queries"] is None for s in sizes):
            continue
        queries = " | ".join(str(by_size[s]["queries"]) for s in sizes)
        times = " | ".join(f"{by_size[s]['median']:.1f} / {by_size[s]['p95']:.1f}" for s in sizes)
        ratio = by_size[sizes[-1]]["p95"] / max(by_size[sizes[0]]["p95"], 0.01)
        lines.append(f"| {label} | {queries} | {times} | {ratio:.2f} |")
    print("\n== Throughput under wrk (gunicorn, 2 workers, 8 connections)")
    rates = throughput()
    if rates:
        ratio = rates["/members/"] / rates["trivial view"]
        lines += [
            "",
            f"Throughput at {sizes[-1]:,} organizations, gunicorn with 2 workers, wrk with "
            "2 threads and 8 connections for 10 s, on the same machine:",
            "",
            "| view | requests/s |",
            "|---|---|",
            f"| trivial view | {rates['trivial view']:.0f} |",
            f"| `/members/` | {rates['/members/']:.0f} ({ratio:.0%} of the trivial view) |",
        ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")

    notifications = ROOT / "bench" / "notifications.py"
    if notifications.exists() and not args.skip_notifications:
        print("\n== Notification delivery")
        subprocess.run([sys.executable, str(notifications)], check=True, cwd=ROOT)

    newsletter = ROOT / "bench" / "newsletter.py"
    if newsletter.exists() and not args.skip_newsletter:
        print("\n== Newsletter: one issue to 10,000 confirmed subscribers")
        subprocess.run([sys.executable, str(newsletter)], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
