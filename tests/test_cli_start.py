"""The command line starts light: `--help` and `score FILE` load no database layer, no Excel,
PDF or password library (each command's module is imported when that command runs)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from assessment.cli import cli
from assessment.cli.commands import COMMANDS, load_command
from tests.conftest import REPO

HEAVY = ("sqlalchemy", "psycopg", "alembic", "openpyxl", "reportlab", "argon2", "pandas", "pypdf")


def loaded_after(args: list[str]) -> list[str]:
    """The heavy libraries imported by one run of the command line, in a fresh interpreter."""
    probe = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from assessment.cli import cli\n"
        f"result = CliRunner().invoke(cli, {args!r})\n"
        "assert result.exit_code == 0, result.output\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [["--help"], ["score", str(REPO / "examples" / "northwind-2018.yaml")], ["checklist", "list"]],
    ids=["help", "score", "checklist list"],
)
def test_a_light_command_loads_nothing_heavy(args):
    assert loaded_after(args) == []


def test_the_help_lists_every_command_with_its_own_first_line():
    shown = " ".join(CliRunner().invoke(cli, ["--help"], terminal_width=400).output.split())
    for name, entry in COMMANDS.items():
        command = load_command(name)
        assert command.name == name
        assert entry.short_help == command.get_short_help_str(200), name
        assert f"{name} {entry.short_help}" in shown


def test_an_unknown_command_is_refused_with_usage():
    result = CliRunner().invoke(cli, ["scroe"])
    assert result.exit_code == 2
    assert "No such command 'scroe'" in result.output
