"""Time twenty simulated users on one app process, and on three behind a load balancer,
against one user, over PostgreSQL.

Each user is a real Streamlit session: a websocket to `streamlit run app.py` on 127.0.0.1,
speaking Streamlit's own protocol, as a browser tab does. An act is what a click causes: the
user asks for a rerun of the Scoring page and waits until the server says the script finished
(every element of the page received). Every user acts once every 2 s (or at once when the
previous act took longer), starting spread over the first 2 s. The app runs in single-user
mode on the demo data, in a PostgreSQL schema of its own that is dropped afterwards; without a
PostgreSQL server (`ISO10002_TEST_POSTGRES_URL`, default 127.0.0.1:5432, database `test`) it
says so and uses SQLite. The count of users and the time are bounded.

Three phases, one after the other: one user on one process (the baseline), the users on one
process, then the users spread over `--processes` app processes on the same database behind
`support/balancer.py` (sticky sessions, as a production balancer is set up; README,
Deployment). Every process and the balancer run on this machine, so they share its cores with
PostgreSQL and with the simulated users themselves.

Run on demand (figures are printed; nothing is asserted):

    .venv/bin/python benchmarks/bench_users.py [--users 20] [--seconds 30] [--processes 3] [--json] [--smoke]

It prints for each phase: acts done, p50 and p95 of an act in ms, acts per second, and the
ratio of its p95 to the one user's (`--json`: the same as JSON). `--smoke` is a check that the
benchmark still runs, in seconds: 3 users for 4 s on 2 processes; its figures are real but say
nothing of speed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the served-app helper lives with the tests

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.util import calc_hash  # noqa: E402
from support.portfolio_databases import postgres_reason, postgres_target  # noqa: E402
from support.stats import percentile  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from assessment.access.roles import Actor  # noqa: E402
from assessment.demo.builder import load_demo  # noqa: E402
from assessment.storage.store import Store  # noqa: E402
from tests.browser_support import free_port, served_app  # noqa: E402

PERIOD_S = 2.0  # one act every 2 s per user
WARM_UP_S = 4.0  # one user on each process first, untimed
MAX_USERS, MAX_SECONDS, MAX_PROCESSES = 50, 120, 4
BALANCER = Path(__file__).resolve().parent / "support" / "balancer.py"
PAGE = "scoring"  # the URL path of the page every act reruns


@dataclass(frozen=True)
class Phase:
    users: int
    processes: int
    acts: int
    p50_ms: float
    p95_ms: float
    acts_per_s: float
    cpu_ms_per_act: float | None  # CPU time the app processes spent per act (Linux only)


def app_cpu_seconds() -> float | None:
    """CPU time (user + system) so far of this benchmark's `streamlit run` processes, from
    /proc; None where there is no /proc. What an act costs in CPU says how many acts a second
    the machine's cores can serve at all, whatever the number of processes."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"streamlit" in command:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def rerun_message() -> bytes:
    """The rerun a browser asks for when a click changes nothing else: the Scoring page."""
    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_script_hash = calc_hash(PAGE)
    message.rerun_script.widget_states.SetInParent()
    return message.SerializeToString()


async def one_act(socket) -> float:
    started = time.perf_counter()
    await socket.send(rerun_message())
    while True:
        reply = ForwardMsg()
        reply.ParseFromString(await socket.recv())
        if reply.WhichOneof("type") == "script_finished":
            if reply.script_finished != ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY:
                raise RuntimeError(f"the page did not finish: status {reply.script_finished}")
            return (time.perf_counter() - started) * 1000


async def user(url: str, number: int, count: int, seconds: float, times: list[float]) -> None:
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    async with connect(address, subprotocols=["streamlit"], max_size=None) as socket:
        await one_act(socket)  # the session's first run, untimed (a tab being opened)
        await asyncio.sleep(PERIOD_S * number / count)
        deadline = time.perf_counter() + seconds
        while (now := time.perf_counter()) < deadline:
            times.append(await one_act(socket))
            await asyncio.sleep(max(0.0, PERIOD_S - (time.perf_counter() - now)))


def phase(url: str, users: int, seconds: float, processes: int = 1) -> Phase:
    times: list[float] = []
    cpu_before = app_cpu_seconds()
    started = time.perf_counter()

    async def everyone() -> None:
        await asyncio.gather(*(user(url, n, users, seconds, times) for n in range(users)))

    asyncio.run(everyone())
    elapsed = time.perf_counter() - started
    cpu_after = app_cpu_seconds()
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Phase(
        users,
        processes,
        len(times),
        round(statistics.median(times), 1),
        round(percentile(times, 0.95), 1),
        round(len(times) / elapsed, 2),
        None if cpu is None else round(cpu / len(times) * 1000, 1),
    )


