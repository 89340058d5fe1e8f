"""Load YAML (and JSON, which YAML reads too) while remembering where each key and value sits.

PyYAML's ordinary loader forgets positions and silently keeps the last of two equal keys;
both would make our error messages vague or wrong, so we compose the node tree ourselves.

Any text must come back as data or as faults, uploads included, so three shapes that would
crash or stall a reader are refused as faults: nesting deeper than any of our formats needs
(libyaml's composer recurses in C and crashes the process near 100,000 levels; Python's stack
ends near 1,000), an alias inside the value it names (`&a [*a]`, endless), and aliases that
expand a few lines into millions of values ("a billion laughs").
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


# Levels of nesting a file may have: a checklist's clause takes two (a list and a mapping), and
# the deepest of ours uses a dozen.
MAX_DEPTH = 100
# Values that aliases ('*name') may add to those written out in the file.
MAX_ALIAS_VALUES = 100_000
TOO_DEEP = f"the data is nested more than {MAX_DEPTH} levels deep; no checklist or assessment file needs that"


class _Builder:
    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, source: SourceMap) -> None:
        self.loader = loader
        self.source = source
        self.faults: list[Fault] = []
        self.built = 0  # values built, an alias's as often as it is used
        self.seen: set[int] = set()  # the nodes among them (each written once in the file)
        self.open: set[int] = set()  # the collections being built, outermost to here
        self.refused: set[str] = set()  # each shape is reported once, where first found

    def build(self, node: yaml.Node, path: DataPath) -> Any:
        self.source.values[path] = _position(node)
        if len(path) > MAX_DEPTH:
            return self._refuse(node, TOO_DEEP)
        if id(node) in self.open:
            return self._refuse(
                node,
                "an alias ('*name') here stands for a value that holds this alias, so the value would never end",
            )
        self.built += 1
        self.seen.add(id(node))
        if self.built - len(self.seen) > MAX_ALIAS_VALUES:
            return self._refuse(
                node,
                f"the aliases ('*name') in the file repeat more than {MAX_ALIAS_VALUES:,} values; "
                "write the values out instead",
            )
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self._construct(node)
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _refuse(self, node: yaml.Node, message: str) -> None:
        """A fault for a shape the file must not have, at its first place; the value is left out."""
        if message not in self.refused:
            self.refused.add(message)
            where = _position(node)
            self.faults.append(Fault(self.source.file, where.line, where.column, message))

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
    if _may_nest_deeper_than(text, SAFE_NESTING):
        deep = _too_deep(text, file)
        if deep is not None:
            return LoadedDocument(None, SourceMap(file), [deep])
    try:
        return _compose(text, file, _FAST_LOADER)
    except yaml.YAMLError:
        # The pure-Python composer recurses in Python: a deep text it would not get through
        # is refused first (this is the path of broken files only, so the cost is no matter).
        deep = _too_deep(text, file)
        if deep is not None:
            return LoadedDocument(None, SourceMap(file), [deep])
        try:
            return _compose(text, file, yaml.SafeLoader)
        except yaml.YAMLError as error:
            return LoadedDocument(None, SourceMap(file), [syntax_fault(error, text, file)])


# Nesting that libyaml's composer is sure to get through (it crashes between 10,000 and 100,000
# levels); the builder refuses anything past MAX_DEPTH once the nodes are composed.
SAFE_NESTING = 1_000


def _may_nest_deeper_than(text: str, levels: int) -> bool:
    """False when `text` certainly nests no more than `levels` deep, told without parsing it.

    Every flow collection opens with its own '[' or '{'. A block collection inside another
    starts further right than its parent, except a list that is a mapping's value, which may
    start in the mapping's column (and what it holds starts further right again): so block
    nesting is at most twice the longest line. The bound is loose, but for our files it is far
    below `levels`, and costs a few microseconds where an exact count costs a parse.
    """
    longest = max((len(line) for line in text.split("\n")), default=0)
    return text.count("[") + text.count("{") + 2 * (longest + 1) > levels


def _too_deep(text: str, file: str) -> Fault | None:
    """A fault at the first collection nested deeper than MAX_DEPTH, from the parser's events
    (which keep their own stack, so any depth is read safely); None when there is none, or when
    the text breaks off before (its syntax error is then reported as usual)."""
    parser = _FAST_LOADER(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    return Fault(file, line, column, TOO_DEEP)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return None


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
