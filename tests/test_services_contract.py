"""The services' contract (assessment/services/__init__.py), held for every public call.

The app and the command line reach the database only through each services module's
`__all__`: calls that take the store and the acting user (an Actor, which the call checks),
run one transaction, and hand back plain records, never ORM rows. Whatever works inside a
caller's transaction (it takes a Session) is private to the services package.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import typing

import pytest

from assessment.access.roles import Actor
from assessment.storage import tables
from assessment.storage.store import Store
from tests.conftest import REPO

SERVICES = sorted(
    p.stem for p in (REPO / "assessment" / "services").glob("*.py") if p.name != "__init__.py"
)


def holds_rows(hint: object) -> bool:
    """Whether a type (or a container, union or tuple of them) is or holds an ORM row class."""
    if inspect.isclass(hint) and issubclass(hint, tables.Base):
        return True
    return any(holds_rows(arg) for arg in typing.get_args(hint))


# Public calls without an acting user, each for a reason.
NO_ACTOR = {
    "has_users": "the first start asks whether any account exists, before anyone signs in",
    "create_first_admin": "the first start makes the first account; no one exists to act",
    "actor_for": "makes the Actor of an account",
    "actor_for_username": "makes the Actor of an account (the command line's --as)",
    "sign_in": "signing in makes the actor",
    "sign_in_by_email": "signing in makes the actor",
    "resume_session": "a session token makes the actor",
    "sign_out": "ends a session by its token",
    "is_empty": "the first start asks whether there is anything at all",
    "manages_action": "a rule about an Actor, no store",
    "as_role": "a conversion, no store",
    "open_vault": "the evidence vault as configured, no database",
    "vault_errors": "the vault's errors as the toolkit's, no database",
    "vault_at": "the vault backup and restore are given, no database",
}


def public_calls():
    for module_name in SERVICES:
        module = importlib.import_module(f"assessment.services.{module_name}")
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value):
                yield pytest.param(module, name, value, id=f"{module_name}.{name}")


def test_every_services_module_declares_its_public_surface():
    missing = [
        name
        for name in SERVICES
        if not hasattr(importlib.import_module(f"assessment.services.{name}"), "__all__")
    ]
    assert missing == []


@pytest.mark.parametrize(("module", "name", "call"), list(public_calls()))
def test_a_public_call_takes_the_store_and_the_actor_and_returns_no_row(module, name, call):
    hints = typing.get_type_hints(call)
    parameters = list(inspect.signature(call).parameters)
    assert "session" not in parameters, "what takes a Session is private to the services"
    if name not in NO_ACTOR:
        assert parameters[:2] == ["store", "actor"], parameters
        assert hints["store"] is Store
        assert hints["actor"] is Actor, "the acting user is an Actor, never a bare name"
    assert not holds_rows(hints.get("return")), "a public call returns records, never rows"


def imported_names(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "assessment.services."
        ):
            for alias in node.names:
                yield node.module, alias.name


def test_the_app_and_the_command_line_use_only_the_public_surface():
    outside = [
        *(REPO / "ui").rglob("*.py"),
        REPO / "app.py",
        *(p for p in (REPO / "assessment").rglob("*.py") if "services" not in p.parts),
    ]
    private = []
    for path in outside:
        for module, name in imported_names(path):
            if name not in importlib.import_module(module).__all__:
                private.append(f"{path.relative_to(REPO)}: {module}.{name}")
    assert private == []
