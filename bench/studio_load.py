"""The studio hosted for a class: 30 tabs training at once, and what a student then waits.

``python -m bench.studio_load`` starts ``deltaprop studio`` as its own process on
127.0.0.1 (token on, ``--max-sessions 30``), opens 30 WebSocket sessions that each build
the default playground and play it, loads a digits model into one of them, and for
``--seconds`` measures, all at once: the playground updates each tab receives per second,
and the latency of a page load (the page, its style sheet and its 14 scripts), of
``/api/options``, of a digit probe and of a double-clicked download. It reads the
server's memory and threads before, at the peak and after every tab has closed, and
checks that the sessions were released by opening 30 again. It then runs the endpoint
fuzz (tests/studio/test_fuzz.py) with ``--fuzz`` examples and counts its answers. Every
loop is bounded in count and time; nothing leaves 127.0.0.1. It rewrites the "Studio
under load" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psutil
from websockets.sync.client import connect

from bench.run import machine, write_section
from bench.studio import canvas_png
from deltaprop import Network, save
from deltaprop.studio.server import free_port

RESULTS = Path(__file__).with_name("RESULTS.md")
ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token-0123456789abcdef"
AUTH = {"Authorization": f"token {TOKEN}"}
STATIC = ROOT / "src/deltaprop/studio/static"
PAGE = ["", "style.css", "vendor/uplot/uPlot.min.css"] + [
    f"js/{p.name}" for p in sorted((STATIC / "js").glob("*.js"))
]


def call(url: str, body: bytes | None = None, media: str = "") -> tuple[int, bytes]:
    headers = {**AUTH, **({"Content-Type": media} if media else {})}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=body, headers=headers), timeout=30
        ) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


def timed(fn: Any, *args: Any) -> float:
    """Milliseconds one call takes; a failed call is an error."""
    start = time.perf_counter()
    status = fn(*args)
    assert status == 200, status
    return 1000 * (time.perf_counter() - start)


class Tab:
    """One tab's WebSocket, read in a thread that counts its playground updates."""

    def __init__(self, base: str, stack: ExitStack) -> None:
        self.ws = stack.enter_context(
            connect(base.replace("http", "ws") + "ws", additional_headers=AUTH, max_size=2**24)
        )
        self.api = f"{base}api/{json.loads(self.ws.recv(timeout=30))['session']}/"
        self.stamps: list[float] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for message in self.ws:
                if json.loads(message)["type"] == "epoch":
                    self.stamps.append(time.monotonic())
        except Exception:  # the socket closed: the tab is gone
            pass

    def post(self, path: str, body: Any = None, media: str = "application/json") -> int:
        data = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
        return call(self.api + path, data, media)[0]

    def rate(self, start: float, end: float) -> float:
        return sum(start <= t < end for t in self.stamps) / (end - start)


