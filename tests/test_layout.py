"""The layers keep to their side: the core never imports Streamlit, the vault never imports
the toolkit, and the app reaches the database only through the services."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def importers(folder: str, prefix: str) -> list[str]:
    return sorted(
        str(path.relative_to(REPO))
        for path in (REPO / folder).rglob("*.py")
        if any(m == prefix or m.startswith(f"{prefix}.") for m in imported_modules(path))
    )


def test_the_core_never_imports_streamlit():
    assert importers("assessment", "streamlit") == []
    assert importers("evidence", "streamlit") == []


def test_the_evidence_vault_stands_on_its_own():
    assert importers("evidence", "assessment") == []


def test_pages_and_components_use_no_sql_or_tables():
    assert importers("ui", "sqlalchemy") == ["ui/components/database.py"]  # its error message
    assert importers("ui", "assessment.storage.tables") == []
