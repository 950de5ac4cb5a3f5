"""`make bench`: the portal measured as production runs it.

For each size (1,000 and 100,000 organizations; BENCH_SCALE=1000000 adds a million): the
database of that size is built once and reused (bench/data.py), the portal is served by
gunicorn with the project's gunicorn.conf.py (2 sync workers) under production's settings
(bench/settings.py: DEBUG off, Redis cache and broker, persistent database connections,
throwaway secrets), and measured over HTTP on loopback:

- latency: every page 3 times to warm up, then --repeat times one after the other; the median
  and 95th percentile of the wall time per request, and the server's own time and SQL
  query count per request, read from the portal's JSON request log (matched by X-Request-ID).
  A page that is a list of addresses (the directory's uncached searches) sends each address
  once, so that no request finds its answer in the cache;
- a conditional GET of a public page (If-None-Match with the ETag it sent);
- throughput: wrk -t2 -c20 -d10s against each view, three interleaved rounds, medians,
  against a trivial view served by the same gunicorn through the whole middleware stack;
- the peak memory (VmHWM) of each gunicorn worker afterwards.

Requests carry X-Forwarded-Proto: https, as production's load balancer sends it (secure
cookies, HSTS and the HTTPS redirect stay on). Signed-in requests use a session cookie from
the real sign-in form. Results go to bench/results.md (between its bench markers) and
bench/results/bench.json; the notification and newsletter benchmarks (bench/notifications.py,
bench/newsletter.py) run last.

Options: --sizes 1000,100000  --repeat 30  --seconds 10  --rounds 3  --skip-throughput
--skip-notifications  --skip-newsletter  --no-write  --pages WORDS (measure only the pages
whose label contains one of these comma-separated words, e.g. --pages uncached; with
--no-write, for trying a change).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script, sys.path[0] is bench/, whose modules would shadow others.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import data, environment, results
from bench.server import Client, Server

ROOT = environment.ROOT
HEADERS_HTTPS = {"X-Forwarded-Proto": "https"}
WARM_UP = 3


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(wall: list[float], server: list[float], queries: list[int], status: int) -> dict:
    return {
        "status": status,
        "queries": max(queries) if queries else None,
        "queries_min": min(queries) if queries else None,
        "median": statistics.median(wall),
        "p95": percentile(wall, 0.95),
        "server_median": statistics.median(server) if server else None,
        "server_p95": percentile(server, 0.95) if server else None,
    }


def measure_page(client: Client, page: dict, cookie: str | None, repeat: int) -> dict:
    """``page["path"]`` WARM_UP times, then ``repeat`` times measured; a page with ``paths``
    sends each of them once instead (WARM_UP + repeat different addresses)."""
    paths = page.get("paths") or [page["path"]] * (WARM_UP + repeat)
    if len(paths) < WARM_UP + repeat:
        raise ValueError(f"{page['label']}: {len(paths)} addresses for {WARM_UP + repeat}")
    for path in paths[:WARM_UP]:
        response = client.get(path, cookie=cookie)
    if response.status != 200:
        return {"status": response.status, "queries": None}
    wall, ids, failed = [], [], []
    for path in paths[WARM_UP : WARM_UP + repeat]:
        response = client.get(path, cookie=cookie)
        wall.append(response.ms)
        ids.append(response.request_id)
        if response.status != 200:
            failed.append(response.status)
    if failed:
        return {"status": failed[0], "queries": None}
    server, queries = client.server_figures(ids)
    return summary(wall, server, queries, response.status)


def measure_conditional(client: Client, path: str, repeat: int) -> dict:
    first = client.get(path)
    etag = first.headers.get("etag")
    if not etag:
        return {"status": first.status, "queries": None, "etag": False}
    extra = {"If-None-Match": etag}
    for _ in range(3):
        client.get(path, headers=extra)
    wall, ids, status = [], [], 0
    for _ in range(repeat):
        response = client.get(path, headers=extra)
        wall.append(response.ms)
        ids.append(response.request_id)
        status = response.status
    server, queries = client.server_figures(ids)
    return {**summary(wall, server, queries, status), "etag": True}


def wrk(url: str, seconds: int, cookie: str | None) -> dict:
    # A slow page's requests wait in the workers' queue: count them, do not time them out.
    command = ["wrk", "-t2", "-c20", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-H", "X-Forwarded-Proto: https"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
    errors = [line.strip() for line in out.splitlines() if "Non-2xx" in line or "errors" in line]
    return {"rps": float(rate.split()[1]), "errors": errors}


def throughput(server: Server, cookie: str, seconds: int, rounds: int) -> dict:
    targets = [
        ("bare WSGI response (outside Django)", "/_bench/bare", None),
        ("trivial view (full middleware stack)", "/_bench/trivial", None),
        ("`/members/` visitor, page cache hit", "/members/", None),
        ("`/members/` signed in, rendered", "/members/", cookie),
        ("`/members/?q=seol` signed in", "/members/?q=seol", cookie),
        ("`/api/v1/organizations/` anonymous", "/api/v1/organizations/", None),
    ]
    runs: dict[str, list[dict]] = {label: [] for label, _path, _cookie in targets}
    for round_number in range(1, rounds + 1):
        for label, path, with_cookie in targets:
            measured = wrk(server.url(path), seconds, with_cookie)
            server.drain()
            runs[label].append(measured)
            print(f"    round {round_number}: {label:<40} {measured['rps']:8.0f} rps")
    return {
        label: {
            "rps": statistics.median(run["rps"] for run in measured),
            "rounds": [run["rps"] for run in measured],
            "errors": sorted({error for run in measured for error in run["errors"]}),
        }
        for label, measured in runs.items()
    }


def prepare(env: dict, password: str, requests: int) -> dict:
    out = subprocess.run(
        [environment.PYTHON, str(ROOT / "bench" / "prepare.py")],
        cwd=ROOT,
        env={
            **env,
            "BENCH_EMAIL": environment.BENCH_EMAIL,
            "BENCH_PASSWORD": password,
            "BENCH_REQUESTS": str(requests),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def flush_redis() -> None:
    """Empty the benchmark's own cache and broker databases: a page cached from another
    size's database must not be served."""
    import redis

    for url in (environment.CACHE_URL, environment.BROKER_URL):
        redis.Redis.from_url(url).flushdb()


