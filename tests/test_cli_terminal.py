"""Text from files and other people reaches the terminal harmless: every escape sequence shown
as visible `\\uXXXX`, in tables, messages, errors and JSON, while the data stays as it was."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessment.cli import cli
from assessment.cli.output import render_table, terminal_safe
from tests.conftest import REPO

TITLE_TRICK = "\x1b]0;pwned\x07"  # sets the terminal's title
CLEAR = "\x1b[2J"  # clears the screen
CSI = "\x9b31m"  # the one-byte form of ESC [
OVERRIDE = "\u202e"  # shows what follows right to left
HOSTILE = f"Gap {TITLE_TRICK}analysis{CLEAR} 2026{CSI} \r{OVERRIDE}txt.exe"


def unsafe(text: str) -> list[str]:
    """The characters of `text` that act on a terminal instead of being shown."""
    return [
        c
        for c in text
        if c not in "\n\t" and (unicodedata.category(c) == "Cc" or c in "\u202a\u202b\u202d\u202e")
    ]


def test_control_characters_are_shown_not_obeyed():
    shown = terminal_safe(HOSTILE)
    assert unsafe(shown) == []
    assert "\\u001b]0;pwned\\u0007" in shown
    assert "\\u009b31m" in shown
    assert "\\u202e" in shown
    assert "\\u000d" in shown
    assert terminal_safe(shown) == shown  # made safe once is safe


def test_ordinary_text_is_left_alone():
    text = "Deniz Aydın — 7.4 «Acknowledgement» ✓\n\tindented"
    assert terminal_safe(text) == text


def test_json_made_safe_still_reads_back_as_the_same_data():
    payload = {"title": HOSTILE, "owner": "Deniz Aydın"}
    shown = terminal_safe(json.dumps(payload, ensure_ascii=False))
    assert unsafe(shown) == []
    assert json.loads(shown) == payload


def test_table_columns_line_up_with_what_is_shown():
    table = render_table(["id", "title"], [["A1", "x\x07y"], ["A2", "plain"]]).splitlines()
    assert table[2] == "A1  x\\u0007y"
    assert table[3].startswith("A2  plain")
    assert len(table[1]) == len("A1  x\\u0007y")


def test_every_command_writes_through_the_one_safe_output():
    """No module of the command line writes to the terminal any other way."""
    for path in sorted((REPO / "assessment" / "cli").glob("*.py")):
        if path.name == "output.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                assert name not in {"click.echo", "click.secho", "print"}, f"{path.name}: {name}"
            if isinstance(node, ast.Attribute) and ast.unparse(node) in {
                "sys.stdout.write",
                "sys.stderr.write",
            }:
                pytest.fail(f"{path.name} writes to {ast.unparse(node)}")


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    data = yaml.safe_load((REPO / "examples" / "northwind-2018.yaml").read_text(encoding="utf-8"))
    data["title"] = HOSTILE
    data["organization"]["name"] = f"Northwind{TITLE_TRICK}"
    data["actions"][0]["title"] = f"Acknowledge{CLEAR}e-mails"
    data["actions"][0]["owner"] = f"Deniz{TITLE_TRICK}"
    data["responses"]["4.1.a"]["notes"] = f"see{TITLE_TRICK}"
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def runner(tmp_path, monkeypatch, hostile_file):
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(hostile_file)])
    assert imported.exit_code == 0, imported.output
    assert unsafe(imported.output) == []
    return runner


@pytest.mark.parametrize(
    "args",
    [
        ["assessments"],
        ["show", "1"],
        ["show", "1", "--json"],
        ["action", "list", "1"],
        ["evidence", "list", "1"],
        ["user", "members", "Northwind\x1b]0;pwned\x07"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_stored_text_reaches_the_terminal_harmless(runner, args):
    result = runner.invoke(cli, args)
    shown = result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exit_code == 0, shown
    assert unsafe(shown) == [], shown
    assert "Traceback" not in shown


def test_the_assessments_list_shows_the_trick_visibly(runner):
    result = runner.invoke(cli, ["assessments"])
    assert result.exit_code == 0, result.output
    assert "\\u001b]0;pwned\\u0007" in result.output


def test_scoring_a_hostile_file_is_harmless_in_text_and_json(runner, hostile_file):
    text = runner.invoke(cli, ["score", str(hostile_file)])
    assert text.exit_code == 0, text.output
    assert unsafe(text.output) == []
    as_json = runner.invoke(cli, ["score", str(hostile_file), "--json"])
    assert unsafe(as_json.output) == []
    json.loads(as_json.output)  # still JSON


def test_the_export_keeps_the_data_and_escapes_it_in_its_own_format(runner):
    """Piped into a file, the export is the data: YAML writes every control character as an
    escape of its own, and reading it back gives the title as it was."""
    exported = runner.invoke(cli, ["export", "1", "--out", "-"])
    assert exported.exit_code == 0, exported.output
    assert [c for c in exported.output if unicodedata.category(c) == "Cc" and c not in "\n"] == []
    # the data, whole (a title's runs of white space, the carriage return among them, are one
    # space when stored)
    assert yaml.safe_load(exported.output)["title"] == " ".join(HOSTILE.split())


def test_a_refusal_naming_what_was_typed_is_harmless(tmp_path):
    """Click's own messages repeat the argument: the console script writes them safe too."""
    missing = tmp_path / f"no{TITLE_TRICK}.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "assessment", "score", str(missing)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode != 0
    assert unsafe(done.stdout + done.stderr) == []
    assert "no\\u001b]0;pwned\\u0007.yaml" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "assessment", f"--bog{TITLE_TRICK}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2
    assert unsafe(done.stderr) == []
    assert "No such option" in done.stderr
