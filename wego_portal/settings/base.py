"""Settings shared by every environment, read from the environment (12-factor).

Every variable is read here or in ``components/`` (one module per concern, gathered below in
order). Defaults serve a laptop: a SQLite file, Celery tasks run eagerly when ``REDIS_URL`` is
unset, e-mail printed to the console, DEBUG on. Production (``DJANGO_ENV=production`` or
``DJANGO_DEBUG=false``) is layered on top by ``production.py``, which refuses to start without
real secrets and services.
"""

from .environment import BASE_DIR, DEBUG, DJANGO_ENV, PRODUCTION, env  # noqa: F401

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


from .components.api import *  # noqa: E402, F403
from .components.authentication import *  # noqa: E402, F403
from .components.celery import *  # noqa: E402, F403
from .components.data import *  # noqa: E402, F403
from .components.data import _redis_database  # noqa: E402, F401
from .components.email import *  # noqa: E402, F403
from .components.i18n import *  # noqa: E402, F403
from .components.newsletter import *  # noqa: E402, F403
from .components.observability import *  # noqa: E402, F403
from .components.privacy import *  # noqa: E402, F403
from .components.security import *  # noqa: E402, F403
from .components.storage import *  # noqa: E402, F403
