"""No command line makes `iso10002` end in a traceback.

Every invocation ends with exit code 0 (done), 1 (refused, with a message) or 2 (a usage
error Click explains); none raises. Arguments are drawn from the real commands and options
(read from the Click tree, so a new command is fuzzed without a change here) with values of
the right kind, the wrong kind or random text, against a database with the demo loaded and a
folder of real and broken files; some invocations are random words altogether. Text may hold
anything a shell can pass: not NUL (argv cannot carry it), but bytes that are not UTF-8 (which
Python gives as surrogates). Profiles: tests/fuzz_settings.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import event, example, given
from hypothesis import strategies as st

from assessment.cli import cli
from assessment.demo.builder import load_demo
from assessment.reports.data import gather_report
from assessment.reports.excel_export import workbook_bytes
from assessment.settings import database_url
from assessment.storage.store import Store
from tests import evidence_samples as S
from tests.conftest import REPO, SMALL_CHECKLIST
from tests.fuzz_inputs import TRICKY_CHARS
from tests.fuzz_settings import scaled
from tests.people import ADMIN

TODAY = date(2026, 3, 15)


def commands(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command of the tree, with the words that name it."""
    found = []
    context = click.Context(group)  # the top group imports its commands when asked for them
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found += commands(command, (*prefix, name))
        else:
            found.append(((*prefix, name), command))
    return found


COMMANDS = commands(cli)
WORDS = sorted(
    {word for path, _ in COMMANDS for word in path}
    | {
        opt
        for _, command in COMMANDS
        for p in command.params
        for opt in p.opts
        if opt.startswith("-")
    }
    | {"--help", "-h", "--version", "--as", "--", "-"}
)
# Files in the working folder, made by the fixture: real ones of each kind, and broken ones.
FILES = [
    "northwind-2018.yaml",
    "small.yaml",
    "broken.yaml",
    "review.xlsx",
    "procedure.pdf",
    "tool.exe",
    "empty.txt",
    "backup.zip",
    "folder",
    "missing.yaml",
    "out.pdf",
    "out.xlsx",
    "out.yaml",
]
KNOWN_TEXT = [
    "1",
    "2",
    "3",
    "0",
    "-1",
    "A1",
    "A2",
    "E1",
    "4.1.a",
    "7.4.a,7.2.a",
    "iso10002-2018",
    "iso10002-2014",
    "admin",
    "viewer",
    "Kestrel Outdoor Supply (demo)",
    "2026-03-15",
    "2026-02-30",
    "open",
    "done",
    "approved",
    "pdf",
    "xlsx",
    "csv",
]

# What a shell can pass: any character but NUL, and lone surrogates for bytes that are not UTF-8.
# (Joined from a list: Hypothesis's text() leaves surrogates out whatever its alphabet.)
shell_text = st.lists(
    st.one_of(
        st.sampled_from([c for c in TRICKY_CHARS if c != "\x00"]),
        st.characters(codec="utf-8", exclude_characters="\x00"),
        st.sampled_from([chr(code) for code in range(0xDC80, 0xDD00)]),  # undecodable bytes
    ),
    max_size=20,
).map("".join)


def value_for(param: click.Parameter) -> st.SearchStrategy[str]:
    """A value of the kind the parameter takes, of another kind, or any text."""
    kind = param.type
    if isinstance(kind, click.Choice):
        right = st.sampled_from([str(c) for c in kind.choices])
    elif isinstance(kind, click.types._NumberParamTypeBase):
        right = st.integers(-3, 5).map(str) | st.integers().map(str)
    elif isinstance(kind, click.Path | click.File):
        right = st.sampled_from(FILES)
    elif isinstance(kind, click.DateTime):
        right = st.dates().map(str)
    else:
        right = st.sampled_from(KNOWN_TEXT)
    return st.one_of(right, right, st.sampled_from(KNOWN_TEXT + FILES), shell_text)


