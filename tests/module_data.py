"""A data set loaded once for a test module instead of once per test (see the WeGO data set).

The built-in WeGO data set takes seconds to load (about ten on a CI machine); loading it again
for each of the tests that read it was minutes of the suite. A module's fixture loads it once,
the way ``TestCase.setUpTestData`` does for a class: in a transaction left open while the tests
that use it run, then rolled back. Each test's own transaction (pytest-django's ``db``) is a
savepoint inside it, so what a test changes is rolled back after that test and the next one
sees the data as loaded.

Such a fixture's name ends with ``_for_the_module``. The suite's conftest runs a module's tests
that use it one after another, after the module's other tests that run in a transaction, and
rolls the data set back as soon as the next test is not one of them: a test that commits
(``transaction=True``, a live server) or that expects an empty database never sees it.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import transaction

#: The name ending of the fixtures that hold a module-wide data set.
MODULE_DATA_SUFFIX = "_for_the_module"


class ModuleData:
    """The open transaction holding a module's data set (at most one at a time)."""

    current: "ModuleData | None" = None

    def __init__(self, module: str, django_db_blocker) -> None:
        self.module = module
        self.blocker = django_db_blocker
        self.outer: transaction.Atomic | None = None

    def open(self, load: Callable[[], object]) -> None:
        if ModuleData.current is not None:
            ModuleData.current.close()
        with self.blocker.unblock():
            self.outer = transaction.atomic()
            self.outer.__enter__()
            ModuleData.current = self
            try:
                load()
            except BaseException:
                self.close()
                raise

    def close(self) -> None:
        """Roll the data set back (again: nothing)."""
        if self.outer is None:
            return
        outer, self.outer = self.outer, None
        if ModuleData.current is self:
            ModuleData.current = None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    def check_loaded(self) -> None:
        if self.outer is None:
            pytest.fail(
                f"{self.module}'s data set was rolled back before this test: the tests that use "
                "it run one after another (tests/conftest.py orders them)"
            )


@contextmanager
def loaded_for_the_module(
    request: pytest.FixtureRequest, django_db_blocker, load: Callable[[], object]
) -> Iterator[ModuleData]:
    """For a module-scoped fixture: ``load`` in a transaction, rolled back at the latest when
    the module's tests are done."""
    data = ModuleData(request.node.nodeid, django_db_blocker)
    data.open(load)
    try:
        yield data
    finally:
        data.close()


def roll_back_unless_used_next(nextitem: pytest.Item | None) -> None:
    """After a test: roll the open data set back unless the next test uses it too."""
    data = ModuleData.current
    if data is None:
        return
    if nextitem is None or not (uses_module_data(nextitem) and module_of(nextitem) == data.module):
        data.close()


def load_wego_data() -> None:
    with open(os.devnull, "w") as devnull:
        call_command("load_wego_data", stdout=devnull)


def module_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def uses_module_data(item: pytest.Item) -> bool:
    return any(name.endswith(MODULE_DATA_SUFFIX) for name in getattr(item, "fixturenames", ()))


def commits(item: pytest.Item) -> bool:
    """Whether the test commits (``transaction=True``, a live server reading through a
    connection of its own): it could neither see a module's uncommitted data nor leave it be."""
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and bool(
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    )
    committing = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return transactional or bool(committing & set(getattr(item, "fixturenames", ())))


def order(items: list[pytest.Item]) -> None:
    """Within each run of a module's tests, those that use its data set last (else in order).

    Runs after pytest-django's own ordering (tests in a transaction first, then those that
    commit, then those without a database), which splits a module into up to three runs, kept
    apart here; the data set's tests, in a transaction, are all in the first.
    """
    committing = [item.nodeid for item in items if uses_module_data(item) and commits(item)]
    if committing:
        raise pytest.UsageError(
            "A module-wide data set is for tests that run in a transaction, not for tests that "
            f"commit: {', '.join(committing)}"
        )
    runs: list[int] = []
    for position, item in enumerate(items):
        same = position and _run_of(items[position - 1]) == _run_of(item)
        runs.append(runs[-1] if same else position)
    keyed = sorted(zip(runs, items, strict=True), key=lambda p: (p[0], uses_module_data(p[1])))
    items[:] = [item for _run, item in keyed]


def _run_of(item: pytest.Item) -> tuple[str, bool, bool]:
    fixtures = getattr(item, "fixturenames", ())
    in_database = item.get_closest_marker("django_db") is not None or "db" in fixtures
    return module_of(item), commits(item), in_database
