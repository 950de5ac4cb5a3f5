"""bench/results.md from a run of bench/run.py: the machine, the method, the tables and each
target of the performance issue as met or not met, from the measured numbers.

Only the part between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` is written; other
sections of the file (other benchmarks write between their own markers) are kept.
"""

import contextlib
import os
import platform
import re
import subprocess
import time
from pathlib import Path

START, END = "<!-- bench:start -->", "<!-- bench:end -->"

#: Issue #23's targets.
PUBLIC_P95_MS = 50
SEARCH_P95_MS = 100
ADMIN_P95_MS = {100_000: 150, 1_000_000: 300}
SHARE_TARGETS = [
    ("`/members/` visitor, page cache hit", 0.60),
    ("`/members/` signed in, rendered", 0.10),
    ("`/api/v1/organizations/` anonymous", 0.15),
]
TRIVIAL = "trivial view (full middleware stack)"
BARE = "bare WSGI response (outside Django)"
WORKER_PEAK_MB = 250


def write(path: Path, section: str) -> None:
    """Put ``section`` between the bench markers of ``path``, keeping everything else."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    block = f"{START}\n{section.strip()}\n{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def _version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)
    except OSError:
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


def machine() -> dict:
    cpu = "?"
    with contextlib.suppress(OSError, AttributeError):
        cpu = re.search(
            r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE
        ).group(1)
    memory = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, AttributeError):
        pass
    import django
    import gunicorn
    import psycopg
    import redis

    from bench import environment

    try:
        with psycopg.connect(environment.admin_url()) as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error:
        postgres = "?"
    try:
        redis_version = redis.Redis.from_url(environment.CACHE_URL).info()["redis_version"]
    except redis.RedisError:
        redis_version = "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": postgres,
        "redis": redis_version,
        "wrk": _version(["wrk", "--version"]),
    }


#: The single-thread reference: a fixed amount of pure-Python work.
REFERENCE_ADDITIONS = 10_000_000


def cpu_reference(repeat: int = 3) -> float:
    """Seconds the best of ``repeat`` runs of ``REFERENCE_ADDITIONS`` Python additions takes:
    hosts sold under one CPU name (and one host from hour to hour, under its neighbours'
    load) differ. A rough figure: it does not see the database's or the network's share."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        total = 0
        for number in range(REFERENCE_ADDITIONS):
            total += number
        best = min(best, time.perf_counter() - started)
    return best


