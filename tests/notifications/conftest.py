from pathlib import Path

import pytest

from notifications.kinds import NotificationKind, register, unregister
from tests.notifications.mail_backends import ScriptedBackend
from wego_portal.celery import app


@pytest.fixture
def fast_retries(settings):
    """Retry backoff in milliseconds instead of 30 s * 2^n; eager tasks retry in-process.

    (With ``task_eager_propagates`` Celery raises ``Retry`` to the caller instead of running
    the retry, so it is switched off here.)
    """
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0.05
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 0.2
    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


@pytest.fixture
def scripted_mailer(settings):
    """The default mailer is a scripted stand-in for a remote SMTP server."""
    ScriptedBackend.reset()
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.mail_backends.ScriptedBackend"}}
    yield ScriptedBackend
    ScriptedBackend.reset()


@pytest.fixture
def optional_kind():
    """A throw-away optional kind rendered with the general.message templates."""
    kind = register(
        NotificationKind(
            key="test.optional",
            label="Test optional",
            description="An optional kind for tests.",
            template="general.message",
        )
    )
    yield kind
    unregister(kind.key)


@pytest.fixture
def plain_kind(settings):
    """A kind with only a subject and a text template (tests/notifications/templates)."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"],
        }
    ]
    kind = register(NotificationKind(key="test.plain", label="Plain"))
    yield kind
    unregister(kind.key)
