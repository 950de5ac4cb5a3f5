"""Logging, metrics and error reporting."""

from ..environment import DJANGO_ENV, PRODUCTION, env

# --- Logging ---------------------------------------------------------------------------------
# One line per request (wego_portal.observability.middleware) and per Celery task, each with the
# request id. DJANGO_LOG_FORMAT "json" (the production default) writes one JSON object per line
# for a log shipper; "plain" is for people reading a terminal.
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client": {"()": "wego_portal.client.ClientAddressFilter"},
        "request_id": {"()": "wego_portal.observability.request_id.RequestIdFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(client)s %(request_id)s]: %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id", "client"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# Workers log through the same handlers (JSON in production, with the request id), not
# through Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Metrics and error reporting ---------------------------------------------------------------
# /metrics (Prometheus) answers "Authorization: Bearer <METRICS_TOKEN>" or a direct (not proxied)
# request from METRICS_ALLOWED_NETWORKS (e.g. "10.0.0.0/8,127.0.0.1/32"); nobody else.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
# Sentry, only when SENTRY_DSN is set. No personal data is sent (no IP address, no cookies,
# no user e-mail); events carry the request id tag to find the matching log lines.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        release=env.str("SENTRY_RELEASE", default="") or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
