"""tasks.py's apt step: a busy apt is waited for, for a bounded time, and no apt failure stops
the test command (only the browser tests are then skipped). apt is never run for real here."""

from __future__ import annotations

import subprocess

import pytest

import tasks

LOCKED = "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4321 (apt-get)"


class FakeApt:
    """Answers apt-get calls from a script of (exit code, stderr), and keeps a fake clock."""

    def __init__(self, answers: list[tuple[int, str]]):
        self.answers = list(answers)
        self.calls: list[list[str]] = []
        self.now = 0.0

    def run(self, args, **_options):
        self.calls.append(list(args))
        code, errors = self.answers.pop(0)
        return subprocess.CompletedProcess(args, code, stdout=None, stderr=errors)

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def install(self, wait_s: float = 300) -> str | None:
        return tasks.install_chromium(self.run, self.sleep, self.clock, wait_s=wait_s)


def steps(calls: list[list[str]]) -> list[str]:
    return [call[1] for call in calls]


def test_a_free_apt_updates_then_installs_chromium():
    apt = FakeApt([(0, ""), (0, "")])
    assert apt.install() is None
    assert apt.calls == [
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "chromium"],
    ]
    assert apt.now == 0


def test_a_held_lock_is_waited_for_and_the_install_goes_on(capsys):
    apt = FakeApt([(0, ""), (100, LOCKED), (100, LOCKED), (0, "")])
    assert apt.install() is None
    assert steps(apt.calls) == ["update", "install", "install", "install"]
    assert apt.now == 2 * tasks.APT_RETRY_S
    out = capsys.readouterr().out
    assert out.count("waiting up to 300 s") == 1  # said once, not at every try


def test_a_lock_held_too_long_gives_up_with_the_reason():
    apt = FakeApt([(100, LOCKED)] * 100)
    reason = apt.install(wait_s=60)
    assert reason is not None
    assert "still held by another process after 60 s" in reason
    assert "process 4321" in reason
    assert 60 <= apt.now < 60 + tasks.APT_RETRY_S  # bounded: it stops once the time is up
    assert steps(apt.calls) == ["update"] * len(apt.calls)


def test_any_other_apt_failure_is_reported_at_once():
    apt = FakeApt([(0, ""), (100, "E: Unable to locate package chromium")])
    reason = apt.install()
    assert reason == "apt-get install failed (exit 100): E: Unable to locate package chromium"
    assert apt.now == 0


def test_apt_that_cannot_run_is_a_reason_too():
    def missing(args, **_options):
        raise FileNotFoundError(2, "No such file or directory", "apt-get")

    reason = tasks.install_chromium(missing, lambda _s: None, lambda: 0.0)
    assert reason is not None
    assert reason.startswith("apt-get could not run")


@pytest.mark.parametrize("failure", ["locked", "broken"])
def test_the_test_command_carries_on_without_chromium(monkeypatch, capsys, tmp_path, failure):
    reason = "apt's lock was still held" if failure == "locked" else "apt-get install failed"
    monkeypatch.setattr(tasks, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(tasks.shutil, "which", lambda _name: "/usr/bin/apt-get")
    monkeypatch.setattr(tasks.os, "geteuid", lambda: 0, raising=False)
    monkeypatch.setattr(tasks, "install_chromium", lambda: reason)
    tasks.ensure_chromium()  # returns: no SystemExit
    out = capsys.readouterr().out
    assert f"Chromium was not installed: {reason}" in out
    assert "the browser tests will be skipped" in out