@contextlib.contextmanager
def database() -> Iterator[tuple[str, str]]:
    """(engine name, URL) of a database with the demo loaded, dropped afterwards."""
    reason = postgres_reason()
    if reason is None:
        with postgres_target() as target:
            load_demo(target.store, Actor.local_admin("benchmark"))
            yield "PostgreSQL", target.store.engine.url.render_as_string(hide_password=False)
        return
    print(f"no PostgreSQL ({reason}): SQLite instead", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="bench_users_") as folder:
        url = f"sqlite:///{Path(folder, 'iso10002.db').resolve()}"
        store = Store.open(url)
        try:
            load_demo(store, Actor.local_admin("benchmark"))
        finally:
            store.dispose()
        yield "SQLite", url


@contextlib.contextmanager
def balanced(urls: list[str]) -> Iterator[str]:
    """support/balancer.py in front of the app processes at `urls`, until the block ends."""
    port = free_port()
    backends = [arg for url in urls for arg in ("--backend", url.removeprefix("http://"))]
    balancer = subprocess.Popen(
        [sys.executable, str(BALANCER), "--port", str(port), *backends],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert balancer.stdout is not None
        balancer.stdout.readline()  # "listening on ..."
        address = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{address}/_stcore/health", timeout=10) as answer:
            assert answer.status == 200
        yield address
    finally:
        balancer.terminate()
        balancer.wait(timeout=10)


def run(users: int, seconds: float, processes: int) -> dict[str, object]:
    with database() as (engine, url), tempfile.TemporaryDirectory() as folder:
        settings = {
            "DATABASE_URL": url,
            "ISO10002_AUTH": "off",
            # The protocol client is not a browser: it carries no XSRF cookie.
            "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "false",
        }
        with contextlib.ExitStack() as apps:
            served = [
                apps.enter_context(served_app(Path(folder, f"app{n}", "data"), REPO, **settings))
                for n in range(processes)
            ]
            for url in served:  # untimed: each process's first runs load the pages' code
                phase(url, 1, WARM_UP_S)
            alone = phase(served[0], 1, seconds)
            many = phase(served[0], users, seconds)
            with balanced(served) as balancer:
                spread = phase(balancer, users, seconds, processes)
    cpu_per_act = alone.cpu_ms_per_act
    return {
        "engine": engine,
        "cores": os.cpu_count(),
        # What the users ask of the machine: acts a second times the CPU of one act, in cores.
        "cores_asked_for": None
        if cpu_per_act is None
        else round(users / PERIOD_S * cpu_per_act / 1000, 2),
        "one": asdict(alone),
        "many": asdict(many),
        "spread": asdict(spread),
        "p95_ratio": round(many.p95_ms / alone.p95_ms, 2),
        "spread_p95_ratio": round(spread.p95_ms / alone.p95_ms, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, help=f"default 20 (smoke: 3), at most {MAX_USERS}")
    parser.add_argument("--seconds", type=float, help="per phase; default 30 (smoke: 4)")
    parser.add_argument(
        "--processes",
        type=int,
        help=f"app processes behind the balancer; default 3 (smoke: 2), at most {MAX_PROCESSES}",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--smoke", action="store_true", help="does it still run? 3 users, 4 s, 2 processes"
    )
    args = parser.parse_args()
    users = args.users if args.users is not None else (3 if args.smoke else 20)
    seconds = args.seconds if args.seconds is not None else (4.0 if args.smoke else 30.0)
    processes = args.processes if args.processes is not None else (2 if args.smoke else 3)
    if not 1 <= processes <= MAX_PROCESSES:
        parser.error(f"--processes must be 1 to {MAX_PROCESSES}")
    if not 1 <= users <= MAX_USERS:
        parser.error(f"--users must be 1 to {MAX_USERS}")
    if not 0 < seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be more than 0 and at most {MAX_SECONDS}")
    found = run(users, seconds, processes)
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    print(f"== simulated users ({found['engine']}), an act every 2 s each, ms")
    print(
        f"{'users':>5} {'processes':>9} {'acts':>6} {'p50':>8} {'p95':>8} {'acts/s':>7} {'p95 vs one':>10}"
    )
    one = found["one"]
    assert isinstance(one, dict)
    for key in ("one", "many", "spread"):
        f = found[key]
        assert isinstance(f, dict)
        print(
            f"{f['users']:>5} {f['processes']:>9} {f['acts']:>6} {f['p50_ms']:8.1f} "
            f"{f['p95_ms']:8.1f} {f['acts_per_s']:7.2f} {f['p95_ms'] / one['p95_ms']:9.2f}x "
            f"{'n/a' if f['cpu_ms_per_act'] is None else f['cpu_ms_per_act']:>8}"
        )
    if found["cores_asked_for"] is not None:
        print(
            f"{users} users asking for {users / PERIOD_S:g} acts a second at "
            f"{one['cpu_ms_per_act']} ms of CPU each ask for {found['cores_asked_for']} cores; "
            f"this machine has {found['cores']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
