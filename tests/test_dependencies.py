"""Dependencies point one way: cli → build → site → renderers → lint/readers → model, and only the
web app (loa.web) uses Django (docs/architecture.md, STYLE.md). Imports are read from the source,
so an import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import loa

PACKAGE = Path(loa.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Return every module a source file imports, relative imports resolved."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}  # `from loa import model`
    return found


MODULES = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def loa_imports(module: str) -> set[str]:
    """Return the loa modules a module imports (names like loa.model, loa.readers.source)."""
    return {name for name in MODULES[module] if name == "loa" or name.startswith("loa.")}


def within(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def modules_in(package: str) -> list[str]:
    return [name for name in MODULES if within(name, package)]


def test_the_import_reader_sees_every_module() -> None:
    assert {"loa.model", "loa.cli", "loa.build", "loa.readers.campaign"} <= MODULES.keys()
    assert "loa.model" in loa_imports("loa.readers.campaign")
    assert "loa.errors" in loa_imports("loa.readers.source")


def test_only_the_web_app_imports_django() -> None:
    offenders = {
        name: sorted(i for i in imports if within(i, "django"))
        for name, imports in MODULES.items()
        if not within(name, "loa.web")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_core_does_not_import_the_web_app() -> None:
    core = [name for name in MODULES if not within(name, "loa.web")]
    assert sorted(name for name in core if any(within(i, "loa.web") for i in loa_imports(name))) == []


def test_model_imports_nothing_from_loa() -> None:
    assert loa_imports("loa.model") - {"loa.model"} == set()


def test_errors_import_nothing_from_loa() -> None:
    assert loa_imports("loa.errors") == set()


@pytest.mark.parametrize("module", modules_in("loa.readers"))
def test_readers_import_only_the_model_errors_and_other_readers(module: str) -> None:
    allowed = ("loa.model", "loa.errors", "loa.readers", "loa.colour")  # colour: pure WCAG arithmetic
    assert sorted(i for i in loa_imports(module) if not within(i, *allowed) and i != "loa") == []


@pytest.mark.parametrize("module", modules_in("loa.renderers"))
def test_renderers_do_not_import_build_cli_or_site(module: str) -> None:
    assert sorted(i for i in loa_imports(module) if within(i, "loa.build", "loa.cli", "loa.site")) == []


@pytest.mark.parametrize("module", ["loa.lint", *modules_in("loa.site")])
def test_lint_and_site_do_not_import_build_or_cli(module: str) -> None:
    assert sorted(i for i in loa_imports(module) if within(i, "loa.build", "loa.cli")) == []


def test_nothing_imports_the_cli() -> None:
    assert sorted(name for name in MODULES if name != "loa.cli" and "loa.cli" in loa_imports(name)) == []


def test_colour_imports_nothing_from_loa() -> None:
    assert sorted(i for i in loa_imports("loa.colour") if i != "loa") == []
