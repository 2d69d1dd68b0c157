"""Data flows one way: tui -> advisor -> tools -> knowledge, with evals/ on top measuring them all.
A lower package never imports a higher one (advisor's CLI gets the higher ones as plugins)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["knowledge", "tools", "advisor", "tui", "evals"]  # each may import only those before it (and itself)


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports, lazily inside functions included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ORDER)
def test_packages_import_only_downwards(package: str) -> None:
    higher = set(ORDER[ORDER.index(package) + 1:])
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & higher)
        for path in sorted((ROOT / package).rglob("*.py"))
        if imported_packages(path) & higher
    }
    assert offenders == {}
