"""A wheel built from this checkout works without it: installed into a new virtual environment,
with no source tree on the path, its `iso10002` lists the built-in checklists, loads the demo,
scores and migrates the example files, and gives the same figures as the code in this checkout.

The wheel is built once for the module, offline (`--no-build-isolation`, `--no-index`) with this
environment's setuptools. The new environment gets only the wheel; the dependencies already
installed here are made visible to it by a `.pth` file naming this environment's site-packages.
Python adds such a line to the path without reading the `.pth` files in that folder, so the
editable install of this checkout, which is one of them, cannot leak in.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import tomllib
import venv
import zipfile
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from assessment.checklist.editions import migrate
from assessment.checklist.loader import load_checklist
from assessment.cli.score_command import overall_text
from assessment.demo.builder import DEMO_ORGANIZATIONS
from assessment.portable.assessment_file import load_assessment_file
from assessment.scoring.engine import score_assessment
from assessment.scoring.numbers import counted
from assessment.settings import SETTINGS
from tests.conftest import REPO

EXAMPLES = ["northwind-2018.yaml", "northwind-2014.yaml"]
# What the build never needs, and what a build or a run leaves in a checkout.
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "data",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "tour",
    "test-artifacts",
)


def run(args: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built from a copy so that the build leaves nothing here and
    an old build/ folder cannot slip stale files into it."""
    build_system = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]
    for wanted in map(Requirement, build_system["requires"]):
        if version(wanted.name) not in wanted.specifier:
            pytest.fail(
                f"the build needs {wanted}, this environment has {version(wanted.name)}: "
                "`python3 tasks.py test` installs the version of requirements.lock"
            )
    source = tmp_path_factory.mktemp("source") / "checkout"
    shutil.copytree(REPO, source, ignore=NOT_COPIED)
    out = tmp_path_factory.mktemp("wheel")
    run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
            *("--no-index", "--quiet", "-w", out, source),
        ]
    )
    (built,) = out.glob("*.whl")
    return built


def outside_env() -> dict[str, str]:
    """This process's environment without what would point the new one at this checkout or at
    this machine's settings of the toolkit."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", *(s.name for s in SETTINGS)}
    return {k: v for k, v in os.environ.items() if k not in dropped} | {"PYTHONNOUSERSITE": "1"}


@dataclass(frozen=True)
class Installed:
    root: Path
    python: Path
    command: Path
    env: dict[str, str]

    def run(self, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        return run([self.command, *args], cwd=cwd, env=self.env)


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("venv") / "env"
    venv.create(root, with_pip=False)
    python = root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = outside_env()
    # This environment's pip installs into the new one; the wheel goes in before the
    # dependencies are visible, so pip sees an empty environment and touches nothing here.
    run(
        [
            *(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps"),
            *("--no-index", "--quiet", wheel),
        ],
        env=env,
    )
    paths = json.loads(
        run(
            [python, "-c", "import json, sysconfig; print(json.dumps(sysconfig.get_paths()))"],
            env=env,
        ).stdout
    )
    dependencies = "".join(f"{folder}\n" for folder in site.getsitepackages())
    (Path(paths["purelib"]) / "installed_dependencies.pth").write_text(dependencies)
    command = Path(paths["scripts"]) / ("iso10002.exe" if os.name == "nt" else "iso10002")
    return Installed(root, python, command, env)


def test_the_wheel_carries_every_module_and_file_of_the_source_tree(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        path.relative_to(REPO).as_posix(): path
        for folder in ("assessment", "evidence")
        for path in (REPO / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    # The top-level checklists/ folder travels as package data of assessment.checklist.
    expected |= {
        f"assessment/checklist/builtin/{path.relative_to(REPO / 'checklists').as_posix()}": path
        for path in (REPO / "checklists").rglob("*.yaml")
    }
    missing = sorted(name for name in expected if name not in names)
    assert missing == [], f"not in the wheel, add to pyproject.toml's packages: {missing}"
    for name, path in expected.items():  # shipped as they are in the repository
        assert zipfile.ZipFile(wheel).read(name) == path.read_bytes(), name


def test_the_installed_code_is_the_wheel_not_this_checkout(installed: Installed, tmp_path: Path):
    shown = run(
        [
            installed.python,
            "-c",
            "import sys, assessment, yaml\n"
            "from assessment.checklist.loader import BUILTIN_DIR\n"
            "print(assessment.__file__, BUILTIN_DIR, yaml.__file__, sep='\\n')\n"
            "print(*(m for m in sys.modules if m.startswith('__editable__')))",
        ],
        cwd=tmp_path,
        env=installed.env,
    ).stdout.splitlines()
    code, checklists, dependency = map(Path, shown[:3])
    assert code.is_relative_to(installed.root)
    assert checklists.is_relative_to(installed.root)
    assert not dependency.is_relative_to(installed.root)  # taken from this environment
    assert shown[3:] == [""]  # the editable install of this checkout was not started


def test_checklist_list_shows_the_builtin_checklists(installed: Installed, tmp_path: Path):
    listed = installed.run("checklist", "list", cwd=tmp_path).stdout
    builtin = sorted((REPO / "checklists").glob("*.yaml"))
    assert builtin
    rows = {line.split()[0]: line.split() for line in listed.splitlines()[2:]}
    for path in builtin:
        checklist = load_checklist(path)
        assert checklist.id in rows, listed
        _, edition, version_, criteria, file = rows[checklist.id]
        assert (edition, version_, criteria) == (
            checklist.edition,
            str(checklist.version),
            str(len(checklist.criteria)),
        )
        assert Path(file).is_relative_to(installed.root)


def test_demo_loads_into_the_data_folder_of_where_it_runs(installed: Installed, tmp_path: Path):
    loaded = installed.run("demo", cwd=tmp_path).stdout
    assert loaded.startswith("loaded demo data: ")
    assert (tmp_path / "data" / "iso10002.db").is_file()  # ISO10002_DATA_DIR's default
    listed = installed.run("assessments", cwd=tmp_path).stdout
    for organization in DEMO_ORGANIZATIONS:
        assert organization in loaded
        assert organization in listed


@pytest.mark.parametrize("example", EXAMPLES)
def test_score_gives_the_figures_of_this_checkout(
    installed: Installed, tmp_path: Path, example: str
):
    file = tmp_path / example
    shutil.copy(REPO / "examples" / example, file)
    scored = installed.run("score", file, cwd=tmp_path).stdout
    loaded = load_assessment_file(file)
    a = loaded.assessment
    result = score_assessment(
        loaded.checklist,
        a.scoring_responses(),
        a.action_links(),
        supported=a.supported_criteria(date.today()),
    )
    assert "Overall readiness: " in scored
    assert overall_text(result) in scored


def test_migrate_uses_the_shipped_edition_mapping(installed: Installed, tmp_path: Path):
    file = tmp_path / "northwind-2014.yaml"
    shutil.copy(REPO / "examples" / file.name, file)
    out = tmp_path / "northwind-on-2018.yaml"
    done = installed.run("migrate", file, "--to", "iso10002-2018", "--out", out, cwd=tmp_path)
    carried = migrate(load_assessment_file(file), "iso10002-2018").carried
    assert f"carried {counted(len(carried), 'answer')} to iso10002-2018" in done.stderr
    assert load_assessment_file(out).checklist.id == "iso10002-2018"
