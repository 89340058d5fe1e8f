"""Inputs for the property-based tests: arbitrary data trees, and valid files made wrong.

A reader that refuses bad input with a plain, located message must do so for input nobody
thought of. These strategies produce such input in the ways it really arrives: a file edited
by hand (a key deleted, copied or misspelt, a value of the wrong type, a line lost or doubled,
a stray control character), a file damaged on the way (truncated, a byte flipped), or data that
is not a file of ours at all.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import yaml
from hypothesis import strategies as st

DataPath = tuple[Any, ...]

# Characters that mean something to YAML or to a terminal, or that look like something else.
TRICKY_CHARS = [
    *":-{}[],&*!|>'\"%@`#?~",
    "\t",
    "\r",
    "\n",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\ufffe",
    "\U0001f600",
]
tricky_text = st.text(
    st.one_of(st.sampled_from(TRICKY_CHARS), st.characters(codec="utf-8")), max_size=30
)

# Values that break assumptions: empty, huge, not finite, of the edge of a type.
ODD_VALUES: list[Any] = [
    None,
    "",
    " ",
    "\x00",
    "\x1b[2J",
    "\u202e",
    "0",
    "-1",
    "1e309",
    "NaN",
    "sNaN",
    "~",
    "null",
    "yes",
    "2026-02-30",
    "x" * 5_000,
    "9" * 5_000,
    "../../etc/passwd",
    "=1+1",
    0,
    -1,
    1,
    2**31,
    2**63,
    10**12,
    -(10**12),
    10**30,
    math.inf,
    -math.inf,
    math.nan,
    -0.0,
    0.5,
    1e-300,
    True,
    False,
    [],
    {},
    [None],
    {"": None},
    date(1, 1, 1),
    date(9999, 12, 31),
    datetime(2026, 3, 15, 10, 30),
]
odd_values = st.sampled_from(ODD_VALUES)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    tricky_text,
    st.dates(),
    odd_values,
)


def trees(keys: Iterable[str] = (), *, max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Arbitrary YAML/JSON-shaped data; mapping keys are often ones the format knows."""
    known = sorted(set(keys))
    key = st.one_of(st.sampled_from(known), tricky_text) if known else tricky_text
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.dictionaries(st.one_of(key, st.integers(), st.booleans()), children, max_size=6),
        ),
        max_leaves=max_leaves,
    )


