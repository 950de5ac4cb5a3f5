"""Test settings: the base settings with a fast hasher, locmem e-mail and no throttling surprises.

The database is SQLite unless ``DATABASE_URL`` is set (CI sets PostgreSQL); Celery is eager
unless ``REDIS_URL`` is set, and the worker tests start a real worker against that Redis.

The suite may run in parallel (pytest-xdist, ``make test``): each worker process has its own
test database (pytest-django names it after the worker) and its own cache keys (below).
"""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, REDIS_URL, _redis_database, env

# Django 6.1's PBKDF2 costs ~0.3 s per check here; tests do thousands.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = BASE_DIR / ".test-media" / "public"
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-media" / "private"
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "wego_portal.files.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
}
#: The pytest-xdist worker this process is ("gw0", "gw1", ...), empty in a serial run.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL:
    # Tests clear the cache between tests: give them a Redis database of their own
    # (TEST_REDIS_CACHE_DB picks another one when several checkouts run tests at once), and
    # each parallel worker a key prefix of its own. Clearing deletes only the prefix's keys
    # (not FLUSHDB), so one worker's clear never empties another's cache mid-test.
    CACHES = {
        "default": {
            "BACKEND": "wego_portal.cache.PrefixScopedRedisCache",
            "LOCATION": _redis_database(REDIS_URL, env.int("TEST_REDIS_CACHE_DB", default=2)),
            "KEY_PREFIX": f"wego-test-{TEST_WORKER}" if TEST_WORKER else "wego-test",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]