def measure_size(size: int, args, workdir: Path) -> dict:
    secret, password = environment.new_secret(), environment.new_secret()
    env = environment.production(size, secret_key=secret)
    data.manage(env, "migrate", "--noinput", "-v0")
    flush_redis()
    targets = prepare(env, password, WARM_UP + args.repeat)
    if args.pages:
        words = [word.strip().lower() for word in args.pages.split(",") if word.strip()]
        targets["pages"] = [
            page for page in targets["pages"] if any(w in page["label"].lower() for w in words)
        ]
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    server = Server(env, workdir / f"gunicorn-{size}.log")
    server.start()
    try:
        client = Client(server)
        cookie = client.sign_in(environment.BENCH_EMAIL, password)
        pages = {}
        for page in targets["pages"]:
            measured = measure_page(
                client, page, cookie if page["signed_in"] else None, args.repeat
            )
            pages[page["label"]] = {**page, **measured}
            print(results.page_line(page["label"], measured))
        conditional = measure_conditional(client, "/members/", args.repeat)
        print(results.page_line("Conditional GET `/members/` (If-None-Match)", conditional))
        rates = {}
        if not args.skip_throughput:
            print(f"  throughput: wrk -t2 -c20 -d{args.seconds}s, {args.rounds} rounds")
            rates = throughput(server, cookie, args.seconds, args.rounds)
        memory = server.peak_memory()
    finally:
        server.stop()
    return {
        "size": size,
        "load_before": load_before,
        "organizations": targets["organizations"],
        "database": data.description(size),
        "pages": pages,
        "conditional": conditional,
        "throughput": rates,
        "memory": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the portal as production runs it.")
    parser.add_argument(
        "--sizes", help="comma-separated organization counts (default 1000,100000 and BENCH_SCALE)"
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-notifications", action="store_true")
    parser.add_argument("--skip-newsletter", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--pages", help="measure only the pages whose label contains one of these words"
    )
    args = parser.parse_args()
    if args.pages and not args.no_write:
        parser.error("--pages measures a part of the pages: use it with --no-write")
    sizes = environment.sizes(args.sizes)

    print("== Single-thread reference")
    reference = results.cpu_reference()
    print(f"  {results.REFERENCE_ADDITIONS:,} Python additions: {reference:.2f} s (best of 3)")
    print("== Databases")
    for size in sizes:
        data.build(size)
    print("== Static files (collectstatic, as the image build does)")
    data.manage(
        environment.production(sizes[0], secret_key=environment.new_secret()),
        "collectstatic",
        "--noinput",
        "-v0",
    )
    measured = []
    # gunicorn's output (the JSON request log); kept when the run fails.
    folder = Path(tempfile.mkdtemp(prefix="wego-bench-"))
    try:
        for size in sizes:
            print(f"\n== {size:,} organizations")
            measured.append(measure_size(size, args, folder))
    except Exception:
        print(f"\nThe server's log: {folder}", file=sys.stderr)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    run = {
        "machine": {**results.machine(), "cpu_reference_s": reference},
        "sizes": sizes,
        "runs": measured,
        "args": vars(args),
    }
    if not args.no_write:
        (ROOT / "bench" / "results").mkdir(exist_ok=True)
        (ROOT / "bench" / "results" / "bench.json").write_text(json.dumps(run, indent=1) + "\n")
        results.write(ROOT / "bench" / "results.md", results.render(run))
        print("\nWrote bench/results.md and bench/results/bench.json")

    notifications = ROOT / "bench" / "notifications.py"
    if notifications.exists() and not args.skip_notifications:
        print("\n== Notification delivery")
        subprocess.run(
            [environment.PYTHON, str(notifications)],
            check=True,
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": f"{environment.POSTGRES}/{environment.DB_PREFIX}notifications",
                "REDIS_URL": environment.BROKER_URL,
            },
        )

    newsletter = ROOT / "bench" / "newsletter.py"
    if newsletter.exists() and not args.skip_newsletter:
        print("\n== Newsletter: one issue to 10,000 confirmed subscribers")
        subprocess.run(
            [environment.PYTHON, str(newsletter)],
            check=True,
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": f"{environment.POSTGRES}/{environment.DB_PREFIX}newsletter",
                "REDIS_URL": environment.BROKER_URL,
            },
        )


if __name__ == "__main__":
    main()
