"""The database, the Redis broker's address and the cache."""

from ..environment import BASE_DIR, env

# --- Data --------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if USING_POSTGRES:
    # The directory search's typo tolerance: pg_trgm's word-similarity operator (%>) matches
    # at or above this threshold, and the GIN trigram index serves it (members.selectors).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (
        _options.get("options", "") + " -c pg_trgm.word_similarity_threshold=0.45"
    ).strip()
else:
    # SQLite builds the directory's covering index (members_org_directory_country) on its key
    # columns alone: the included columns serve PostgreSQL's search, which SQLite does not run.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# The Celery broker. The cache has its own variable (CACHE_URL): keep them on different Redis
# databases (or servers), so that clearing or evicting the cache never drops queued tasks;
# production refuses to start when they name the same database.
REDIS_URL = env.str("REDIS_URL", default="")
# REDIS_CACHE_URL is the former name of CACHE_URL, still read.
CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_CACHE_URL", default="")


def _redis_database(url: str, number: int) -> str:
    """The same Redis server as ``url``, database ``number``."""
    base, _, tail = url.rstrip("/").rpartition("/")
    return f"{base}/{number}" if tail.isdigit() else f"{url.rstrip('/')}/{number}"


#: Redis client timeouts of the cache (seconds): a cache that hangs must not hang the pages.
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
if CACHE_URL:
    CACHES = {
        "default": {
            # Redis, with a per-process fallback while Redis is unreachable (wego_portal.cache).
            "BACKEND": "wego_portal.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "wego",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
            },
        }
    }
else:
    # A database-backed cache is shared by every process on the machine (runserver's
    # reloader, gunicorn workers), so login rate limits hold across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wego_cache",
        }
    }
