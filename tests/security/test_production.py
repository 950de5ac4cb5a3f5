"""Production settings: security headers on real responses, and the session cookie's flags."""

import json

import pytest

from tests.wego_portal.test_settings import PRODUCTION_ENV, _run

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
settings.ALLOWED_HOSTS = ["portal.wego.test", "testserver"]
response = Client().get("/no-such-page-for-headers/", secure=True, HTTP_HOST="portal.wego.test")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "session": {
        "httponly": settings.SESSION_COOKIE_HTTPONLY,
        "secure": settings.SESSION_COOKIE_SECURE,
        "samesite": settings.SESSION_COOKIE_SAMESITE,
    },
    "csrf": {
        "secure": settings.CSRF_COOKIE_SECURE,
        "samesite": settings.CSRF_COOKIE_SAMESITE,
    },
}))
"""


@pytest.fixture(scope="module")
def production():
    # The probe's 404 page is the portal's own template; without `collectstatic` here there is
    # no static manifest to look its stylesheet up in, so the probe uses plain static names.
    result = _run(["-c", PROBE], {**PRODUCTION_ENV, "DJANGO_STATIC_MANIFEST": "false"})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_session_cookie_is_httponly_secure_and_lax(production):
    assert production["session"] == {"httponly": True, "secure": True, "samesite": "Lax"}


def test_csrf_cookie_is_secure(production):
    assert production["csrf"]["secure"] is True


def test_responses_carry_the_security_headers(production):
    headers = {k.lower(): v for k, v in production["headers"].items()}

    assert headers["strict-transport-security"].startswith("max-age=")
    assert int(headers["strict-transport-security"].split("max-age=")[1].split(";")[0]) >= 31536000
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in {
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    }
    assert headers["x-frame-options"] == "DENY"


def test_the_csp_forbids_inline_scripts(production):
    headers = {k.lower(): v for k, v in production["headers"].items()}
    policy = {
        part.split()[0]: part.split()[1:]
        for part in headers["content-security-policy"].split(";")
        if part.strip()
    }
    scripts = policy.get("script-src", policy.get("default-src"))

    assert scripts is not None
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert "frame-ancestors" in policy
