"""The README tells the truth: its commands run and its examples validate."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.checklist.loader import checklist_from_text
from assessment.checklist.model import (
    Checklist,
    Clause,
    Criterion,
    ReadinessRules,
    Scale,
    ScaleLevel,
)
from assessment.portable.assessment_file import load_assessment_text
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    commands = [
        line.split("#")[0].strip() for line in code_blocks("sh")[0].splitlines() if line.strip()
    ]
    assert commands == ["python3 tasks.py app", "python3 tasks.py test"]
    ci = (REPO / ".ci" / "run").read_text()
    assert "exec python3 tasks.py test" in ci
    assert README.index("## Quick start") < README.index("## User guide")


def test_every_tasks_command_the_readme_names_exists():
    import tasks

    named = set(re.findall(r"python3 tasks\.py (\w+)", README))
    assert named == set(tasks.COMMANDS)  # app, test and the developers' tour


def test_checklist_example_is_valid():
    example = next(b for b in code_blocks("yaml") if b.startswith("format: iso10002-checklist/1"))
    checklist = checklist_from_text(example, "README example", file_stem="my-complaints-check")
    assert [c.id for c in checklist.criteria] == ["7.2.a", "7.2.b"]


def test_assessment_example_is_valid():
    example = next(b for b in code_blocks("yaml") if b.startswith("format: iso10002-assessment/1"))
    loaded = load_assessment_text(example, "README example")
    assert loaded.checklist.id == "iso10002-2018"


@pytest.mark.parametrize("model", [Checklist, Clause, Criterion, Scale, ScaleLevel, ReadinessRules])
def test_every_checklist_key_is_documented(model):
    guide = section("Writing a checklist")
    missing = [
        name for name in model.model_fields if f"`{name}`" not in guide and f"{name}:" not in guide
    ]
    assert not missing


def test_command_line_examples_run(tmp_path: Path):
    examples = next(b for b in code_blocks("sh") if "\niso10002 " in f"\n{b}")
    commands = [line for line in examples.splitlines() if line.startswith("iso10002 ")]
    assert len(commands) >= 5
    for folder in ("checklists", "examples"):
        (tmp_path / folder).symlink_to(REPO / folder)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("DATABASE_URL", None)  # the default: a SQLite file in ./data of the folder
    env.pop("ISO10002_DATA_DIR", None)
    for command in commands:
        result = subprocess.run(
            command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{command}\n{result.stderr}"
    assert (tmp_path / "northwind-2018-migrated.yaml").exists()
    assert (tmp_path / "data" / "iso10002.db").exists()
    assert (tmp_path / "kestrel-2026.yaml").exists()


def _architecture_paths() -> list[str]:
    """The paths the README's architecture tree names (indentation makes the nesting)."""
    block = section("Development").split("### Architecture", 1)[1].split("```")[1]
    paths, parents = [], []
    for line in block.splitlines():
        name = line.strip().split(" ", 1)[0]
        if not name or not (name.endswith("/") or "." in name):
            continue  # a continuation of the description above
        depth = (len(line) - len(line.lstrip())) // 2
        parents[depth:] = [name]
        paths.append("".join(parents))
    return paths


def test_the_architecture_tree_matches_the_source_tree():
    paths = _architecture_paths()
    assert "assessment/scoring/" in paths
    missing = [p for p in paths if not (REPO / p).exists() and p != "tour/"]
    assert missing == [], f"the README names what does not exist: {missing}"
    packages = {
        f"{folder.relative_to(REPO).as_posix()}/"
        for root in ("assessment", "ui", "evidence")
        for folder in [REPO / root, *(REPO / root).rglob("*")]
        if folder.is_dir() and (folder / "__init__.py").exists()
    }
    unlisted = sorted(
        p
        for p in packages
        if p not in paths and not p.startswith(("assessment/storage/", "assessment/reports/pdf"))
    )
    assert unlisted == [], f"packages the README's architecture leaves out: {unlisted}"
    stray = sorted(
        f.relative_to(REPO).as_posix()
        for f in (REPO / "assessment").glob("*.py")
        if f.name not in ("__init__.py", "__main__.py")
    )
    assert [f"{p}" for p in stray if f"{p}" not in paths] == []
