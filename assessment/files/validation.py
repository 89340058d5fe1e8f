"""Turn pydantic's validation errors into plain sentences placed on the user's line.

Pydantic says "Input should be a valid string" at ('clauses', 3, 'ref'); a checklist author
needs "clause 4.10: 'ref' must be text in quotes, e.g. ref: \"4.10\"" on line 212.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from assessment.errors import Fault
from assessment.files.sourcemap import DataPath, PathPart, SourceMap
from assessment.scoring.numbers import counted

Describe = Callable[[DataPath], str]
M = TypeVar("M", bound=BaseModel)


def dotted(path: Sequence[PathPart]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _allowed_keys(model: type[BaseModel], path: DataPath) -> list[str]:
    """The field names allowed at `path` (a path into data validated by `model`)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """The model inside list[Model], Model | None, dict[str, Model] and the like."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(getattr(annotation, "__args__", ()) or ()):
        inner = _inner_model(arg)
        if inner is not None:
            return inner
    return None


def _problem(error: ErrorDetails, model: type[BaseModel], path: DataPath) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    name = str(path[-1]) if path and not isinstance(path[-1], int) else "item"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, path[:-1])
        hint = difflib.get_close_matches(name, allowed, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        listing = f" (allowed: {', '.join(allowed)})" if allowed and not hint else ""
        return f"unknown key '{name}'{suggestion}{listing}"
    if kind == "missing":
        return f"missing required key '{name}'"
    if kind == "string_type":
        if isinstance(value, int | float) and name in {"ref", "id", "edition"}:
            return f"'{name}' must be text in quotes, e.g. {name}: \"{value}\" (got the number {value!r})"
        return f"'{name}' must be text (got {_shown(value)})"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"'{name}' must be a whole number (got {_shown(value)})"
    if kind in {"float_type", "float_parsing", "finite_number"}:
        return f"'{name}' must be a number (got {_shown(value)})"
    if kind in {"bool_type", "bool_parsing"}:
        return f"'{name}' must be true or false (got {_shown(value)})"
    if kind in {"list_type"}:
        return f"'{name}' must be a list (got {_shown(value)})"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"'{name}' must be a mapping of keys to values (got {_shown(value)})"
    if kind in {"date_type", "date_parsing", "date_from_datetime_parsing"}:
        return f"'{name}' must be a date written YYYY-MM-DD (got {_shown(value)})"
    bounds = {
        "greater_than": ("greater than", "gt"),
        "greater_than_equal": ("at least", "ge"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"'{name}' must be {words} {_number(ctx.get(key))} (got {_shown(value)})"
    if kind in {"literal_error", "enum"}:
        return f"'{name}' must be {ctx.get('expected')} (got {_shown(value)})"
    if kind == "string_too_long":
        length = f"{len(value):,} characters long" if isinstance(value, str) else "too long"
        return f"'{name}' is {length}; at most {int(ctx.get('max_length', 0)):,} are allowed"
    if kind == "string_too_short":
        return f"'{name}' must not be empty"
    if kind == "too_short":
        return f"'{name}' must hold at least {counted(int(ctx.get('min_length', 1)), 'item')}"
    if kind == "string_pattern_mismatch":
        return f"'{name}' has characters that are not allowed (got {_shown(value)}; use letters, digits, '.', '-' and '_')"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"'{name}': {error['msg']}"


def validate_model(
    model: type[M],
    data: Any,
    source: SourceMap,
    *,
    prefix: DataPath = (),
    describe: Describe | None = None,
) -> tuple[M | None, list[Fault]]:
    """Validate `data` (found at `prefix` in the file) as `model`, collecting every fault."""
    try:
        return model.model_validate(data), []
    except ValidationError as errors:
        faults = []
        for error in errors.errors(include_url=False):
            path = tuple(p for p in error["loc"] if isinstance(p, str | int))
            problem = _problem(error, model, path)
            where = describe(path) if describe else ""
            message = f"{where}: {problem}" if where else problem
            is_key = error["type"] == "extra_forbidden"
            faults.append(source.fault((*prefix, *path), message, key=is_key))
        return None, faults
