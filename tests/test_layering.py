"""The pure core stays pure: rehab/domain and reports/ never import Flask or SQLAlchemy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("flask", "sqlalchemy", "flask_wtf", "flask_login", "wtforms", "rehab.models", "rehab.web",
             "rehab.services", "rehab.db")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder", ["rehab/domain", "reports"])
def test_pure_layers_do_not_import_frameworks(folder):
    files = list((ROOT / folder).rglob("*.py"))
    assert files, f"{folder} is empty"
    for path in files:
        for name in _imports(path):
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), f"{path} imports {name}"
