"""No module of app code is over 600 lines (docs/architecture.md): a module that grows past it
is split by concern into a package, as ``programs/services/`` and ``wego_portal/settings/``
are. Migrations are generated and do not count."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 600


def apps() -> list[Path]:
    """Every app of the project: a top-level folder with an ``apps.py`` (new apps included)."""
    return sorted(path.parent for path in ROOT.glob("*/apps.py"))


def app_modules():
    for app in apps():
        for path in sorted(app.rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def test_no_app_module_is_over_600_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in app_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }

    assert too_long == {}, f"split these modules by concern: {too_long}"


def test_the_walk_finds_every_app_and_its_modules():
    names = {app.name for app in apps()}
    modules = {str(path.relative_to(ROOT)) for path in app_modules()}

    assert {"programs", "members", "health", "wego_portal"} <= names
    assert "wego_portal/settings/base.py" in modules
    assert "programs/services/workflow.py" in modules
    assert not any("/migrations/" in module for module in modules)
