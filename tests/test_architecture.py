"""docs/architecture.md's rules about imports, checked on the code: the ground floor imports no
component, no component imports ops, and cases' services and bundle services import one way only."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "onewindow"
COMPONENTS = {"catalog", "cases", "hall", "evaluation", "integrations", "workbench", "trading", "ops"}


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions, relative imports resolved."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.update({base} | {f"{base}.{alias.name}" for alias in node.names})
    return found


def source_files(component: str):
    return [
        p
        for p in (PACKAGE / component).rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts
    ]


@pytest.mark.parametrize("path", source_files("core"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_ground_floor_imports_no_component(path):
    reached = {
        name
        for name in imports_of(path)
        if name.split(".")[:2][-1] in COMPONENTS and name.startswith("onewindow.")
    }
    assert not reached, f"core must not import components: {sorted(reached)}"


@pytest.mark.parametrize("component", sorted(COMPONENTS - {"ops"}))
def test_no_component_imports_ops(component):
    for path in source_files(component):
        assert not any(name.startswith("onewindow.ops") for name in imports_of(path)), path


def test_cases_services_do_not_import_bundle_services():
    assert not any("bundle_services" in name for name in imports_of(PACKAGE / "cases" / "services.py"))


def test_every_api_schema_has_its_own_name():
    """OpenAPI components are named after the schema classes: two classes of one name (a case's and a
    ticket's ActionIn) would show one of them for both in /api/docs."""
    import importlib
    import inspect

    from pydantic import BaseModel

    seen: dict[str, str] = {}
    for path in sorted(PACKAGE.glob("*/api.py")):
        module = importlib.import_module(f"onewindow.{path.parent.name}.api")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                assert name not in seen, f"{name} in both {seen[name]} and {module.__name__}"
                seen[name] = module.__name__
