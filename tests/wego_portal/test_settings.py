"""Production settings refuse to start half-configured, and pass `check --deploy` when complete."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code_or_args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    for name in ("REDIS_URL", "CACHE_URL", "REDIS_CACHE_URL"):
        env.pop(name, None)
    env.update({"DJANGO_SETTINGS_MODULE": "wego_portal.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "portal.wego.test",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wego",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must list"),
        ("DATABASE_URL", "DATABASE_URL must point to PostgreSQL"),
        ("REDIS_URL", "REDIS_URL must point to the Redis broker"),
        ("CACHE_URL", "CACHE_URL must point to the Redis cache"),
    ],
)
def test_production_settings_refuse_to_start_without(missing, message):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = _run(["-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    "cache_url",
    ["redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379", "redis://127.0.0.1/0"],
)
def test_production_settings_refuse_a_cache_on_the_brokers_database(cache_url):
    result = _run(
        ["-c", "import django; django.setup()"], {**PRODUCTION_ENV, "CACHE_URL": cache_url}
    )

    assert result.returncode != 0
    assert "CACHE_URL must not name the broker's Redis database" in result.stderr


def test_production_settings_accept_a_cache_on_another_server():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['LOCATION'], settings.CELERY_BROKER_URL)"
    )
    result = _run(["-c", code], {**PRODUCTION_ENV, "CACHE_URL": "redis://cache.internal:6379/0"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://cache.internal:6379/0", "redis://127.0.0.1:6379/0"]


def test_production_settings_refuse_the_development_secret_key():
    env = {
        **PRODUCTION_ENV,
        "DJANGO_SECRET_KEY": "django-insecure-wego-portal-local-development-only",
    }

    result = _run(["-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_off_counts_as_production():
    env = {"DJANGO_DEBUG": "false"}

    result = _run(["-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "Production settings incomplete" in result.stderr


def test_check_deploy_reports_no_issue_in_production():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_switch_on_the_security_headers():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, "
        "'unsafe-inline' in str(s.SECURE_CSP), s.CELERY_TASK_ALWAYS_EAGER)"
    )

    result = _run(["-c", code], PRODUCTION_ENV)

    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "31536000",
        "DENY",
        "strict-origin-when-cross-origin",
        "False",
        "False",
    ]


def test_laptop_defaults_use_sqlite_eager_tasks_and_console_email():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.MAILERS['default']['BACKEND'], s.DEBUG)"
    )

    result = _run(["-c", code], {})

    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
    ]


def test_site_url_follows_the_port_make_run_serves():
    code = "from django.conf import settings; print(settings.SITE_URL)"

    on_8119 = _run(["-c", f"import django; django.setup(); {code}"], {"PORT": "8119"})
    explicit = _run(
        ["-c", f"import django; django.setup(); {code}"],
        {"PORT": "8119", "SITE_URL": "https://portal.wego.test"},
    )

    assert on_8119.stdout.strip() == "http://127.0.0.1:8119"
    assert explicit.stdout.strip() == "https://portal.wego.test"
