"""YAML syntax errors in plain words, at the line where the user's mistake is.

PyYAML reports where its parser gave up, in the parser's own terms. That is often not where
the mistake is: an unclosed quote on line 3 runs on to the next quote in the file and
surfaces as "expected <block end>, but found '<scalar>'" on line 5. The common mistakes each
leave a recognisable trace (the kind of error, the token just before it, the shape of the
line it is on), so each recogniser below looks for one trace and, when it finds it, names the
mistake and the line it is on. Anything else keeps PyYAML's own words and position.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import yaml

from assessment.errors import Fault

PREFIX = "YAML syntax error: "

# A line that holds a key ("title:", '"4.1.a":', "- id:") or a list item: what an unclosed
# quote swallows on its way to the next quote in the file.
_KEY_OR_ITEM = re.compile(r"^\s*(-\s|[^\s#].*?:(\s|$))")


@dataclass(frozen=True)
class _Spot:
    line: int  # 1-based
    column: int  # 1-based
    message: str


@dataclass
class _Trace:
    """One failed parse: the error, the text, and the tokens read before it failed."""

    error: yaml.MarkedYAMLError
    text: str

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def problem(self) -> str:
        return self.error.problem or ""

    @property
    def context(self) -> str:
        return self.error.context or ""

    @property
    def at(self) -> yaml.Mark | None:
        """Where the parser gave up."""
        return self.error.problem_mark or self.error.context_mark

    def line_text(self, line: int) -> str:
        """The text of a 1-based line ('' past the end)."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def indent_spot(self, line: int, message: str) -> _Spot:
        """A spot at the first character of a line: where its indentation ends."""
        text = self.line_text(line)
        return _Spot(line, len(text) - len(text.lstrip(" \t")) + 1, message)

    @cached_property
    def tokens_before(self) -> list[yaml.Token]:
        """The tokens that were read before the parser gave up (the scan stops there too)."""
        at = self.at
        limit = at.index if at is not None else len(self.text)
        tokens = []
        try:
            for token in yaml.scan(self.text, Loader=yaml.SafeLoader):
                if token.start_mark.index >= limit:
                    break
                tokens.append(token)
        except yaml.YAMLError:
            pass  # the scanner's own error: everything read up to it is what we want
        return tokens


