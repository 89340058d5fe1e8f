"""Load YAML (and JSON, which YAML reads too) while remembering where each key and value sits.

PyYAML's ordinary loader forgets positions and silently keeps the last of two equal keys;
both would make our error messages vague or wrong, so we compose the node tree ourselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assessment.errors import Fault
from assessment.files.yaml_syntax import syntax_fault

PathPart = str | int
DataPath = tuple[PathPart, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class SourceMap:
    """Positions of the values and mapping keys of one YAML document, by data path."""

    file: str
    values: dict[DataPath, Position] = field(default_factory=dict)
    keys: dict[DataPath, Position] = field(default_factory=dict)

    def locate(self, path: Sequence[PathPart], *, key: bool = False) -> Position:
        """Where a path is; for a path that does not exist, the nearest enclosing value."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Position(1, 1)

    def fault(self, path: Sequence[PathPart], message: str, *, key: bool = False) -> Fault:
        where = self.locate(path, key=key)
        return Fault(self.file, where.line, where.column, message)


@dataclass
class LoadedDocument:
    data: Any
    source: SourceMap
    faults: list[Fault]


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, source: SourceMap) -> None:
        self.loader = loader
        self.source = source
        self.faults: list[Fault] = []

    def build(self, node: yaml.Node, path: DataPath) -> Any:
        self.source.values[path] = _position(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._construct(node)

    def _construct(self, node: yaml.Node) -> Any:
        """A scalar's value; one that cannot be read (2026-02-30, !!int x, !unknown x) is a
        fault on its line, and its text stands in for it so the rest of the file is checked."""
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError) as error:
            where = _position(node)
            self.faults.append(
                Fault(self.source.file, where.line, where.column, _unreadable(node, error))
            )
            return node.value if isinstance(node, yaml.ScalarNode) else None

    def _mapping(self, node: yaml.MappingNode, path: DataPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                where = _position(key_node)
                self.faults.append(
                    Fault(self.source.file, where.line, where.column, "keys must be plain text")
                )
                continue
            key = self._construct(key_node)
            if not isinstance(key, str | int | float | bool):
                key = str(key)  # dates and the like as keys: keep the text the user wrote
            if key in result:
                where = _position(key_node)
                first = self.source.keys[(*path, key)]
                self.faults.append(
                    Fault(
                        self.source.file,
                        where.line,
                        where.column,
                        f"duplicate key '{key}' (first given on line {first.line})",
                    )
                )
                continue
            self.source.keys[(*path, key)] = _position(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result


def _unreadable(node: yaml.Node, error: Exception) -> str:
    """Why a value that parsed could not be turned into data, in plain words."""
    text = node.value if isinstance(node, yaml.ScalarNode) else ""
    if node.tag == "tag:yaml.org,2002:timestamp":
        return f"'{text}' is not a date on the calendar (write dates as YYYY-MM-DD)"
    if node.tag.startswith("!") and not node.tag.startswith("!!"):
        return f"YAML reads a value starting with '!' as a type tag ({node.tag}); put the value in quotes"
    problem = getattr(error, "problem", None) or str(error)
    return f"cannot read the value '{text}' as {node.tag.rsplit(':', 1)[-1]}: {problem}"


# libyaml composes about ten times faster; the pure-Python parser words syntax errors better,
# so it is used only to describe a file that libyaml has already refused.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str, file: str) -> LoadedDocument:
    """Parse one YAML/JSON document; syntax problems come back as faults, never raised."""
    try:
        return _compose(text, file, _FAST_LOADER)
    except yaml.YAMLError:
        try:
            return _compose(text, file, yaml.SafeLoader)
        except yaml.YAMLError as error:
            return LoadedDocument(None, SourceMap(file), [syntax_fault(error, text, file)])


def _compose(text: str, file: str, loader_class: type) -> LoadedDocument:
    source = SourceMap(file)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedDocument(None, source, [Fault(file, 1, 1, "the file is empty")])
        builder = _Builder(loader, source)
        data = builder.build(node, ())
        if data is None:
            return LoadedDocument(None, source, [Fault(file, 1, 1, "the file holds no data")])
        return LoadedDocument(data, source, builder.faults)
    finally:
        loader.dispose()


def load_file(path: Path) -> LoadedDocument:
    """Read a file as UTF-8 YAML/JSON; unreadable files become a fault, not an exception."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return LoadedDocument(
            None, SourceMap(name), [Fault(name, 1, 1, f"cannot read the file: {error.strerror}")]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return LoadedDocument(
            None, SourceMap(name), [Fault(name, line, 1, "the file is not UTF-8 text")]
        )
    return load_text(text, name)
