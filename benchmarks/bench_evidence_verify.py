"""Verify a vault of 10,000 small evidence files: the vault alone, with its records, and the CLI.

Run on demand: `.venv/bin/python benchmarks/bench_evidence_verify.py [COUNT] [--smoke]` (figures
are printed; nothing is asserted). Files are 1 to 8 KB of random bytes behind a text header, each
recorded by one evidence row of a SQLite database, as `iso10002 evidence add` leaves them. The
timings run with the files in the page cache (a second run of `verify`); the first run after a
reboot also waits for the disk. It prints how long storing took, then one line per timing: its
median and minimum in seconds. `--smoke` is a check that the benchmark still runs, in seconds:
50 files (unless COUNT is given), one run of each timing and no warm-up; its figures are real
but say nothing of speed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from assessment.access.roles import Actor
from assessment.checklist.loader import find_checklist
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services.evidence import verify_evidence
from assessment.storage.store import Store
from assessment.storage.tables import EvidenceRow
from evidence.vault import FolderVault, verify_vault

ADMIN = Actor.local_admin("benchmark")
ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, work: Callable[[], object], runs: int, warm_up: bool = True) -> float:
    if warm_up:
        work()  # warm-up (and the page cache)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    print(
        f"{label:<52} median {median:7.3f} s   min {min(samples):7.3f} s   ({runs} run{'s' if runs != 1 else ''})"
    )
    return median


def main(count: int = 10_000, runs: int = 5, cli_runs: int = 3, warm_up: bool = True) -> None:
    random.seed(10002)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        vault = FolderVault(data / "evidence", max_bytes=50 * 1024 * 1024)
        start = time.perf_counter()
        hashes = []
        for number in range(count):
            body = random.randbytes(random.randint(1024, 8192)).hex()[: random.randint(1024, 8192)]
            hashes.append(vault.put(f"record {number}\n{body}\n".encode()).sha256)
        stored = time.perf_counter() - start
        size = sum(p.stat().st_size for p in vault.root.rglob("*") if p.is_file())
        print(
            f"stored {count:,} files ({size / 1_048_576:.1f} MB) in {stored:.1f} s "
            f"({stored / count * 1000:.2f} ms each, fsync included)"
        )

        store = Store.open(f"sqlite:///{data / 'iso10002.db'}")
        organization = O.create_organization(store, ADMIN, "Benchmark Ltd")
        record = A.create_assessment(
            store,
            ADMIN,
            organization.id,
            find_checklist("iso10002-2018"),
            "Vault benchmark",
        )
        now = datetime.now(UTC)
        rows = [
            {
                "assessment_id": record.id,
                "ref": f"E{n + 1}",
                "kind": "file",
                "title": f"record {n}",
                "criteria": ["4.1.a"],
                "sha256": digest,
                "status": "approved",
                "created_at": now,
                "version": 1,
            }
            for n, digest in enumerate(hashes)
        ]
        with store.transaction() as session:
            session.execute(insert(EvidenceRow), rows)

        timed(
            f"verify_vault: hash {count:,} files",
            lambda: verify_vault(vault, hashes),
            runs,
            warm_up,
        )
        timed(
            f"verify_evidence: {count:,} records + files (SQLite)",
            lambda: verify_evidence(store, ADMIN, vault),
            runs,
            warm_up,
        )
        store.dispose()

        env = {**os.environ, "ISO10002_DATA_DIR": str(data)}
        env.pop("DATABASE_URL", None)
        command = [sys.executable, "-m", "assessment", "evidence", "verify"]

        def cli() -> None:
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stdout + done.stderr

        timed("`iso10002 evidence verify` (whole process)", cli, cli_runs, warm_up)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", help="files in the vault; default 10,000")
    parser.add_argument(
        "--smoke", action="store_true", help="does it still run? 50 files, 1 run, no warm-up"
    )
    args = parser.parse_args()
    if args.count is not None and args.count < 1:
        parser.error("COUNT must be at least 1")
    return args


if __name__ == "__main__":
    options = arguments()
    if options.smoke:
        main(options.count if options.count is not None else 50, 1, 1, warm_up=False)
    else:
        main(options.count if options.count is not None else 10_000)
