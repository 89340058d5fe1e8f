"""One family of errors a user is told about, handled once per interface."""

from __future__ import annotations

import ast
import importlib
import inspect

from click.testing import CliRunner

from assessment import errors
from assessment.errors import Conflict, InvalidInput, NotFound, Refused, StoreProblem, UserError
from tests.conftest import REPO

KINDS = (NotFound, Refused, Conflict, InvalidInput, StoreProblem)
# Exceptions that never reach a user: control flow inside one module.
INTERNAL = {"CellError", "_AlreadySetUp"}


def test_every_error_of_the_family_is_one_of_the_five_kinds():
    classes = [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, Exception) and c.__module__ == errors.__name__
    ]
    assert len(classes) > 20
    for error in classes:
        if error in (UserError, *KINDS):
            continue
        assert issubclass(error, KINDS), f"{error.__name__} is not one of the kinds"


def test_no_exception_class_is_declared_outside_errors_py():
    """A new refusal goes into assessment/errors.py, so no handler list must be edited."""
    found = []
    for root in ("assessment", "ui"):
        for path in (REPO / root).rglob("*.py"):
            if path.name == "errors.py" and path.parent.name == "assessment":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and node.name not in INTERNAL:
                    bases = {ast.unparse(b) for b in node.bases}
                    if any(b.endswith(("Exception", "Error")) for b in bases):
                        found.append(f"{path.relative_to(REPO)}: {node.name}")
    assert found == []


def test_the_command_line_handler_turns_any_user_error_into_one_line(monkeypatch):
    from assessment.cli import cli

    score_command = importlib.import_module("assessment.cli.score_command")

    def refuse(*_args, **_kwargs):
        raise StoreProblem("the store is away for the test")

    monkeypatch.setattr(score_command, "load_assessment_file", refuse)
    result = CliRunner().invoke(cli, ["score", "whatever.yaml"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: the store is away for the test"


def test_a_programming_error_is_not_caught_as_a_user_error(monkeypatch):
    from assessment.cli import cli

    score_command = importlib.import_module("assessment.cli.score_command")

    def bug(*_args, **_kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(score_command, "load_assessment_file", bug)
    result = CliRunner().invoke(cli, ["score", "whatever.yaml"])
    assert isinstance(result.exception, KeyError)
