"""Shared fixtures: real files in tmp_path, built from small readable YAML texts."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# A small valid checklist; tests derive faulty variants from it by text replacement.
SMALL_CHECKLIST = textwrap.dedent(
    """\
    format: iso10002-checklist/1
    id: small
    title: Small test checklist
    standard: ISO 10002
    edition: "2018"
    version: 1
    scale:
      levels:
        - {value: 0, label: None}
        - {value: 1, label: Some}
        - {value: 2, label: Partly}
        - {value: 3, label: Done}
        - {value: 4, label: Measured}
        - {value: 5, label: Improved}
      pass_threshold: 3
      major_gap: 2
    readiness: {ready_at: 0.90, conditional_at: 0.75}
    clauses:
      - ref: "4"
        title: Principles
        clauses:
          - ref: "4.1"
            title: General
            criteria:
              - id: "4.1.a"
                question: Are the principles written down?
                evidence: [Policy]
              - id: "4.1.b"
                question: Are they applied?
                weight: 2
      - ref: "7"
        title: Operation
        weight: 2
        clauses:
          - ref: "7.2"
            title: Receipt
            criteria:
              - id: "7.2.a"
                question: Is every complaint recorded?
                essential: true
                target: 4
    """
)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the n-th occurrence of `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s)")


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
