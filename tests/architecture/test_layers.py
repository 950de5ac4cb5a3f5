"""The layers read one way (docs/architecture.md): views, admin and API call services; services
write models; selectors read them. A model imports no selector or service; a service imports
no view, form or admin. This walks every import of the apps' code, at any depth in a function
too, and fails on a new violation."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "awards",
    "catalog",
    "events",
    "governance",
    "health",
    "members",
    "news",
    "notifications",
    "privacy",
    "programs",
    "publications",
    "reports",
    "search",
    "wego_portal",
]
#: What a layer may not import: (the module's layer, the forbidden layers).
FORBIDDEN = {
    "models": {"selectors", "services"},
    "services": {"views", "forms", "admin"},
}


def layer_of(parts: tuple[str, ...]) -> str | None:
    """``programs/services/workflow.py`` and ``programs/services.py`` are both "services"."""
    for part in parts[1:]:
        name = part.removesuffix(".py")
        if name in FORBIDDEN or name in {"views", "forms", "admin", "selectors"}:
            return name
    return None


def modules(layer: str):
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "management" in relative.parts:
                continue
            if layer_of(relative.parts) == layer:
                yield relative


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """Every module ``path`` imports, as dotted names (relative imports resolved)."""
    package = list(path.with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = list(path.parent.parts)
    found: set[str] = set()
    text = (ROOT / path).read_text() if source is None else source
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def forbidden_imports(layer: str, imports: set[str]) -> list[str]:
    found = []
    for module in sorted(imports):
        parts = module.split(".")
        if parts[0] in APPS and FORBIDDEN[layer] & set(parts[1:]):
            found.append(module)  # (Django's own forms or DRF's views are not ours)
    return found


def violations(layer: str) -> list[str]:
    return [
        f"{path} imports {module}"
        for path in modules(layer)
        for module in forbidden_imports(layer, imported_modules(path))
    ]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_one_way(layer):
    assert violations(layer) == []


def test_the_walk_finds_the_layers_and_their_imports():
    """The test above would pass vacuously if it found no module or no import."""
    assert Path("catalog/models.py") in set(modules("models"))
    assert Path("programs/services.py") in set(modules("services")) or any(
        p.parts[:2] == ("programs", "services") for p in modules("services")
    )
    imports = imported_modules(Path("catalog/services.py"))
    assert "wego_portal.moderation.services" in imports
    assert "catalog.models" in imports


def test_a_violation_inside_a_function_is_found():
    source = "def build():\n    from .views import report_context\n    from . import forms\n"
    imports = imported_modules(Path("reports/services.py"), source)
    assert forbidden_imports("services", imports) == [
        "reports.forms",
        "reports.views",
        "reports.views.report_context",
    ]
    model_source = "from members.selectors import directory_version\n"
    imports = imported_modules(Path("members/models.py"), model_source)
    assert forbidden_imports("models", imports) == [
        "members.selectors",
        "members.selectors.directory_version",
    ]