def _mark(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _unclosed_quote(trace: _Trace) -> _Spot | None:
    """A quote that is never closed runs on to the end of the file, or to the next quote in
    the file, swallowing the keys in between: point at where it opens."""
    message = "a quoted value starts here and is never closed"
    if trace.context == "while scanning a quoted scalar" and trace.error.context_mark:
        return _Spot(*_mark(trace.error.context_mark), message)
    tokens, at = trace.tokens_before, trace.at
    quoted = next(
        (t for t in reversed(tokens) if isinstance(t, yaml.ScalarToken) and t.style in ('"', "'")),
        None,
    )
    if quoted is None or at is None:
        return None
    if quoted is not tokens[-1] and quoted.end_mark.line != at.line:
        return None  # the parser went on well past it: the trouble is elsewhere
    start, end = quoted.start_mark.line, quoted.end_mark.line  # 0-based
    if not any(_KEY_OR_ITEM.match(line) for line in trace.lines[start + 1 : end + 1]):
        return None  # a quoted value written over several lines on purpose
    return _Spot(*_mark(quoted.start_mark), message)


def _text_after_quote(trace: _Trace) -> _Spot | None:
    """`title: "Policy" v2` or `title: 'it's'`: the value goes on after its closing quote."""
    tokens = trace.tokens_before
    at = trace.at
    if at is None or not tokens or not trace.problem.endswith("'<scalar>'"):
        return None
    last = tokens[-1]
    if not isinstance(last, yaml.ScalarToken) or last.style not in ('"', "'"):
        return None
    if last.end_mark.line != at.line:
        return None
    message = "the value goes on after its closing quote; put all of it inside the quotes"
    if last.style == "'":
        message += " (inside single quotes, write an apostrophe as '')"
    return _Spot(*_mark(at), message)


def _tab(trace: _Trace) -> _Spot | None:
    at = trace.at
    if at is None or "'\\t'" not in trace.problem:
        return None
    line, column = _mark(at)
    before = trace.line_text(line)[: at.column]
    if before.strip(" \t") == "":
        return _Spot(
            line, column, "a tab is used for indentation here; YAML indents with spaces only"
        )
    return _Spot(line, column, "a tab here; YAML accepts only spaces between the parts of a line")


def _missing_colon(trace: _Trace) -> _Spot | None:
    if trace.context != "while scanning a simple key" or trace.error.context_mark is None:
        return None
    return _Spot(
        *_mark(trace.error.context_mark),
        "this line has no ':' after its key (write 'key: value'; a value carried on from the "
        "line above must be indented further than its key)",
    )


def _unclosed_bracket(trace: _Trace) -> _Spot | None:
    """`evidence: [Policy` followed by more lines: the parser notices only where the next key,
    the enclosing '}' or the end of the file comes, so point at the bracket itself."""
    kinds = {
        "while parsing a flow sequence": ("[", "]", "list", "'}'"),
        "while parsing a flow mapping": ("{", "}", "mapping", "']'"),
    }
    if trace.context not in kinds or trace.error.context_mark is None or trace.at is None:
        return None
    opening, closing, what, other_closing = kinds[trace.context]
    opened = trace.error.context_mark
    got = trace.problem.rpartition("but got ")[2]
    if trace.at.line > opened.line or got in (other_closing, "'<stream end>'"):
        return _Spot(
            *_mark(opened),
            f"a '{opening}' opens a {what} here and is never closed with '{closing}'",
        )
    return _Spot(
        *_mark(trace.at),
        f"a ',' is missing here between two items of a {opening} ... {closing} {what}",
    )


def _colon_in_value(trace: _Trace) -> _Spot | None:
    """`title: Policy: v2` (a colon inside a value), or a key indented under a line that
    already has its value (PyYAML reads both the same way)."""
    at = trace.at
    if at is None or trace.problem != "mapping values are not allowed here":
        return None
    line = at.line + 1
    before = trace.line_text(line)[: at.column].strip()
    if ": " in before or before.startswith("- ") or line == 1:
        return _Spot(*_mark(at), "a ': ' inside a value; put the whole value in quotes")
    return trace.indent_spot(
        line,
        "this line is indented further than the line above it, which already has its value "
        "(the keys of one mapping start in the same column)",
    )


def _indentation(trace: _Trace) -> _Spot | None:
    """A key or list item in a column that fits none of the mappings or lists above it."""
    at = trace.at
    if at is None or not trace.problem.startswith("expected <block end>"):
        return None
    return trace.indent_spot(
        at.line + 1,
        "the indentation of this line does not fit the lines above it (the keys of one "
        "mapping, and the items of one list, start in the same column)",
    )


_SPECIAL_START = {
    "*": "YAML reads a value starting with '*' as a reference to an anchor; put the value in quotes",
    "@": "a value cannot start with '@' in YAML; put the value in quotes",
    "`": "a value cannot start with '`' in YAML; put the value in quotes",
    "%": "a value cannot start with '%' in YAML; put the value in quotes",
}


def _special_start(trace: _Trace) -> _Spot | None:
    at = trace.at
    if at is None:
        return None
    found = re.match(r"found character '(.)' that cannot start any token", trace.problem)
    if found and found.group(1) in _SPECIAL_START:
        return _Spot(*_mark(at), _SPECIAL_START[found.group(1)])
    if trace.problem.startswith("found undefined alias"):
        return _Spot(*_mark(at), _SPECIAL_START["*"])
    return None


def _escape(trace: _Trace) -> _Spot | None:
    if trace.context != "while scanning a double-quoted scalar" or trace.at is None:
        return None
    return _Spot(
        *_mark(trace.at),
        "a backslash inside double quotes starts an escape; write \\\\ for a backslash, or use "
        "single quotes",
    )


def _second_document(trace: _Trace) -> _Spot | None:
    if trace.problem != "but found another document" or trace.at is None:
        return None
    return _Spot(
        *_mark(trace.at),
        "a second YAML document starts here with '---'; a file holds one document only",
    )


# In order: an unclosed quote explains the errors the later recognisers would read otherwise.
_RECOGNISERS: tuple[Callable[[_Trace], _Spot | None], ...] = (
    _unclosed_quote,
    _text_after_quote,
    _tab,
    _escape,
    _second_document,
    _special_start,
    _missing_colon,
    _unclosed_bracket,
    _colon_in_value,
    _indentation,
)


def syntax_fault(error: yaml.YAMLError, text: str, file: str) -> Fault:
    """The fault for a document PyYAML refused: the mistake in plain words where known."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return Fault(file, 1, 1, f"YAML error: {error}")
    trace = _Trace(error, text)
    for recognise in _RECOGNISERS:
        spot = recognise(trace)
        if spot is not None:
            return Fault(file, spot.line, spot.column, PREFIX + spot.message)
    return _parser_words(error, file)


def _parser_words(error: yaml.MarkedYAMLError, file: str) -> Fault:
    """A mistake none of the recognisers knows: PyYAML's words, at PyYAML's position."""
    mark = error.problem_mark or error.context_mark
    line, column = _mark(mark) if mark else (1, 1)
    problem = error.problem or error.context or "unreadable YAML"
    context = ""
    if error.context and error.problem:
        started = error.context_mark
        on_line = (
            f" that starts on line {started.line + 1}"
            if started and started.line + 1 != line
            else ""
        )
        context = f" ({error.context}{on_line})"
    return Fault(file, line, column, f"{PREFIX}{problem}{context}")
