"""Every benchmark still runs as its header says, and still prints its figures.

Benchmarks are scripts run on demand: nothing imports them, so when a service they call changes
they break without any other test noticing. Each file in benchmarks/ (found by glob, so a new
one is covered too) is run here the way its header's run line says, plus `--smoke`, which
shrinks its sizes and runs to seconds. The figures are not judged (speed targets do not belong
in the test suite); that they are printed, with numbers, is.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.access.roles import Actor
from ui.navigation import menu_for

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = sorted((REPO / "benchmarks").glob("*.py"))
TIMEOUT = 240  # seconds for one smoke run; a busy 2-CPU machine is slow, not broken

N = r"\d[\d,]*(?:\.\d+)?"  # a printed figure: 7, 7,771 or 3.78
TIMING_MS = rf"median +{N} ms +min +{N} ms +\(\d+ runs?\)"
TIMING_S = rf"median +{N} s +min +{N} s +\(\d+ runs?\)"
PDF_BLOCK = (
    rf"  readiness pack +median +{N} s +\d+ pages +{N} KiB\n"
    rf"  bare reportlab +median +{N} s +\d+ pages +{N} KiB\n"
    rf"  ratio +{N}x +\({N} ms per page\)\n"
    rf"  same flowables once +median +{N} s +\d+ pages +{N} KiB\n"
    rf"  pack / same flowables once +{N}x"
)
PORTFOLIO_ROW = rf"sqlite +{N}x +{N}[kM]? +{N}(?: +{N} / +{N}){{4}}"

# The lines each header says its benchmark prints (matched line by line, trailing blanks cut).
FIGURES: dict[str, list[str]] = {
    "bench_checklists.py": [
        rf"^load \+ validate iso10002-2018\.yaml \(139 criteria\) +{TIMING_MS}$",
        rf"^synthetic checklist: {N} criteria, 5 levels of clauses, {N} KiB of YAML$",
        rf"^load \+ validate synthetic \({N} criteria\) +{TIMING_MS}$",
        rf"^score synthetic \({N} of {N} answered\) +{TIMING_MS}$",
    ],
    "bench_complaints.py": [
        rf"^register: {N} complaints, {N} MB \(made in {N} s\)$",
        r"^== step, seconds: ours, plain pandas, ratio$",
        rf"^read and check +{N} +{N} +{N}x$",
        rf"^import +{N} +{N} +{N}x$",
        rf"^indicators +{N} +{N} +{N}x$",
        r"^== Complaint performance page, warm rerun, ms \(median\)$",
        rf"^{N} complaints +{N}$",
        rf"^demo register +{N}$",
        rf"^ratio {N}x$",
    ],
    "bench_clicks.py": [
        r"^== clicks through app\.py on the demo, ms \(2 of each, interleaved\)$",
        rf"^empty click +{N} +{N} +{N}x$",
        rf"^score click +{N} +{N} +{N}x$",
        rf"^Save +{N} +{N} +{N}x$",
    ],
    "bench_cold_start.py": [
        r"^== cold start, s \(1 of each, alternating\)$",
        rf"^app +{N} +{N} +{N} +{N}$",
        rf"^hello world +{N} +{N} +{N} +{N}$",
        rf"^ratio +{N}x$",
    ],
    "bench_users.py": [
        r"^== simulated users \((PostgreSQL|SQLite)\), an act every 2 s each, ms$",
        rf"^ +1 +1 +{N} +{N} +{N} +{N} +{N}x +{N}$",  # one user, one process
        rf"^ +3 +1 +{N} +{N} +{N} +{N} +{N}x +{N}$",  # the users on one process
        rf"^ +3 +2 +{N} +{N} +{N} +{N} +{N}x +{N}$",  # on two behind the balancer
        rf"^3 users asking for 1\.5 acts a second at {N} ms of CPU each ask for {N} cores; "
        rf"this machine has {N}$",
    ],
    "bench_evidence_verify.py": [
        rf"^stored {N} files \({N} MB\) in {N} s \({N} ms each, fsync included\)$",
        rf"^verify_vault: hash {N} files +{TIMING_S}$",
        rf"^verify_evidence: {N} records \+ files \(SQLite\) +{TIMING_S}$",
        rf"^`iso10002 evidence verify` \(whole process\) +{TIMING_S}$",
    ],
    "bench_pages.py": [
        r"^== demo: page script runs, ms \(1 warm reruns per page after a cold run;",
        r"^page +cold +warm median +warm p95 +median/empty$",
        # one row per page of the menu is added by page_rows()
        rf"^== growth: warm median in ms by assessments in the portfolio, ratio to {N}$",
        rf"^Scoring +{N} +{N} +{N}x$",
    ],
    "bench_portfolio.py": [
        r"^== Summary \(ms, median / p95\)$",
        rf"^{PORTFOLIO_ROW}$",  # the smallest scale: no ratio to itself
        rf"^{PORTFOLIO_ROW} +{N}, {N}$",  # the next: open warm and cold against the smallest
        rf"^ +open +{N} -> +{N} +x *{N} +SELECT … FROM response WHERE assessment_id = \?$",
    ],
    "targets.py": [
        r"^== targets \(each a ratio of two timings in this run, medians\)$",
        rf"^score click on Scoring, through app\.py, vs an empty click +{N}x +<= 3x +(yes|no)$",
        rf"^Save on Scoring, through app\.py, vs the same empty click +{N}x +<= 5x +(yes|no)$",
        rf"^every page's rerun at {N} vs {N} assessments \(worst: [A-Za-z ]+\) +{N}x +<= 1\.2x +(yes|no)$",
        rf"^  of them, a page of one assessment \(worst: [A-Za-z ]+\) +{N}x +<= 1\.2x +(yes|no)$",
        rf"^PDF pack vs its own flowables laid out once \(demo\) +{N}x +<= 1\.2x +(yes|no)$",
        rf"^`iso10002 --help` vs `python -c \"import click, yaml, pydantic\"` +{N}x +<= 2x +(yes|no)$",
        rf"^`iso10002 score FILE` vs `python -c \"import click, yaml, pydantic\"` +{N}x +<= 2x +(yes|no)$",
        rf"^cold start of the app in Chromium vs a hello-world Streamlit app +{N}x +<= 1\.2x +(yes|no)$",
        rf"^3 simulated users on (PostgreSQL|SQLite), one process, p95 vs one user +{N}x +<= 1\.5x +(yes|no)$",
        rf"^3 simulated users on (PostgreSQL|SQLite), 2 processes behind a balancer, p95 vs one user +{N}x +<= 1\.5x +(yes|no)$",
    ],
    "bench_report_pdf.py": [
        rf"^gather_report \(demo assessment 2\): {N} ms$",
        rf"^demo: in-progress review, 139 criteria, baseline, {N} actions, {N} records\n{PDF_BLOCK}$",
        rf"^synthetic: {N} criteria, {N} clauses, {N} actions, {N} file records\n{PDF_BLOCK}$",
    ],
}


def page_rows() -> list[str]:
    """bench_pages prints a row for the empty script and for every page of the admin's menu."""
    titles = ["(empty script)"] + [
        entry.title
        for entries in menu_for(Actor.local_admin("benchmark")).values()
        for entry in entries
    ]
    return [rf"^{re.escape(title)} +{N} +{N} +{N} +{N}x$" for title in titles]


