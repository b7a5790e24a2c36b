"""The house as drawn (ARCHITECTURE.md): code outside a room of the core reaches it only
through the room's ``__init__`` (its public surface), never through its modules. The
layers themselves are import-linter's job (``make lint``)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PRODUCT = ("newsdesk", "api", "ui", "services", "ingest", "rag")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def test_rooms_are_entered_through_their_front_door() -> None:
    bypasses = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            here = parts[1] if parts[0] == "rag" and len(parts) > 2 else None
            for line, module in _imports(path):
                names = module.split(".")
                if names[0] == "rag" and len(names) > 2 and names[1] != here:
                    bypasses.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    assert bypasses == []


def test_no_two_modules_of_the_product_share_a_name_across_layers() -> None:
    """A module's name says the one thing it does: ``feeds.py`` in three layers named
    three things. (Package ``__init__`` files and the rooms' own names are exempt.)"""
    seen: dict[str, list[str]] = {}
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if path.name != "__init__.py":
                seen.setdefault(path.stem, []).append(str(path.relative_to(ROOT)))
    shared = {name: sorted(paths) for name, paths in seen.items() if len(paths) > 1}
    assert shared == {}
