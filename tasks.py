#!/usr/bin/env python3
"""The two commands of the quick start: `python3 tasks.py app` and `python3 tasks.py test`.

Both set the project up first (a virtual environment in .venv with the pinned versions of
requirements.lock), so a fresh machine with only Python 3.11 needs nothing else. Set-up is
skipped when pyproject.toml and requirements.lock have not changed since the last run.
Only the standard library is used here, because nothing else exists before set-up.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".setup-stamp"
CHROMIUM = Path("/usr/bin/chromium")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args: str | Path, **env: str) -> None:
    """Run a command and stop with its exit code if it fails."""
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **env})
    if result.returncode != 0:
        sys.exit(result.returncode)


def setup() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + (ROOT / "requirements.lock").read_bytes()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and venv_python().exists():
        return
    if not venv_python().exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        run(sys.executable, "-m", "venv", VENV)
    print("Installing pinned dependencies (requirements.lock) ...", flush=True)
    run(venv_python(), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(
        venv_python(),
        "-m",
        "pip",
        "install",
        "--quiet",
        "-c",
        ROOT / "requirements.lock",
        "-e",
        f"{ROOT}[dev]",
    )
    STAMP.write_text(wanted)


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it with apt when we may and it is missing."""
    if CHROMIUM.exists() or shutil.which("apt-get") is None:
        return
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        print("Chromium is missing and we are not root: browser tests will be skipped.")
        return
    print("Installing Debian's chromium for the browser tests ...", flush=True)
    quiet = {"DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", **quiet)
    run("apt-get", "install", "-y", "-qq", "chromium", **quiet)


def app(extra: list[str]) -> None:
    setup()
    python = venv_python()
    os.execv(python, [str(python), "-m", "streamlit", "run", str(ROOT / "app.py"), *extra])


def test(extra: list[str]) -> None:
    setup()
    ensure_chromium()
    python = venv_python()
    run(python, "-m", "ruff", "check", ".")
    run(python, "-m", "ruff", "format", "--check", ".")
    run(python, "-m", "pytest", *extra)


COMMANDS = {"app": app, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: python3 tasks.py app|test [extra arguments]")
    COMMANDS[sys.argv[1]](sys.argv[2:])