def keys_of(data: Any) -> set[str]:
    """Every mapping key of a tree: the vocabulary mutations draw new keys from."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(str(key))
            found |= keys_of(value)
    elif isinstance(data, list):
        for item in data:
            found |= keys_of(item)
    return found


def _paths(node: Any, path: DataPath = ()) -> list[DataPath]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _at(node: Any, path: DataPath) -> Any:
    for part in path:
        node = node[part]
    return node


MUTATIONS = ["replace", "odd", "delete", "duplicate", "swap", "rename", "wrap", "empty"]


@st.composite
def mutated_tree(draw: st.DrawFn, valid: Any, *, max_mutations: int = 4) -> Any:
    """`valid` after a few edits of the kind a hand or a tool makes to a file."""
    data = copy.deepcopy(valid)
    vocabulary = sorted(keys_of(valid))
    for _ in range(draw(st.integers(1, max_mutations))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(MUTATIONS))
        if not path:  # the document itself
            if kind in {"replace", "odd"}:
                data = draw(trees(vocabulary) if kind == "replace" else odd_values)
            elif kind == "wrap":
                data = [data]
            continue
        parent, last = _at(data, path[:-1]), path[-1]
        if kind == "replace":
            parent[last] = draw(trees(vocabulary, max_leaves=5))
        elif kind == "odd":
            parent[last] = draw(odd_values)
        elif kind == "delete":
            del parent[last]
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif kind == "duplicate":
            new_key = draw(st.one_of(st.sampled_from(vocabulary), tricky_text))
            parent[new_key] = copy.deepcopy(parent[last])
        elif kind == "swap":
            siblings = list(range(len(parent))) if isinstance(parent, list) else list(parent)
            other = draw(st.sampled_from(siblings))
            parent[last], parent[other] = parent[other], parent[last]
        elif kind == "rename" and isinstance(parent, dict):
            new_key = draw(st.one_of(st.sampled_from(vocabulary), tricky_text, st.integers()))
            value = parent.pop(last)
            parent[new_key] = value
        elif kind == "wrap":
            parent[last] = draw(st.sampled_from([[parent[last]], {"value": parent[last]}]))
        elif kind == "empty":
            parent[last] = type(parent[last])() if isinstance(parent[last], list | dict) else ""
    return data


def _json_default(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@st.composite
def serialized(draw: st.DrawFn, data: Any) -> str:
    """`data` written as block YAML, flow YAML or JSON (as a user or a tool would save it)."""
    style = draw(st.sampled_from(["block", "flow", "json"]))
    if style == "json":
        return json.dumps(data, ensure_ascii=draw(st.booleans()), default=_json_default, indent=2)
    return yaml.dump(
        data,
        Dumper=_DUMPER,
        sort_keys=False,
        allow_unicode=draw(st.booleans()),
        default_flow_style=style == "flow",
        width=100,
    )


# Text that YAML reads in a special way: what a stray keystroke or a bad paste puts in a file.
YAML_SNIPPETS = [
    ": ",
    "- ",
    "? ",
    "{",
    "}",
    "[",
    "]",
    "'",
    '"',
    "&a ",
    "*a",
    "!!int ",
    "!x ",
    "!!python/object:os.system ",
    "%YAML 1.1\n---\n",
    "---\n",
    "...\n",
    "#",
    "|\n",
    ">-\n",
    "  ",
    "\t",
    "\r",
    "\x00",
    "\x1b",
    "\x85",
    "\ufeff",
    "<<: *a\n",
]


@st.composite
def mutated_text(draw: st.DrawFn, valid: str, *, max_mutations: int = 3) -> str:
    """`valid` after a few edits of its lines and characters."""
    text = valid
    for _ in range(draw(st.integers(1, max_mutations))):
        lines = text.splitlines(keepends=True) or [""]
        kind = draw(
            st.sampled_from(
                ["truncate", "drop line", "copy line", "swap lines", "insert", "replace", "indent"]
            )
        )
        line = draw(st.integers(0, len(lines) - 1))
        at = draw(st.integers(0, len(text)))
        if kind == "truncate":
            text = text[:at]
        elif kind == "drop line":
            text = "".join(lines[:line] + lines[line + 1 :])
        elif kind == "copy line":
            text = "".join(lines[: line + 1] + lines[line:])
        elif kind == "swap lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
            text = "".join(lines)
        elif kind == "indent":
            lines[line] = draw(st.sampled_from(["", " ", "  ", "\t"])) + lines[line].lstrip(" ")
            text = "".join(lines)
        else:
            inserted = draw(st.one_of(st.sampled_from(YAML_SNIPPETS), tricky_text))
            end = at + (1 if kind == "replace" else 0)
            text = text[:at] + inserted + text[end:]
    return text


@st.composite
def mutated_bytes(draw: st.DrawFn, valid: bytes, *, max_mutations: int = 3) -> bytes:
    """`valid` damaged on the way: cut short, bytes flipped, inserted, removed or overwritten."""
    content = bytearray(valid)
    for _ in range(draw(st.integers(1, max_mutations))):
        at = draw(st.integers(0, max(len(content) - 1, 0)))
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "overwrite"]))
        if kind == "truncate":
            del content[at:]
        elif kind == "flip" and content:
            content[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            content[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del content[at : at + draw(st.integers(1, 64))]
        elif kind == "overwrite":
            patch = draw(st.binary(min_size=1, max_size=16))
            content[at : at + len(patch)] = patch
    return bytes(content)


# Hand-written YAML of the shapes parsers find hardest: deep nesting, aliases, tags.
def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def alias_bomb(levels: int) -> str:
    """Each level repeats the one before nine times: tiny text, 9**levels values."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


HARD_YAML = [
    nested(2_000),
    "[" * 2_000,
    "{a: " * 2_000,
    "- " * 2_000 + "x",
    "a: &a [*a]",
    "&a {x: *a}",
    alias_bomb(9),
    "a: *nothing",
    "a: !!python/object/apply:os.system [echo]",
    "a: !!binary zz",
    "a: !!timestamp 2026-02-30",
    "? [a]\n: b",
    "? {a: b}\n: c",
    "{.nan: 1, .nan: 2}",
    "%YAML 9.9\n--- {}",
    "--- a\n--- b",
    "\ufeff\ufeffa: b",
]
hard_yaml = st.sampled_from(HARD_YAML)
