"""Where and how `make bench` runs: the sizes, one database per size, and production's
environment with throwaway secrets.

Variables (all optional):

- ``BENCH_SCALE``: a size added to the default 1,000 and 100,000 organizations
  (``BENCH_SCALE=1000000 make bench``); ``--sizes`` on bench/run.py replaces the list.
- ``BENCH_POSTGRES``: the PostgreSQL server, default postgres://postgres@127.0.0.1:5432.
- ``BENCH_DB_PREFIX``: the databases are ``<prefix><size>``, default ``wego_t_bench_``.
- ``BENCH_REDIS_URL`` / ``BENCH_CACHE_URL``: the broker's and the cache's Redis databases,
  default redis://127.0.0.1:6379/7 and /8. The benchmark empties both (FLUSHDB) before each
  size: give it databases nothing else uses.
"""

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_SIZES = (1_000, 100_000)
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "wego_t_bench_")
BROKER_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/8")
#: The signed-in user of the benchmark (a superuser, so the admin lists can be measured).
BENCH_EMAIL = "bench@wego.test"
#: Rates no benchmark reaches: the API's throttles stay on (their cost is measured), their
#: limits out of the way.
UNREACHABLE_RATE = "100000000/min"


def sizes(option: str | None = None) -> list[int]:
    if option:
        return [int(size.replace("_", "")) for size in option.split(",") if size.strip()]
    chosen = list(DEFAULT_SIZES)
    scale = os.environ.get("BENCH_SCALE", "").replace("_", "").strip()
    if scale and int(scale) not in chosen:
        chosen.append(int(scale))
    return sorted(chosen)


def database_name(size: int) -> str:
    return f"{DB_PREFIX}{size}"


def database_url(size: int) -> str:
    return f"{POSTGRES}/{database_name(size)}"


def admin_url() -> str:
    return f"{POSTGRES}/postgres"


def production(size: int, *, secret_key: str, **extra: str) -> dict[str, str]:
    """The environment of every Django process of the benchmark: production's settings
    (bench.settings imports them unchanged), DEBUG off, PostgreSQL with production's persistent
    connections (DJANGO_CONN_MAX_AGE unset: production's default), Redis cache and broker,
    JSON request logs, hashed static files (collectstatic), a fresh secret key."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ENV": "production",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(size),
        "REDIS_URL": BROKER_URL,
        "CACHE_URL": CACHE_URL,
        "DJANGO_LOG_FORMAT": "json",
        "DJANGO_LOG_LEVEL": "INFO",
        "API_THROTTLE_ANON": UNREACHABLE_RATE,
        "API_THROTTLE_USER": UNREACHABLE_RATE,
        "API_THROTTLE_WRITE": UNREACHABLE_RATE,
        "PYTHONDONTWRITEBYTECODE": "1",
        # No mail server here: what the portal would send is dropped.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        **extra,
    }
    for variable in (
        "TEST_REDIS_CACHE_DB",
        "PROMETHEUS_MULTIPROC_DIR",
        "SENTRY_DSN",
        "DJANGO_CONN_MAX_AGE",
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_SECURE_HSTS_SECONDS",
        "DJANGO_STATIC_MANIFEST",
        "REDIS_CACHE_URL",
    ):
        env.pop(variable, None)
    return env


def new_secret() -> str:
    return secrets.token_urlsafe(64)
