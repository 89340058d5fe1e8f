"""Time a large complaint register: reading, importing and measuring it, against plain pandas.

A register of `--rows` complaints (500,000 by default) is made with the demo's generator (the
same story, scaled) and written as a CSV in a temporary folder. Then, in one run:

- read: our reading of the file (every cell parsed and checked, faults located) against
  `pandas.read_csv` with `to_datetime` on the four date columns (no checks);
- import: `import_register` into a new SQLite database (read, check, write every row in one
  transaction), against the same pandas reading plus `DataFrame.to_sql` of the rows;
- indicators: `complaint_indicators` (the table read back from the database, then every
  indicator) against the same formulas on the frame pandas read (`compute` over it);
- page: the Complaint performance page's rerun (AppTest, warm) on the large register against
  the demo's small one.

Run on demand (figures are printed; nothing is asserted):

    .venv/bin/python benchmarks/bench_complaints.py [--rows 500000] [--rounds 5] [--smoke]

It prints each step's seconds, ours and the baseline's, and the ratio; the page's medians in ms
and their ratio. `--smoke` is a check that the benchmark still runs, in seconds: 5,000 rows,
one round; its figures are real but say nothing of speed.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assessment.access.roles import Actor  # noqa: E402
from assessment.complaints.indicators import Period, compute, load_indicators  # noqa: E402
from assessment.complaints.register import complaints_of, read_table  # noqa: E402
from assessment.demo.builder import load_demo  # noqa: E402
from assessment.demo.register import MAPPING, demo_register  # noqa: E402
from assessment.services import organizations as O  # noqa: E402
from assessment.services.complaints import complaint_indicators, import_register  # noqa: E402
from assessment.storage.store import Store  # noqa: E402

DEMO_ROWS = 3700  # about what the demo's register holds at scale 1
ADMIN = Actor.local_admin("benchmark")
DATES = {
    "Created At": "received",
    "First response": "acknowledged",
    "Resolved": "responded",
    "Closed": "closed",
}
PAGE = "from ui.pages import complaints_page\ncomplaints_page.render()\n"


def seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def pandas_frame(path: Path) -> pd.DataFrame:
    """What plain pandas does with the file: read it, parse the dates, name the columns."""
    frame = pd.read_csv(path)
    for header, field in DATES.items():
        frame[field] = (
            pd.to_datetime(frame[header], format="%d/%m/%Y %H:%M")
            .dt.tz_localize("Europe/London", ambiguous="NaT", nonexistent="NaT")
            .dt.tz_convert("UTC")
        )
    frame["outcome"] = frame["Outcome"].str.lower()
    for header, field in (
        ("Reopened", "reopened"),
        ("Escalated to ombudsman", "escalated_externally"),
        ("Vulnerable", "vulnerable"),
    ):
        frame[field] = frame[header] == "yes"
    kept_as_read = ["Ticket ID", "Channel", "Category", "Product", "CSAT", "Root cause"]
    frame = frame[
        [
            *kept_as_read,
            *DATES.values(),
            "outcome",
            "reopened",
            "escalated_externally",
            "vulnerable",
        ]
    ]
    return frame.rename(
        columns={
            "Channel": "channel",
            "Category": "category",
            "Product": "product",
            "CSAT": "satisfaction",
            "Root cause": "root_cause",
            "Ticket ID": "reference",
        }
    )


def page_rerun(data: Path, organization: str, rounds: int) -> float:
    """The warm median, ms, of the Complaint performance page for `organization`."""
    os.environ["ISO10002_DATA_DIR"] = str(data)
    store = Store.open(f"sqlite:///{data / 'iso10002.db'}")
    org = O.organization_by_name(store, ADMIN, organization).id
    store.dispose()
    app = AppTest.from_string(PAGE, default_timeout=600)
    app.query_params["org"] = str(org)
    app.run()
    if app.exception:
        raise RuntimeError(app.exception)
    times = []
    for _ in range(rounds):
        times.append(seconds(app.run) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--rows", type=int, help="complaints in the large register (default 500,000)"
    )
    parser.add_argument("--rounds", type=int, help="page reruns timed (default 5)")
    parser.add_argument("--smoke", action="store_true", help="does it still run? 5,000 rows")
    args = parser.parse_args()
    rows = args.rows or (5000 if args.smoke else 500_000)
    rounds = args.rounds or (1 if args.smoke else 5)
    os.environ["ISO10002_AUTH"] = "off"
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="bench_complaints_") as folder:
        root = Path(folder)
        path = root / "register.csv"
        made = seconds(lambda: path.write_bytes(demo_register(today, scale=rows / DEMO_ROWS)))
        table_rows = sum(1 for _ in path.open()) - 1
        print(
            f"register: {table_rows:,} complaints, {path.stat().st_size / 1e6:.1f} MB (made in {made:.1f} s)",
            flush=True,
        )

        ours_read = seconds(lambda: complaints_of(read_table(path), MAPPING))
        base_read = seconds(lambda: pandas_frame(path))

        data = root / "large"
        data.mkdir()
        store = Store.open(f"sqlite:///{data / 'iso10002.db'}")
        load_demo(store, ADMIN, today=today, complaint_register=False)
        kestrel = O.organization_by_name(store, ADMIN, "Kestrel Outdoor Supply (demo)").id
        ours_import = seconds(lambda: import_register(store, ADMIN, kestrel, path, mapping=MAPPING))

        def pandas_import() -> None:
            frame = pandas_frame(path)
            with sqlite3.connect(root / "pandas.db") as connection:
                frame.to_sql("complaint", connection, index=False, chunksize=5000)

        base_import = seconds(pandas_import)

        period = Period(today - timedelta(days=364), today)
        ours_measure = seconds(lambda: complaint_indicators(store, ADMIN, kestrel, period))
        frame = pandas_frame(path)
        indicators = load_indicators().indicators
        base_measure = seconds(lambda: [compute(i, frame, period) for i in indicators])
        store.dispose()

        print("== step, seconds: ours, plain pandas, ratio")
        for name, ours, base in (
            ("read and check", ours_read, base_read),
            ("import", ours_import, base_import),
            ("indicators", ours_measure, base_measure),
        ):
            print(f"{name:<15} {ours:8.2f} {base:8.2f} {ours / base:7.2f}x")

        small = root / "small"
        small.mkdir()
        small_store = Store.open(f"sqlite:///{small / 'iso10002.db'}")
        load_demo(small_store, ADMIN, today=today)
        small_store.dispose()
        large_ms = page_rerun(data, "Kestrel Outdoor Supply (demo)", rounds)
        small_ms = page_rerun(small, "Kestrel Outdoor Supply (demo)", rounds)
        print("== Complaint performance page, warm rerun, ms (median)")
        print(f"{table_rows:,} complaints {large_ms:8.1f}")
        print(f"demo register {small_ms:8.1f}")
        print(f"ratio {large_ms / small_ms:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