# Commands whose every run is slow (a PDF, a whole demo), drawn less often.
SLOW = {("report",), ("demo",), ("restore",)}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """An invocation of a real command: its arguments, some options, now and then a stray word."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.lists(st.one_of(st.sampled_from(WORDS + FILES), shell_text), max_size=8))
    path, command = draw(st.sampled_from(COMMANDS))
    if path in SLOW and draw(st.integers(0, 3)):
        path, command = draw(st.sampled_from([c for c in COMMANDS if c[0] not in SLOW]))
    args: list[str] = []
    if draw(st.integers(0, 5)) == 0:
        args += ["--as", draw(st.sampled_from(["admin", "viewer", "nobody"]) | shell_text)]
    args += path
    for param in command.params:
        if isinstance(param, click.Argument):
            count = (
                draw(st.integers(0, 3))
                if param.nargs == -1
                else draw(st.sampled_from([1, 1, 1, 0]))
            )
            args += [draw(value_for(param)) for _ in range(count)]
        elif draw(st.booleans()):
            args.append(draw(st.sampled_from(param.opts)))
            if not (param.is_flag or param.count):
                args.append(draw(value_for(param)))
    if draw(st.integers(0, 4)) == 0:
        args.insert(draw(st.integers(0, len(args))), draw(st.sampled_from(WORDS) | shell_text))
    return args


@contextmanager
def prepared(folder: Path) -> Iterator[Path]:
    """A data folder with the demo loaded, and a working folder of files, the command line's
    current directory (so whatever a command writes lands there)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ISO10002_DATA_DIR", str(folder / "data"))
        env.setenv("ISO10002_AUTH", "off")
        for name in ("DATABASE_URL", "ISO10002_AS", "ISO10002_CHECKLISTS_DIR"):
            env.delenv(name, raising=False)
        env.chdir(folder)
        store = Store.open(database_url())
        load_demo(store, ADMIN, today=TODAY)
        (folder / "review.xlsx").write_bytes(
            workbook_bytes(gather_report(store, ADMIN, 2, today=TODAY))
        )
        store.dispose()
        shutil.copy(REPO / "examples" / "northwind-2018.yaml", folder)
        (folder / "small.yaml").write_text(SMALL_CHECKLIST, encoding="utf-8")
        (folder / "broken.yaml").write_text("format: [iso10002\n  title: 'x\n", encoding="utf-8")
        (folder / "procedure.pdf").write_bytes(S.pdf())
        (folder / "tool.exe").write_bytes(S.MZ)
        (folder / "empty.txt").write_bytes(b"")
        (folder / "folder").mkdir()
        assert CliRunner().invoke(cli, ["backup", "--out", "backup.zip"]).exit_code == 0
        yield folder


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fuzzed commands' folder: they change its files and data as they go."""
    with prepared(tmp_path_factory.mktemp("cli")) as folder:
        yield folder


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder of its own for the tests below (they only read, or are refused), so nothing
    the fuzzed commands did (an action moved, a file overwritten) changes what they see."""
    with prepared(tmp_path_factory.mktemp("cli-examples")) as folder:
        yield folder


@scaled(0.5)
@given(args=command_lines())
@example(args=["--as", "\udc80", "user", "disable", "1"])  # was UnicodeEncodeError in SQLite
@example(args=["action", "raise", str(2**64), "--title", "1"])  # was OverflowError
def test_any_command_line_ends_in_an_exit_code_never_a_traceback(workspace: Path, args: list[str]):
    result = CliRunner().invoke(cli, args)
    event(f"exit {result.exit_code}")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args!r} raised {result.exception!r}"
    )
    assert result.exit_code in {0, 1, 2}, (args, result.output)
    assert "Traceback" not in result.output


# --- cases the fuzzing found (each ended in a traceback before its fix) -----------------------

TOO_BIG = str(2**64)  # no id column holds it: SQLite's driver raised OverflowError


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["action", "raise", TOO_BIG, "--title", "x"], f"no assessment with id {TOO_BIG}"),
        (["show", TOO_BIG], f"no assessment with id {TOO_BIG}"),
        (
            ["report", TOO_BIG, "--format", "csv", "--out", "x.csv"],
            f"no assessment with id {TOO_BIG}",
        ),
        (["compare", "2", "--baseline", TOO_BIG], f"no assessment with id {TOO_BIG}"),
        (
            [
                "action",
                "check",
                "2",
                "A7",
                "--effective",
                "--by",
                "x",
                "--note",
                "y",
                "--evidence",
                TOO_BIG,
            ],
            f"no evidence record {TOO_BIG} in this assessment",
        ),
    ],
)
def test_an_id_no_record_can_have_is_not_found(untouched: Path, args: list[str], said: str):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"error: {said}" in result.stderr


LATIN_1 = b"Caf\xe9 Lumi\xe8re".decode("utf-8", "surrogateescape")  # typed on a Latin-1 terminal


@pytest.mark.parametrize(
    "args",
    [
        ["user", "members", LATIN_1],
        ["user", "grant", "admin", LATIN_1, "viewer"],
        ["action", "raise", "2", "--title", LATIN_1, "-c", "4.1.a"],
        ["--as", LATIN_1, "assessments"],
    ],
)
def test_text_typed_in_another_encoding_is_a_usage_error_naming_it(
    untouched: Path, args: list[str]
):
    """It used to reach the database, whose driver raised UnicodeEncodeError."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Caf\\udce9 Lumi\\udce8re' holds bytes that are not UTF-8 text" in result.stderr
