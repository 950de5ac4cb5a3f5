"""Production hardening. Imported after ``base`` when ``DJANGO_ENV=production`` or DEBUG is off.

Refuses to start on a missing or development secret, host list, database or broker: production
never silently falls back to a laptop default.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import (
    ALLOWED_HOSTS,
    AWS_PRIVATE_STORAGE_BUCKET_NAME,
    AWS_STORAGE_BUCKET_NAME,
    CACHE_URL,
    DATABASES,
    DEBUG,
    INSECURE_DEV_SECRET_KEY,
    REDIS_URL,
    SECRET_KEY,
    env,
    mailer,
)


def same_redis_database(first: str, second: str) -> bool:
    """Whether two redis:// URLs name the same database of the same server."""

    def where(url: str) -> tuple:
        parts = urlsplit(url)
        database = parts.path.strip("/") or "0"
        return (parts.hostname or "localhost", parts.port or 6379, database)

    return where(first) == where(second)


_problems = []
if DEBUG:
    _problems.append("DJANGO_DEBUG must be false in production")
if SECRET_KEY == INSECURE_DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    _problems.append("DJANGO_SECRET_KEY must be set to a long random value (50+ characters)")
if not env.str("DJANGO_ALLOWED_HOSTS", default="") or not ALLOWED_HOSTS:
    _problems.append("DJANGO_ALLOWED_HOSTS must list the site's host names")
if not env.str("DATABASE_URL", default="") or DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _problems.append("DATABASE_URL must point to PostgreSQL")
if not REDIS_URL:
    _problems.append("REDIS_URL must point to the Redis broker")
if not CACHE_URL:
    _problems.append("CACHE_URL must point to the Redis cache")
elif REDIS_URL and same_redis_database(REDIS_URL, CACHE_URL):
    _problems.append(
        "CACHE_URL must not name the broker's Redis database (REDIS_URL): clearing or evicting "
        "the cache would drop queued tasks"
    )
if AWS_STORAGE_BUCKET_NAME and (
    not AWS_PRIVATE_STORAGE_BUCKET_NAME
    or AWS_PRIVATE_STORAGE_BUCKET_NAME == AWS_STORAGE_BUCKET_NAME
):
    _problems.append(
        "AWS_PRIVATE_STORAGE_BUCKET_NAME must name a second bucket: private files never share "
        "the public media bucket"
    )
if _problems:
    raise ImproperlyConfigured("Production settings incomplete: " + "; ".join(_problems) + ".")

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes and scrapers talk to a node directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
MAILERS = {
    "default": mailer(
        env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
    )
}
