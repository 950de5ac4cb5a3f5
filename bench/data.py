"""The benchmark's databases: one per size, built once and reused.

A database is complete when its comment says so (``COMMENT ON DATABASE``, written last): a
build that was interrupted is started again from an empty database. Sizes scale together:
per N organizations, N/5 events, N/2 applications, N/20 accounts, 2N notifications and
N/10 news articles (at most 10,000).

    python bench/data.py --sizes 1000000          # build (or keep) wego_t_bench_1000000
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script, sys.path[0] is bench/, whose modules would shadow others.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import environment

MARKER = "wego bench network v1"


def counts(size: int) -> dict[str, int]:
    return {
        "organizations": size,
        "events": size // 5,
        "applications": size // 2,
        "users": max(50, size // 20),
        "notifications": 2 * size,
        "news": min(10_000, max(100, size // 10)),
    }


def _admin():
    import psycopg

    return psycopg.connect(environment.admin_url(), autocommit=True)


def description(size: int) -> str | None:
    """The database's comment, or None when it does not exist."""
    with _admin() as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
            "WHERE datname = %s",
            [environment.database_name(size)],
        ).fetchone()
    return None if row is None else row[0]


def is_complete(size: int) -> bool:
    return (description(size) or "").startswith(f"{MARKER}: {size} organizations")


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [environment.PYTHON, "manage.py", *args], cwd=environment.ROOT, env=env, check=True
    )


def build(size: int, *, rebuild: bool = False, log=print) -> None:
    """Make the database of this size unless a complete one exists. A second build of the
    same size (another `make bench` started meanwhile) waits for the first and reuses it."""
    name = environment.database_name(size)
    with _admin() as lock:
        lock.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"wego-bench:{name}"])
        if is_complete(size) and not rebuild:
            log(f"  {name}: reused ({description(size)})")
            return
        _build(size, name, log)


def _build(size: int, name: str, log) -> None:
    log(f"  {name}: building {size:,} organizations")
    started = time.monotonic()
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = environment.production(size, secret_key=environment.new_secret())
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_wego_data", "-v0")
    # The benchmark's signed-in user, created before the notifications so it has an inbox
    # like everyone else's; bench/run.py sets a new password before each run.
    manage(
        {
            **env,
            "DJANGO_SUPERUSER_EMAIL": environment.BENCH_EMAIL,
            "DJANGO_SUPERUSER_PASSWORD": environment.new_secret(),
        },
        "createsuperuser",
        "--noinput",
    )
    manage(env, "generate_network", *[f"--{kind}={n}" for kind, n in counts(size).items()])
    import psycopg

    with psycopg.connect(environment.database_url(size), autocommit=True) as conn:
        # What autovacuum does soon after a bulk load in production: fresh statistics and a
        # visibility map, so id-only lookups can use index-only scans.
        conn.execute("VACUUM ANALYZE")
    seconds = time.monotonic() - started
    with _admin() as conn:
        conn.execute(
            f'COMMENT ON DATABASE "{name}" IS \'{MARKER}: {size} organizations, '
            f"built in {seconds:.0f} s on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}'"
        )
    log(f"  {name}: built in {seconds / 60:.1f} min")


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the benchmark's databases.")
    parser.add_argument("--sizes", help="comma-separated organization counts")
    parser.add_argument("--rebuild", action="store_true", help="build even when complete")
    args = parser.parse_args()
    for size in environment.sizes(args.sizes):
        build(size, rebuild=args.rebuild)


if __name__ == "__main__":
    main()
