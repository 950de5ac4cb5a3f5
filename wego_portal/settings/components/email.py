"""E-mail: Django's MAILERS and the portal's addresses."""

from ..environment import BASE_DIR, env

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