def server_process(port: int, sessions: int) -> subprocess.Popen[str]:
    command = [
        sys.executable, "-m", "deltaprop", "studio", "--no-browser", "--port", str(port),
        "--token", TOKEN, "--max-sessions", str(sessions), "--sessions-per-client",
        str(sessions), "--idle-timeout", "0",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    process.stdout.readline()  # its address: it is about to listen
    base = f"http://127.0.0.1:{port}/"
    for _ in range(200):
        try:
            if call(base + "api/options")[0] == 200:
                return process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the studio did not start")


def memory(process: psutil.Process) -> tuple[float, int]:
    return process.memory_info().rss / 2**20, process.num_threads()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load(n_tabs: int, seconds: float, settle: float = 12.0) -> dict[str, Any]:
    """The figures of one run with ``n_tabs`` tabs playing for ``seconds``."""
    port = free_port("127.0.0.1")
    process = server_process(port, n_tabs)
    base = f"http://127.0.0.1:{port}/"
    server = psutil.Process(process.pid)
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "digits.npz"
        save(Network.from_sizes([784, 100, 10], seed=0), model)
        model_bytes = model.read_bytes()
    drawing = json.dumps(
        {"image": "data:image/png;base64," + base64.b64encode(canvas_png(7)).decode()}
    ).encode()
    try:
        idle = memory(server)
        with ExitStack() as stack:
            tabs = [Tab(base, stack) for _ in range(n_tabs)]
            for tab in tabs:
                assert tab.post("playground") == 200 and tab.post("playground/play") == 200
            probed = tabs[0]
            assert probed.post("digits/model", model_bytes, "application/octet-stream") == 200
            time.sleep(2.0)  # every tab under way
            start = time.monotonic()
            latency: dict[str, list[float]] = {"page": [], "options": [], "probe": [], "dl": []}

            def page() -> int:
                return max(call(base + path)[0] for path in PAGE)

            def double_click() -> int:
                with ThreadPoolExecutor(2) as pool:
                    pair = list(pool.map(call, [probed.api + "export/digits/model.npz"] * 2))
                return max(status for status, _ in pair)

            def probe() -> int:
                return call(probed.api + "digits/probe", drawing, "application/json")[0]

            samplers = {
                "page": page,
                "options": lambda: call(base + "api/options")[0],
                "probe": probe,
                "dl": double_click,
            }
            while time.monotonic() - start < seconds:
                for name, fn in samplers.items():
                    latency[name].append(timed(fn))
                time.sleep(0.1)
            end = time.monotonic()
            peak = memory(server)
            rates = [tab.rate(start, end) for tab in tabs]
        time.sleep(settle)  # the tabs' sessions close; idle pool threads retire after 10 s
        after = memory(server)
        with ExitStack() as stack:  # released: all of them can be opened again, and played
            tabs = [Tab(base, stack) for _ in range(n_tabs)]
            for tab in tabs:
                assert tab.post("playground") == 200 and tab.post("playground/play") == 200
            time.sleep(seconds / 4)
            again = sum(bool(tab.stamps) for tab in tabs)
        time.sleep(settle)
        second = memory(server)
        return {
            "tabs": n_tabs,
            "seconds": end - start,
            "rates": rates,
            "latency": latency,
            "idle": idle,
            "peak": peak,
            "after": after,
            "again": again,
            "second": second,
        }
    finally:
        process.terminate()
        process.wait(30)


def fuzz(examples: int) -> tuple[Counter[int], str]:
    """Run the endpoint fuzz with ``examples`` examples; the statuses it got, and its result."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "statuses.json"
        env = {
            **os.environ,
            "DELTAPROP_FUZZ_EXAMPLES": str(examples),
            "DELTAPROP_FUZZ_REPORT": str(report),
        }
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "tests/studio/test_fuzz.py"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
        )  # fmt: skip
        statuses = Counter({int(k): v for k, v in json.loads(report.read_text()).items()})
    return statuses, done.stdout.strip().splitlines()[-1]


def section(figures: dict[str, Any], statuses: Counter[int], outcome: str) -> list[str]:
    m = machine()
    rates, lat = figures["rates"], figures["latency"]

    def row(name: str, key: str) -> str:
        values = lat[key]
        return (
            f"| {name} | {statistics.median(values):.0f} ms | {percentile(values, 0.95):.0f} ms "
            f"| {max(values):.0f} ms | {len(values)} |"
        )

    (idle_mb, idle_threads), (peak_mb, peak_threads) = figures["idle"], figures["peak"]
    after_mb, after_threads = figures["after"]
    second_mb, _ = figures["second"]
    total = sum(statuses.values())
    answered = ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items()))
    return [
        f"## Studio under load ({time.strftime('%Y-%m-%d')}, `python -m bench.studio_load`)",
        "",
        f"Machine: {m['cpu']}; {m['blas']}; {m['versions']}. The server is "
        f"`deltaprop studio --max-sessions {figures['tabs']}` in its own process on 127.0.0.1 "
        "with its token on; the clients run in the benchmark's process on the same cores.",
        "",
        f"{figures['tabs']} tabs each playing the default playground for "
        f"{figures['seconds']:.0f} s: playground updates per tab per second median "
        f"{statistics.median(rates):.1f} (lowest {min(rates):.1f}, highest {max(rates):.1f}; "
        f"all tabs together {sum(rates):.0f}/s). Meanwhile, sampled in turn:",
        "",
        "| request | median | 95th percentile | worst | samples |",
        "|---|---|---|---|---|",
        row(f"page load (the page and its {len(PAGE) - 1} files, one after another)", "page"),
        row("`/api/options`", "options"),
        row("digit probe (784-100-10, prediction + every layer's δ)", "probe"),
        row("double-clicked download: two `model.npz` at once", "dl"),
        "",
        f"Server memory: {idle_mb:.0f} MB with no tab, {peak_mb:.0f} MB with "
        f"{figures['tabs']}, {after_mb:.0f} MB after they closed, {second_mb:.0f} MB after a "
        f"second round of {figures['tabs']}; "
        f"threads {idle_threads}, {peak_threads}, {after_threads} (those left are the "
        "server's idle worker pool, kept for reuse: no training thread outlives its tab). "
        f"Sessions released: {figures['again']} of {figures['tabs']} tabs opened again at "
        "the cap and trained.",
        "",
        f"Endpoint fuzz (tests/studio/test_fuzz.py, hypothesis): {total} requests, answered "
        f"{answered}; no 5xx, no traceback ({outcome}).",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.studio_load", description=__doc__)
    parser.add_argument("--tabs", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--fuzz", type=int, default=3000, help="fuzz examples")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--quick", action="store_true", help="3 tabs, 2 s: a smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.tabs, args.seconds, args.fuzz = 3, 2.0, 30
    figures = load(args.tabs, args.seconds, settle=1.0 if args.quick else 12.0)
    statuses, outcome = fuzz(args.fuzz)
    write_section(args.out, section(figures, statuses, outcome))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
