import os
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.utils import translation

from tests import module_data
from tests.factories.accounts import UserFactory
from wego_portal.celery import app as celery_app

#: Tests that run on one parallel worker, one after another (``make test`` distributes the suite
#: by module, ``--dist loadfile``, and these directories as one unit each): the browser journeys
#: share one Chromium per worker and a live server each, and would otherwise start a second
#: browser beside the rest of the suite; the fault suite starts its own redis-server, Celery
#: worker and beat per test and bounds recovery times, which two of them at once on a small
#: machine would measure instead of the portal.
SERIAL_GROUPS = {"tests/browser/": "browser", "tests/faults/": "faults"}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, with each of ``SERIAL_GROUPS``' directories as one unit of work.

    (Not ``--dist loadgroup`` and ``xdist_group`` marks: pytest-xdist 3.8 marks a group in the
    test's node id, which pytest 9.2's structured node ids ignore, so the groups silently run
    apart; pytest-dev/pytest-xdist#1386.) A module runs whole on one worker, so a module's data
    set (``tests/module_data.py``) is loaded once.
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ModuleScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid)
            return next((g for p, g in SERIAL_GROUPS.items() if module.startswith(p)), module)

    return ModuleScheduling(config, log)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """After every plugin's ordering (pytest-django's among them), a module's tests that use
    its data set run one after another (``tests/module_data.py``)."""
    result = yield
    module_data.order(items)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        module_data.roll_back_unless_used_next(nextitem)
        # (After the last test the session's fixtures, the test database among them, are gone.)
        if nextitem is not None and module_data.commits(item):
            _restore_migrated_data(item.config)


def _restore_migrated_data(config) -> None:
    """Put back what the migrations load (the Smart City areas, groups, …) after a test that
    committed: its database is flushed at the end. In one process pytest-django runs such tests
    last; on a parallel worker a module of them may come before any other module, whose tests
    would then miss the data."""
    from django.core.management import call_command
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                # The test's own flush recreated the content types and permissions under new
                # ids: empty the tables again, without that, and load the migrated rows as
                # they were (as ``serialized_rollback`` does).
                call_command(
                    "flush",
                    database=connection.alias,
                    interactive=False,
                    inhibit_post_migrate=True,
                    reset_sequences=False,
                    verbosity=0,
                )
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session", autouse=True)
def _migrated_data_serialized(django_db_setup, django_db_blocker):
    """The test database's migrated data, serialized once (as for ``serialized_rollback``) so
    that ``_restore_migrated_data`` can put it back whichever tests run on this worker."""
    from django.db import connection

    if getattr(connection, "_test_serialized_contents", None) is None:
        with django_db_blocker.unblock():
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """The message catalogues are compiled from the .po files (polib, no gettext needed)."""
    from wego_portal.catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language. A request to ``/es/...`` leaves Spanish active
    in the thread (LocaleMiddleware activates a language and never deactivates it), and
    ``reverse()`` in whichever test comes next on that worker would build ``/es/...`` addresses."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached pages live in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Ordinary tests run tasks in-process, even when REDIS_URL is set; the real-worker tests
    (marked ``celery_worker``) start their own worker with ``celery_worker_on_redis``."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _flush_routes() -> None:
    """Celery builds its router once: rebuild it from the current ``task_routes``."""
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)


@pytest.fixture
def celery_worker_on_redis():
    """A real worker thread consuming a private queue on the real Redis broker.

    The private queue keeps other workers (parallel test workers on the same broker database,
    tasks left over by earlier runs) out of the test's way; it is deleted afterwards.
    """
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    queue = f"wego-test-{worker_id}-{uuid.uuid4().hex[:12]}"
    sweep_queue = f"{queue}-sweep"
    previous = (
        celery_app.conf.task_always_eager,
        celery_app.conf.task_default_queue,
        celery_app.conf.task_routes,
    )
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = os.environ["REDIS_URL"]
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_routes = {
        "notifications.tasks.sweep_outbox_task": {"queue": sweep_queue},
    }
    _flush_routes()
    try:
        with start_worker(
            celery_app,
            perform_ping_check=False,
            shutdown_timeout=20,
            loglevel="WARNING",
            queues=[queue, sweep_queue],
        ) as worker:
            yield worker
    finally:
        (
            celery_app.conf.task_always_eager,
            celery_app.conf.task_default_queue,
            celery_app.conf.task_routes,
        ) = previous
        _flush_routes()
        with celery_app.connection_for_write() as conn:
            conn.default_channel.client.delete(
                *[
                    name
                    for q in (queue, sweep_queue)
                    for name in (q, f"_kombu.binding.{q}", f"_kombu.binding_permanent.{q}")
                ]
            )


@pytest.fixture(autouse=True)
def _media_roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "wego_portal.files.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture(scope="module")
def _wego_data_for_the_module(request, django_db_setup, django_db_blocker):
    with module_data.loaded_for_the_module(
        request, django_db_blocker, module_data.load_wego_data
    ) as data:
        yield data


@pytest.fixture
def wego_data(_wego_data_for_the_module, db):
    """The built-in data set (members, programs, events, awards, ...) as `load_wego_data` loads
    it: loaded once per test module, each test's changes rolled back (tests/module_data.py)."""
    _wego_data_for_the_module.check_loaded()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True, email="officer@wego.test")


def _database_line(config) -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
        # After the run the settings name the test database itself (test_<name>).
        name = database["NAME"]
        name = name if name.startswith("test_") else f"test_{name}"
        if getattr(config.option, "numprocesses", None):
            name += "_gw0, _gw1, ... (one per parallel worker)"
        return f"database: PostgreSQL ({where}, {name})"
    return "database: SQLite (the concurrency tests that need PostgreSQL are skipped)"


def pytest_report_header(config):
    return _database_line(config)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"Ran on {_database_line(terminalreporter.config)}")


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server (moto's standalone server from PyPI) for this test run."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the local S3 server (moto) did not start") from None
            time.sleep(0.2)
    try:
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def object_storage(settings, s3_server):
    """Media and private files on the local S3 server, in two fresh buckets of this test."""
    from wego_portal.object_storage import ensure_buckets
    from wego_portal.settings.base import s3_storages

    suffix = uuid.uuid4().hex[:10]
    buckets = s3_storages(
        public_bucket=f"wego-media-{suffix}",
        private_bucket=f"wego-private-{suffix}",
        endpoint_url=s3_server,
    )
    for entry in buckets.values():
        entry["OPTIONS"].update(access_key="testing", secret_key="testing")
    settings.STORAGES = {**settings.STORAGES, **buckets}
    ensure_buckets()
    return {
        "endpoint": s3_server,
        "public": f"wego-media-{suffix}",
        "private": f"wego-private-{suffix}",
    }
