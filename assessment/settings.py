"""Every setting of the toolkit, declared once: its name, kind, default and meaning.

A setting is an environment variable. Each is read here and nowhere else, parsed by the one
parser of its kind, and a value that cannot be used is an `InvalidSetting` naming the variable,
the value and what it takes. The app and the command line call `check_settings()` when they
start, so a mistake is reported at once, all of them together, not at the first page that
happens to need the value. `tests/test_readme.py` checks this table against the README's
Configuration section, both ways.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from assessment.errors import InvalidSetting


class Kind(StrEnum):
    TEXT = "text"
    PATH = "path"
    PATHS = "paths"  # several folders, separated by os.pathsep
    WHOLE = "whole number"
    NUMBER = "number"
    SWITCH = "on or off"
    S3_URL = "an s3:// address"  # s3://bucket or s3://bucket/prefix; empty for none


# A bucket name as S3 allows it (3 to 63 lower-case letters, digits, dots and hyphens), then an
# optional prefix of path-safe characters.
_S3_URL = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/([A-Za-z0-9._\-/]*))?")


_ON = {"on", "1", "true", "yes"}
_OFF = {"off", "0", "false", "no"}


@dataclass(frozen=True)
class Setting:
    name: str
    kind: Kind
    default: str  # as it would be written in the environment ("" for none)
    meaning: str
    low: float | None = None
    high: float | None = None

    def raw(self, environ: Mapping[str, str] | None = None) -> str:
        value = (os.environ if environ is None else environ).get(self.name, "").strip()
        return value or self.default

    def _refuse(self, raw: str, wanted: str) -> InvalidSetting:
        return InvalidSetting(f"{self.name} must be {wanted}, not {raw!r}")

    def _bounds(self) -> tuple[float, float]:
        """`low` and `high`, either left out meaning no bound on that side."""
        return (
            -math.inf if self.low is None else self.low,
            math.inf if self.high is None else self.high,
        )

    def text(self, environ: Mapping[str, str] | None = None) -> str:
        return self.raw(environ)

    def path(self, environ: Mapping[str, str] | None = None) -> Path:
        return Path(self.raw(environ))

    def paths(self, environ: Mapping[str, str] | None = None) -> list[Path]:
        return [Path(p) for p in self.raw(environ).split(os.pathsep) if p.strip()]

    def whole(self, environ: Mapping[str, str] | None = None) -> int:
        raw = self.raw(environ)
        try:
            value = int(raw)
        except ValueError:
            value = None
        low, high = self._bounds()
        if value is None or not low <= value <= high:
            raise self._refuse(
                raw, f"a whole number from {low:g} to {high:g} (such as {self.default})"
            )
        return value

    def number(self, environ: Mapping[str, str] | None = None) -> float:
        raw = self.raw(environ)
        try:
            value = float(raw)
        except ValueError:
            value = None
        low, high = self.low or 0.0, self.high or float("inf")
        if value is None or not low < value <= high:
            raise self._refuse(
                raw, f"a number above {low:g} and at most {high:g} (such as {self.default})"
            )
        return value

    def switch(self, environ: Mapping[str, str] | None = None) -> bool:
        raw = self.raw(environ).lower()
        if raw in _ON:
            return True
        if raw in _OFF:
            return False
        raise self._refuse(raw, "on or off")

    def s3_url(self, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
        """(bucket, prefix) of an `s3://bucket/prefix` value; None when the value is empty."""
        raw = self.raw(environ)
        if not raw:
            return None
        match = _S3_URL.fullmatch(raw)
        if match is None or "//" in (match.group(2) or "") or ".." in (match.group(2) or ""):
            raise self._refuse(raw, "an address like s3://bucket or s3://bucket/prefix, or empty")
        return match.group(1), (match.group(2) or "").strip("/")

    def check(self, environ: Mapping[str, str] | None = None) -> None:
        """Parse the value by its kind; an unusable one raises InvalidSetting."""
        {
            Kind.TEXT: self.text,
            Kind.PATH: self.path,
            Kind.PATHS: self.paths,
            Kind.WHOLE: self.whole,
            Kind.NUMBER: self.number,
            Kind.SWITCH: self.switch,
            Kind.S3_URL: self.s3_url,
        }[self.kind](environ)


DATA_DIR = Setting(
    "ISO10002_DATA_DIR",
    Kind.PATH,
    "data",
    "where the SQLite database (`iso10002.db`) and the evidence folder (`evidence/`) live; "
    "created on first use",
)
DATABASE_URL = Setting(
    "DATABASE_URL",
    Kind.TEXT,
    "",
    "a team database, e.g. `postgresql+psycopg://user:password@host:5432/iso10002`; "
    "without it, SQLite in the data folder",
)
CHECKLISTS_DIR = Setting(
    "ISO10002_CHECKLISTS_DIR",
    Kind.PATHS,
    "",
    "extra folders, separated by `:` (`;` on Windows), searched for `<id>.yaml` before the "
    "built-in checklists; their `mappings/` subfolders too",
)
EVIDENCE_MAX_MB = Setting(
    "ISO10002_EVIDENCE_MAX_MB",
    Kind.NUMBER,
    "50",
    "the largest evidence file taken, in megabytes; the app's upload boxes state it",
    low=0,
    high=2000,
)
EVIDENCE_URL = Setting(
    "ISO10002_EVIDENCE_URL",
    Kind.S3_URL,
    "",
    "where evidence files are kept when not in the data folder: `s3://bucket/prefix` on an "
    "S3-compatible object store (AWS S3, MinIO, Ceph), reached with boto3's own settings "
    "(`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`); "
    "what several app processes on several machines need",
)
AUTH = Setting(
    "ISO10002_AUTH",
    Kind.SWITCH,
    "on",
    "`off` switches on local single-user mode: no sign-in, one local administrator, shown in "
    "the app's sidebar. Only for one person on one computer",
)
SESSION_MINUTES = Setting(
    "ISO10002_SESSION_MINUTES",
    Kind.WHOLE,
    "60",
    "a signed-in session ends after this many idle minutes; it never lasts more than 12 hours",
    low=1,
    high=12 * 60,
)
LOCKOUT_ATTEMPTS = Setting(
    "ISO10002_LOCKOUT_ATTEMPTS",
    Kind.WHOLE,
    "5",
    "wrong passwords in a row before an account is locked",
    low=1,
    high=100,
)
LOCKOUT_MINUTES = Setting(
    "ISO10002_LOCKOUT_MINUTES",
    Kind.WHOLE,
    "15",
    "how long a locked account stays locked; an administrator can unlock it sooner",
    low=1,
    high=7 * 24 * 60,
)
ACT_AS = Setting(
    "ISO10002_AS",
    Kind.TEXT,
    "",
    "command line only: act as this account, like `iso10002 --as USERNAME`",
)

SETTINGS: tuple[Setting, ...] = (
    DATA_DIR,
    DATABASE_URL,
    CHECKLISTS_DIR,
    EVIDENCE_MAX_MB,
    EVIDENCE_URL,
    AUTH,
    SESSION_MINUTES,
    LOCKOUT_ATTEMPTS,
    LOCKOUT_MINUTES,
    ACT_AS,
)


def check_settings(environ: Mapping[str, str] | None = None) -> None:
    """Refuse, in one InvalidSetting, every setting whose value cannot be used."""
    problems = []
    for setting in SETTINGS:
        try:
            setting.check(environ)
        except InvalidSetting as error:
            problems.append(str(error))
    if problems:
        raise InvalidSetting("; ".join(problems))


def data_dir() -> Path:
    return DATA_DIR.path()


def database_url() -> str:
    """DATABASE_URL if set, else the SQLite file `iso10002.db` in the data folder."""
    return DATABASE_URL.text() or f"sqlite:///{(data_dir() / 'iso10002.db').resolve()}"


def evidence_dir() -> Path:
    """The evidence folder, `evidence/` in the data folder: the vault, backup and restore
    all use this one definition."""
    return data_dir() / "evidence"


MEGABYTE = 1024 * 1024


def evidence_max_bytes() -> int:
    return int(EVIDENCE_MAX_MB.number() * MEGABYTE)
