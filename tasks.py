#!/usr/bin/env python3
"""The commands of the quick start: `python3 tasks.py app` and `python3 tasks.py test`, and
for developers `python3 tasks.py tour` (screenshots of every page, see tests/tour.py).

`test` runs the checks in order, stopping at the first that fails: ruff's lint, ruff's format
check, mypy (strict on the core; its settings are in pyproject.toml), then pytest.

Each sets the project up first (a virtual environment in .venv with the pinned versions of
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
import time
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


APT_LOCK_WAIT_S = 300  # how long to wait for another apt or dpkg to finish (5 minutes)
APT_RETRY_S = 10
_APT_LOCK_MESSAGES = ("Could not get lock", "Unable to acquire the dpkg", "Unable to lock")


def install_chromium(
    runner=subprocess.run,
    sleep=time.sleep,
    clock=time.monotonic,
    wait_s: float = APT_LOCK_WAIT_S,
) -> str | None:
    """`apt-get update` then `apt-get install chromium`; None when both worked, else why not.

    A machine that is updating itself holds apt's lock: each step is tried again every
    APT_RETRY_S seconds while apt says its lock is held, up to `wait_s` seconds in all. Any
    other failure is reported at once. Nothing here stops the caller: without Chromium only
    the browser tests are skipped. `runner`, `sleep` and `clock` are there for the tests.
    """
    deadline = clock() + wait_s
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (("update", "-qq"), ("install", "-y", "-qq", "chromium")):
        said_waiting = False
        while True:
            try:
                result = runner(
                    ["apt-get", *step], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
                )
            except OSError as error:
                return f"apt-get could not run ({error})"
            if result.returncode == 0:
                break
            errors = (result.stderr or "").strip()
            if not any(message in errors for message in _APT_LOCK_MESSAGES):
                return f"apt-get {step[0]} failed (exit {result.returncode}): {errors[-500:]}"
            if clock() >= deadline:
                return (
                    f"apt's lock was still held by another process after {wait_s:.0f} s: "
                    f"{errors.splitlines()[-1] if errors else ''}"
                )
            if not said_waiting:
                print(
                    f"apt is busy (its lock is held by another process); waiting up to "
                    f"{wait_s:.0f} s in all ...",
                    flush=True,
                )
                said_waiting = True
            sleep(APT_RETRY_S)
    return None


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it with apt when we may and it is missing.
    When that cannot be done, say why and carry on: the browser tests skip themselves."""
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") is None:
        print(f"No {CHROMIUM} and no apt-get to install it: browser tests will be skipped.")
        return
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        print("Chromium is missing and we are not root: browser tests will be skipped.")
        return
    print("Installing Debian's chromium for the browser tests ...", flush=True)
    failure = install_chromium()
    if failure is None and not CHROMIUM.exists():
        failure = f"apt-get installed chromium but there is no {CHROMIUM}"
    if failure:
        print(f"Chromium was not installed: {failure}")
        print("Carrying on without it: the browser tests will be skipped.", flush=True)


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
    run(python, "-m", "mypy")  # what it checks, and how strictly: [tool.mypy] in pyproject.toml
    run(python, "-m", "pytest", *extra)


def tour(extra: list[str]) -> None:
    """Photograph every page of the app into tour/ (see tests/tour.py): for developers."""
    setup()
    ensure_chromium()
    run(venv_python(), "-m", "tests.tour", *extra)


COMMANDS = {"app": app, "test": test, "tour": tour}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: python3 tasks.py app|test|tour [extra arguments]")
    COMMANDS[sys.argv[1]](sys.argv[2:])