def header(path: Path) -> str:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring, f"{path.name} has no header saying how to run it"
    return docstring


def run_line(path: Path) -> tuple[list[str], list[str]]:
    """The header's `.venv/bin/python benchmarks/<name>.py [options]`: (arguments, options)."""
    found = re.search(
        rf"\.venv/bin/python (benchmarks/{re.escape(path.name)})((?: \[[^\]]+\])*)", header(path)
    )
    assert found, f"{path.name}'s header has no run line `.venv/bin/python benchmarks/{path.name}`"
    return [found[1]], re.findall(r"\[([^\]]+)\]", found[2])


def test_every_benchmark_says_what_it_prints():
    """A new benchmark needs its figure lines here, or its smoke run would check nothing."""
    assert sorted(FIGURES) == [p.name for p in BENCHMARKS]


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.stem)
def test_header_has_the_run_line_and_smoke_mode(path):
    _arguments, options = run_line(path)
    assert "--smoke" in options, f"{path.name}'s run line does not offer [--smoke]"
    assert re.search(r"`--smoke` is a check", header(path)), (
        f"{path.name} does not say what --smoke does"
    )


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.stem)
def test_benchmark_runs_in_smoke_mode(path, tmp_path):
    arguments, _options = run_line(path)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "ISO10002_AS", "ISO10002_CHECKLISTS_DIR"}
    }
    # This checkout's code (not an installed copy), and a data folder of the test's own.
    env |= {"PYTHONPATH": str(REPO), "ISO10002_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, *arguments, "--smoke"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, (
        f"{path.name} --smoke exited with {done.returncode}:\n{output[-4000:]}"
    )
    assert "Traceback" not in output, output[-4000:]
    printed = "\n".join(line.rstrip() for line in done.stdout.splitlines())
    expected = FIGURES[path.name] + (page_rows() if path.name == "bench_pages.py" else [])
    missing = [p for p in expected if not re.search(p, printed, re.MULTILINE)]
    assert not missing, (
        f"{path.name} --smoke did not print lines like:\n"
        + "\n".join(missing)
        + f"\n\nIt printed:\n{printed[-4000:]}"
    )
