"""Test settings: the base settings with a fast hasher, locmem e-mail and no throttling surprises.

The database is SQLite unless ``DATABASE_URL`` is set (CI sets PostgreSQL); Celery is eager
unless ``REDIS_URL`` is set, and the worker tests start a real worker against that Redis.
"""

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
if REDIS_URL:
    # Tests clear the cache between tests: give them a Redis database of their own
    # (TEST_REDIS_CACHE_DB picks another one when several checkouts run tests at once).
    CACHES = {
        "default": {
            "BACKEND": "wego_portal.cache.ResilientRedisCache",
            "LOCATION": _redis_database(REDIS_URL, env.int("TEST_REDIS_CACHE_DB", default=2)),
            "KEY_PREFIX": "wego-test",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]
