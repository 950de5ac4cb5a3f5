"""The gunicorn settings' hooks, run as gunicorn runs them."""

import contextlib
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooks():
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


class _Log:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warning(self, message, *args) -> None:
        self.warnings.append(message % args)


@contextlib.contextmanager
def _new_worker_connection(**changes):
    """The database connection of a worker that has not connected yet."""
    fresh = connections.create_connection("default")
    fresh.settings_dict = {**fresh.settings_dict, **changes}
    original = connections["default"]
    connections["default"] = fresh
    try:
        yield fresh
    finally:
        connections["default"] = original
        fresh.close()


def test_a_new_worker_connects_before_its_first_request(hooks):
    log = _Log()
    with _new_worker_connection() as fresh:
        assert fresh.connection is None

        hooks["post_worker_init"](SimpleNamespace(log=log))

        assert fresh.connection is not None and fresh.is_usable()
    assert log.warnings == []


def test_a_worker_starts_even_when_the_database_is_down(hooks):
    log = _Log()
    unreachable = {"HOST": "127.0.0.1", "PORT": 1}
    if connections["default"].vendor == "sqlite":
        unreachable = {"NAME": "/nonexistent/folder/db.sqlite3"}
    with _new_worker_connection(**unreachable) as fresh:
        hooks["post_worker_init"](SimpleNamespace(log=log))

        assert fresh.connection is None
    assert len(log.warnings) == 1
    assert "Database not reachable at worker start" in log.warnings[0]
