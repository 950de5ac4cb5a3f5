"""Settings shared by every environment, read from the environment (12-factor).

Every variable is read here, once. Defaults serve a laptop: a SQLite file, Celery tasks run
eagerly when ``REDIS_URL`` is unset, e-mail printed to the console, DEBUG on. Production
(``DJANGO_ENV=production`` or ``DJANGO_DEBUG=false``) is layered on top by ``production.py``,
which refuses to start without real secrets and services.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="local")
DEBUG = env.bool("DJANGO_DEBUG", default=DJANGO_ENV != "production")
PRODUCTION = DJANGO_ENV == "production" or not DEBUG

# A development-only key: production.py refuses to start with it.
INSECURE_DEV_SECRET_KEY = "django-insecure-wego-portal-local-development-only"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Links in e-mails point here. `make run` serves on 127.0.0.1:$PORT, so the default follows PORT.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    # Third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "simple_history",
    "import_export",
    "auditlog",
    # WeGO Portal
    "accounts",
    "notifications",
    "members",
    "programs",
    "events",
    "awards",
    "health",
    "catalog",
    "reports",
    "privacy",
    "governance",
    "search",
    "news",
    "publications",
    "newsletter",
    "django_prose_editor",
    "wego_portal",
]

MIDDLEWARE = [
    # First: the request id, the per-request log line and the request metrics see everything.
    "wego_portal.observability.middleware.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session (the chosen language can live there) and before CommonMiddleware (so
    # a language-prefixed URL resolves before APPEND_SLASH looks at it).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: a signed-in user's preferred language, a visitor's Accept-Language.
    "wego_portal.i18n.PreferredLanguageMiddleware",
    # allauth's session tracking, throttled: no database write on every page view.
    "accounts.middleware.UserSessionActivityMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "wego_portal.urls"
WSGI_APPLICATION = "wego_portal.wsgi.application"
ASGI_APPLICATION = "wego_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "wego_portal.i18n.language_links",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notices",
            ],
        },
    },
]

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

# --- Authentication ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:dashboard"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "add_email": "accounts.forms.AddEmailForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# How many reverse proxies in front of the portal append to X-Forwarded-For; at 0 the header
# is ignored (wego_portal/client.py). allauth, REST framework and the log lines all use it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Rate limits, counted in the cache above by allauth's helper: allauth's own actions and the
# portal's abuse limits (wego_portal/ratelimits.py). "5/h/ip,2/d/key": 5 an hour per client
# address, and 2 a day per key (the e-mail address that would receive mail); "user" counts
# per signed-in account.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed sign-ins, per client address and per address + account (accounts.adapter): a
    # guesser elsewhere can never lock the real user out.
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "signup": "20/m/ip",
    # Open forms of the portal.
    "join": env.str("RATE_LIMIT_JOIN", default="5/h/ip,2/d/key"),
    "event_registration": env.str("RATE_LIMIT_EVENT_REGISTRATION", default="10/h/ip,3/h/key"),
    "inquiry": env.str("RATE_LIMIT_INQUIRY", default="10/h/ip,5/h/key"),
    "newsletter": env.str("RATE_LIMIT_NEWSLETTER", default="10/h/ip,3/h/key"),
    "invite_colleague": env.str("RATE_LIMIT_INVITE", default="30/h/user,3/d/key"),
}
# Sign-up is closed: a password reset for an unknown address sends nothing (allauth would
# otherwise e-mail any address typed into the form an invitation to sign up).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[WeGO] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "WeGO Portal"
# How long a browser or a CDN may keep a public list page a visitor saw (seconds); a newer
# version is revalidated with its ETag (wego_portal.caching).
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=60)
USERSESSIONS_TRACK_ACTIVITY = True
# A signed-in session's address, browser and last activity are refreshed at most this often
# (seconds), and at once when its address or browser changes (accounts.middleware).
USERSESSIONS_ACTIVITY_INTERVAL = env.int("USERSESSIONS_ACTIVITY_INTERVAL", default=300)

# --- Back office: import and export (django-import-export) ------------------------------------
# Import and export ask ``<app>.import_<model>`` / ``<app>.export_<model>`` (django-rules; see
# ``wego_portal/admin.py``). Export cells are neutralised by ``wego_portal.spreadsheets`` (all
# six formula starts); the library's own escaping strips only "=" and turns every cell into text.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# --- Internationalization ----------------------------------------------------------------------
# English is WeGO's working language and the default: its URLs carry no prefix; the other
# languages live under /ko/, /zh-hans/, /ru/, /es/, /fr/, /ar/ (right to left) and /tr/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ko", _("Korean")),
    ("zh-hans", _("Simplified Chinese")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language (wego_portal/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["wego_portal.formats"]
LANGUAGE_COOKIE_NAME = "wego_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Content translation (django-modeltranslation): one column per language in the same table, so
# reading a translated directory needs no join. An empty translation falls back to English,
# then to whichever language the text was written in (a city may write in its own language);
# pages say "not yet translated" beside a fallback. Created objects get their English column
# from the text given (AUTO_POPULATE "default").
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_AUTO_POPULATE = "default"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static and media files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Private uploads (application attachments, supporting letters) live outside MEDIA_ROOT and
# are only ever streamed by permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "wego_portal.files.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("DJANGO_STATIC_MANIFEST", default=PRODUCTION)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# Object storage (S3 or any S3-compatible server), switched on by AWS_STORAGE_BUCKET_NAME: the
# public bucket for media (logos, photos, news images; read by anyone, listed by nobody) and a
# separate private bucket (AWS_PRIVATE_STORAGE_BUCKET_NAME) for join letters, application
# attachments, award documents and Data Portal files, which only permission-checked views
# stream. Every web and worker node then sees the same files. `manage.py storage_buckets`
# creates the buckets and their access policies. Unset: the local folders above (`make run`).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_PRIVATE_STORAGE_BUCKET_NAME = env.str("AWS_PRIVATE_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="")
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="us-east-1")
#: Where browsers fetch public media from, when not the bucket's own address (a CDN).
AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
AWS_S3_URL_PROTOCOL = env.str("AWS_S3_URL_PROTOCOL", default="https:")
OBJECT_STORAGE = bool(AWS_STORAGE_BUCKET_NAME)


def s3_storages(
    *, public_bucket: str, private_bucket: str, endpoint_url: str = "", custom_domain: str = ""
) -> dict:
    """STORAGES entries for the public and the private bucket."""
    common = {
        "region_name": AWS_S3_REGION_NAME,
        "endpoint_url": endpoint_url or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": "path" if endpoint_url else None,
        "signature_version": "s3v4",
        "file_overwrite": False,
        "default_acl": None,
    }
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": public_bucket,
                "querystring_auth": False,
                "custom_domain": custom_domain or None,
                "url_protocol": AWS_S3_URL_PROTOCOL,
                "object_parameters": {"CacheControl": "public, max-age=86400"},
            },
        },
        "private": {
            "BACKEND": "wego_portal.files.PrivateS3Storage",
            "OPTIONS": {**common, "bucket_name": private_bucket, "querystring_auth": True},
        },
    }


def media_origin(endpoint_url: str, bucket: str, custom_domain: str = "") -> str:
    """The origin browsers load public media from (for the Content-Security-Policy)."""
    if custom_domain:
        return f"{AWS_S3_URL_PROTOCOL}//{custom_domain.split('/')[0]}"
    if endpoint_url:
        parts = endpoint_url.split("/")
        return "/".join(parts[:3])
    return f"https://{bucket}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"


MEDIA_ORIGIN = ""
if OBJECT_STORAGE:
    STORAGES.update(
        s3_storages(
            public_bucket=AWS_STORAGE_BUCKET_NAME,
            private_bucket=AWS_PRIVATE_STORAGE_BUCKET_NAME,
            endpoint_url=AWS_S3_ENDPOINT_URL,
            custom_domain=AWS_S3_CUSTOM_DOMAIN,
        )
    )
    MEDIA_ORIGIN = media_origin(AWS_S3_ENDPOINT_URL, AWS_STORAGE_BUCKET_NAME, AWS_S3_CUSTOM_DOMAIN)
# `manage.py backup`: where backups go and how many are kept (see README, "Backups").
BACKUP_DIR = env.str("BACKUP_DIR", default=str(BASE_DIR / "backups"))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# --- E-mail ------------------------------------------------------------------------------------
# Django 6.1's MAILERS: one "default" mailer chosen by DJANGO_EMAIL_BACKEND (console on a laptop,
# SMTP in production, a file folder for inspecting messages); SMTP details from EMAIL_*.
EMAIL_BACKEND_PATH = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)


def mailer(backend: str) -> dict:
    """The MAILERS entry for ``backend`` with the options that backend understands."""
    options: dict = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env.str("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=25),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
            "timeout": env.int("EMAIL_TIMEOUT", default=20),
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent_emails"))}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": mailer(EMAIL_BACKEND_PATH)}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="WeGO Portal <portal@wego-cities.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SECRETARIAT_EMAIL = env.str("SECRETARIAT_EMAIL", default="secretariat@wego-cities.org")

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker (a laptop, the default) tasks run in-process, synchronously.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Notifications keep their own state in the database: no result backend needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged after it ran, so a worker that dies mid-task loses nothing; tasks are
# idempotent (the outbox refuses to send a row twice), so redelivery is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# Redis redelivers an unacknowledged task after the visibility timeout. It must exceed the
# longest countdown/ETA we use (retry backoff caps at 1 hour) and the hard time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# The outbox sweeper has a queue of its own, so that a backlog of deliveries never delays the
# recovery of a dead worker's rows: run a worker on it (`celery worker -Q outbox-sweep -c 1`,
# the compose file's `sweeper`), or add it to a worker's queues (`make worker` does).
NOTIFICATIONS_SWEEP_QUEUE = env.str("NOTIFICATIONS_SWEEP_QUEUE", default="outbox-sweep")
# The queue of every task without a route; a benchmark gives its worker a private one, so that
# the tasks its tasks publish (an issue's deliveries) stay on it.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ROUTES = {
    "notifications.tasks.sweep_outbox_task": {"queue": NOTIFICATIONS_SWEEP_QUEUE},
}
# Outbox delivery: a claim's lease (renewed while a worker works through its batch), how often
# the sweeper runs, how long a queued row waits for its task before it is published again, and
# how often one row is attempted (backoff 30 s doubling, capped at an hour).
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=30)
NOTIFICATIONS_SWEEP_SECONDS = env.float("NOTIFICATIONS_SWEEP_SECONDS", default=10.0)
NOTIFICATIONS_REPUBLISH_AFTER_SECONDS = env.int(
    "NOTIFICATIONS_REPUBLISH_AFTER_SECONDS", default=120
)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30.0)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600.0)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
# Publishing a task while the broker is down gives up after about a second: the outbox row
# stays queued and the sweeper publishes it later, so the request is not held up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep-outbox": {
        "task": "notifications.tasks.sweep_outbox_task",
        "schedule": NOTIFICATIONS_SWEEP_SECONDS,
    },
    "notifications-staff-digest": {
        "task": "notifications.tasks.send_staff_digest_task",
        "schedule": 24 * 60 * 60.0,
    },
    "programs-reminders": {
        "task": "programs.tasks.send_reminders_task",
        "schedule": 24 * 60 * 60.0,
    },
    "events-send-reminders": {
        "task": "events.tasks.send_event_reminders_task",
        "schedule": 5 * 60.0,
    },
    "privacy-enforce-retention": {
        "task": "privacy.tasks.enforce_retention_task",
        "schedule": 24 * 60 * 60.0,
    },
    "privacy-erase-due-accounts": {
        "task": "privacy.tasks.erase_due_accounts_task",
        "schedule": 60 * 60.0,
    },
    # Articles scheduled for a later moment are published then.
    "news-publish-due": {
        "task": "news.tasks.publish_due_articles_task",
        "schedule": 60.0,
    },
    # Votes open and close on time (to the minute) and delegates are reminded.
    "governance-vote-schedule": {
        "task": "governance.tasks.run_vote_schedule_task",
        "schedule": 60.0,
    },
}

# --- Privacy: retention, erasure, exports, consent, audit log ----------------------------------
# Days each kind of personal data is kept (privacy.services.retention_enforce, run daily; the
# admin's retention page and docs/privacy.md show this policy).
PRIVACY_RETENTION_DAYS = {
    "event_registrations": env.int("RETAIN_EVENT_REGISTRATIONS_DAYS", default=365),
    "declined_join_requests": env.int("RETAIN_DECLINED_JOIN_REQUESTS_DAYS", default=365),
    "inquiries": env.int("RETAIN_INQUIRIES_DAYS", default=730),
    "notification_bodies": env.int("RETAIN_NOTIFICATION_BODIES_DAYS", default=180),
    "sessions": 0,  # expired sessions go at once
    "audit_log": env.int("RETAIN_AUDIT_LOG_DAYS", default=6 * 365),
    "data_exports": 0,  # an export's archive goes when its link expires
}
PRIVACY_EXPORT_LINK_DAYS = env.int("PRIVACY_EXPORT_LINK_DAYS", default=7)
PRIVACY_ERASURE_GRACE_DAYS = env.int("PRIVACY_ERASURE_GRACE_DAYS", default=14)
# The version of each consent text people agree to; raise it when the text changes.
PRIVACY_CONSENT_TEXT_VERSIONS = {"share_with_host": "1", "newsletter": "1"}

# --- Newsletter ---------------------------------------------------------------------------------
# Days a confirmation link (double opt-in) stays valid; permanent refusals (SMTP 5xx) in a row
# after which an address is marked as bouncing; an optional mailbox for List-Unsubscribe.
NEWSLETTER_CONFIRM_DAYS = env.int("NEWSLETTER_CONFIRM_DAYS", default=7)
NEWSLETTER_BOUNCE_LIMIT = env.int("NEWSLETTER_BOUNCE_LIMIT", default=3)
NEWSLETTER_UNSUBSCRIBE_MAILTO = env.str("NEWSLETTER_UNSUBSCRIBE_MAILTO", default="")
# django-auditlog: changes stored as JSON (from → to per field); no IP addresses. The actor's
# e-mail copied onto entries is cleared when that account is erased.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = True

# --- REST framework ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Personal tokens (hashed at rest) for scripts, first so that a missing or bad token
        # answers 401 with WWW-Authenticate; session auth (CSRF on writes) for our own pages.
        "wego_portal.api.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "wego_portal.api.StandardCursorPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "wego_portal.api.error_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "wego_portal.api.AnonRateThrottle",
        "wego_portal.api.UserRateThrottle",
        "wego_portal.api.WriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        "write": env.str("API_THROTTLE_WRITE", default="60/min"),
    },
    "DEFAULT_VERSIONING_CLASS": None,
    # The client address for throttling: X-Forwarded-For only behind trusted proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
REST_KNOX = {
    "TOKEN_TTL": None,  # each token gets the expiry its owner chose (or none)
    "AUTO_REFRESH": False,
    "TOKEN_PREFIX": "wego_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WeGO Portal API",
    "DESCRIPTION": "Public and member API of the World Smart Sustainable Cities Organization.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        # One name per choice set shared by several apps' endpoints (the API's enums).
        "CountryEnum": "django_countries.countries",
        "OrganizationStatusEnum": "members.enums.OrganizationStatus",
        "OfficeKindEnum": "members.enums.OfficeKind",
        "EventKindEnum": "events.enums.EventKind",
        "EventStatusEnum": "events.enums.EventStatus",
        "RegistrationStatusEnum": "events.enums.RegistrationStatus",
        "ApplicationKindEnum": "programs.enums.ApplicationKind",
        "ApplicationStatusEnum": "programs.enums.ApplicationStatus",
        "MessageKindEnum": "programs.enums.MessageKind",
        "EntryStatusEnum": "awards.enums.EntryStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "wego_portal.api_tools.document_page_not_found",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security (strict values are switched on in production.py) ---------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Django's built-in Content-Security-Policy: no inline scripts, no third-party origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Uploads -----------------------------------------------------------------------------------
MAX_IMAGE_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 25_000_000
MAX_DOCUMENT_UPLOAD_BYTES = 10 * 1024 * 1024

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