def _ms(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def page_line(label: str, measured: dict) -> str:
    if measured.get("queries") is None:
        return f"  {label:<55} HTTP {measured.get('status')}: not measured"
    return (
        f"  {label:<55} {measured['status']} {measured['queries']:>3} q  "
        f"median {measured['median']:6.1f}  p95 {measured['p95']:6.1f} ms  "
        f"(server p95 {_ms(measured.get('server_p95'))} ms)"
    )


def _queries(measured: dict) -> str:
    if measured.get("queries") is None:
        return "–"
    low, high = measured.get("queries_min"), measured["queries"]
    return str(high) if low in (None, high) else f"{low}–{high}"


def _target_ms(kind: str, size: int) -> float | None:
    if kind in ("public", "api"):
        return PUBLIC_P95_MS
    if kind == "search":
        return SEARCH_P95_MS
    if kind == "admin":
        return ADMIN_P95_MS.get(size)
    return None


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("**met**" if ok else "**not met**")


def latency_table(run: dict) -> list[str]:
    size = run["size"]
    lines = [
        f"#### {size:,} organizations",
        "",
        f"Database: {run.get('database') or '?'}. Load average before the run: "
        f"{' / '.join(run.get('load_before') or ['?'])} (1 / 5 / 15 min).",
        "",
        "| page | HTTP | SQL queries | median ms | p95 ms | server median / p95 ms | p95 target |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = [
        *run["pages"].items(),
        ("Conditional GET `/members/` (If-None-Match)", run["conditional"]),
    ]
    for label, measured in rows:
        kind = measured.get("kind", "conditional")
        target = _target_ms(kind, size)
        verdict = "–"
        if target is not None and measured.get("p95") is not None:
            verdict = f"< {target:.0f}: {_met(measured['p95'] < target)}"
        if measured.get("queries") is None:
            verdict = "not measured"
        lines.append(
            f"| {label} | {measured.get('status')} | {_queries(measured)} | "
            f"{_ms(measured.get('median'))} | {_ms(measured.get('p95'))} | "
            f"{_ms(measured.get('server_median'))} / {_ms(measured.get('server_p95'))} | {verdict} |"
        )
    return lines


def throughput_table(run: dict) -> list[str]:
    rates = run["throughput"]
    if not rates:
        return []
    trivial = rates.get(TRIVIAL, {}).get("rps") or 0
    bare = rates.get(BARE, {}).get("rps") or 0
    lines = [
        f"#### {run['size']:,} organizations",
        "",
        "| view | requests/s (median) | rounds | share of the trivial view | share of the bare WSGI response |",
        "|---|---|---|---|---|",
    ]
    for label, measured in rates.items():
        rounds = " / ".join(f"{r:.0f}" for r in measured["rounds"])
        errors = f" ({'; '.join(measured['errors'])})" if measured["errors"] else ""
        share = f"{measured['rps'] / trivial:.0%}" if trivial else "–"
        share_bare = f"{measured['rps'] / bare:.0%}" if bare else "–"
        lines.append(
            f"| {label}{errors} | {measured['rps']:.0f} | {rounds} | {share} | {share_bare} |"
        )
    return lines


def memory_lines(runs: list[dict]) -> list[str]:
    lines = ["| size | worker | peak RSS (VmHWM) MB | RSS at the end MB |", "|---|---|---|---|"]
    for run in runs:
        for number, worker in enumerate(run["memory"], 1):
            lines.append(
                f"| {run['size']:,} | {number} | {worker['peak_mb']:.0f} | {worker['rss_mb']:.0f} |"
            )
    return lines


def targets(runs: list[dict]) -> list[str]:
    """Each of issue #23's targets, met or not met, from the runs."""
    by_size = {run["size"]: run for run in runs}
    lines = ["| target | measured | status |", "|---|---|---|"]
    reference = by_size.get(100_000)
    if reference and reference["throughput"]:
        rates = reference["throughput"]
        trivial = rates[TRIVIAL]["rps"]
        for label, share in SHARE_TARGETS:
            measured = rates[label]["rps"] / trivial
            lines.append(
                f"| {label} ≥ {share:.0%} of the trivial view at 100,000 | {measured:.0%} | "
                f"{_met(measured >= share)} |"
            )
    else:
        lines.append("| throughput shares at 100,000 organizations | not measured | – |")
    for run in runs:
        conditional = run["conditional"]
        ok = conditional.get("status") == 304 and conditional.get("queries") == 0
        lines.append(
            f"| conditional GET answers 304 with 0 queries ({run['size']:,}) | HTTP "
            f"{conditional.get('status')}, {_queries(conditional)} queries | {_met(ok)} |"
        )
    for size in (100_000, 1_000_000):
        run = by_size.get(size)
        if not run:
            lines.append(f"| p95 targets at {size:,} organizations | not measured | – |")
            continue
        uncached = {
            k: v for k, v in run["pages"].items() if v.get("uncached") and k.startswith("Directory")
        }
        if uncached:
            worst = max(uncached.items(), key=lambda item: item[1].get("p95") or 0)
            measured = [v.get("p95") for v in uncached.values()]
            ok = None if None in measured else max(measured) < PUBLIC_P95_MS
            lines.append(
                f"| directory searches nobody asked before (uncached) p95 < {PUBLIC_P95_MS} ms "
                f"({size:,}) | worst {worst[1].get('p95') or 0:.1f} ms ({worst[0]}) | {_met(ok)} |"
            )
        for kind, name in (
            ("public", f"every public page p95 < {PUBLIC_P95_MS} ms"),
            ("api", f"every API list p95 < {PUBLIC_P95_MS} ms"),
            ("search", f"site search p95 < {SEARCH_P95_MS} ms"),
            ("admin", f"admin changelists p95 < {ADMIN_P95_MS[size]} ms"),
        ):
            pages = {k: v for k, v in run["pages"].items() if v["kind"] == kind}
            limit = _target_ms(kind, size)
            measured = [v["p95"] for v in pages.values() if v.get("p95") is not None]
            missing = [k for k, v in pages.items() if v.get("p95") is None]
            worst = max(pages.items(), key=lambda item: item[1].get("p95") or 0)
            ok = None if not measured else (not missing and max(measured) < limit)
            lines.append(
                f"| {name} ({size:,}) | worst {worst[1].get('p95') or 0:.1f} ms ({worst[0]})"
                f"{'; not measured: ' + ', '.join(missing) if missing else ''} | {_met(ok)} |"
            )
    if len(runs) > 1:
        labels = runs[0]["pages"].keys()
        differing = [
            label
            for label in labels
            if len({(run["pages"].get(label) or {}).get("queries") for run in runs}) > 1
        ]
        sizes = ", ".join(f"{run['size']:,}" for run in runs)
        lines.append(
            f"| query counts identical at every size ({sizes}) | "
            f"{'differ: ' + ', '.join(differing) if differing else 'identical'} | "
            f"{_met(not differing)} |"
        )
    peaks = [w["peak_mb"] for run in runs for w in run["memory"]]
    if peaks:
        lines.append(
            f"| peak memory of a gunicorn worker < {WORKER_PEAK_MB} MB | {max(peaks):.0f} MB | "
            f"{_met(max(peaks) < WORKER_PEAK_MB)} |"
        )
    return lines


def _reference(machine: dict) -> str:
    seconds = machine.get("cpu_reference_s")
    if seconds is None:
        return ""
    return (
        f" Single-thread reference at the start of the run: {REFERENCE_ADDITIONS:,} Python "
        f"additions in {seconds:.2f} s (best of 3): a rough measure of the host's speed, "
        "which differs between hosts of one CPU name."
    )


def render(result: dict) -> str:
    machine, args = result["machine"], result["args"]
    runs = result["runs"]
    lines = [
        "## Pages, API and admin under production settings (`make bench`)",
        "",
        "Generated by `make bench` (bench/run.py); every figure below comes from that run.",
        "",
        f"**Machine**: {machine['cpu']}, {machine['cores']} cores, {machine['memory']} RAM; "
        f"{machine['os']}; PostgreSQL {machine['postgresql']}, Redis {machine['redis']}, "
        f"Python {machine['python']}, Django {machine['django']}, gunicorn {machine['gunicorn']}, "
        f"{machine['wrk']}. The benchmark, PostgreSQL and Redis share the machine."
        + _reference(machine),
        "",
        "**Settings**: production's (`DJANGO_ENV=production`, DEBUG off, Redis cache and broker, "
        "PostgreSQL with persistent connections, hashed static files, JSON request logs), "
        "throwaway secrets, served by gunicorn with the project's gunicorn.conf.py and 2 sync "
        "workers. Requests carry `X-Forwarded-Proto: https` as behind the load balancer (HTTPS "
        "redirect, HSTS and secure cookies stay on). The API's throttles stay on with rates no "
        "run reaches. Signed-in requests carry a session cookie from the sign-in form (a "
        "superuser, so the admin lists are reachable).",
        "",
        f"**Method**: latency: each page 3 times to warm up, then {args['repeat']} requests one "
        "after the other, each on a new connection; wall time per request on loopback (median, "
        "95th percentile); the server's time and SQL query count per request are the portal's "
        "own request log line (first middleware). The directory rows that repeat one address "
        "measure, after the first request, its list served from the cache (a fragment per "
        "address, language and data version) inside a freshly rendered page; the rows "
        "*uncached searches* send a different search with every request (warm-up included: the "
        "WeGO data set's member names in English, misspelt, and in Korean, Russian, Chinese and "
        "Arabic, and country names in eight languages; once a list is used up, the same "
        "searches with a type filter), so every one of them is queried, counted and rendered "
        "as for the first person to ask it. The API rows that repeat one address are, after "
        "the first request, anonymous answers from the shared cache (a key per address, media "
        "type, language and data version); the API row *uncached searches* sends a different "
        "member name with every request, so each answer is queried and serialized. "
        "Throughput: `wrk -t2 -c20 "
        f"-d{args['seconds']}s --timeout 30s` per view, {args['rounds']} interleaved rounds, median. "
        "Peak memory: VmHWM of each gunicorn worker after the run. Data per N organizations: "
        "N/5 events, N/2 applications, N/20 accounts, 2N notifications, N/10 news articles "
        "(at most 10,000), generated by `manage.py generate_network`.",
        "",
        "### Targets",
        "",
        *targets(runs),
        "",
        "### Latency per page",
        "",
    ]
    for run in runs:
        lines += [*latency_table(run), ""]
    if any(run["throughput"] for run in runs):
        lines += ["### Throughput", ""]
        for run in runs:
            lines += [*throughput_table(run), ""]
    lines += ["### Peak memory of the gunicorn workers", "", *memory_lines(runs), ""]
    lines += [
        "Other benchmarks: [notification delivery](results/notifications.md), "
        "[newsletter](results/newsletter.md).",
    ]
    return "\n".join(lines)
