"""A sweep's speed-up: 8 trials on a 2-worker Dask LocalCluster against the same run serially.

Trials of ``deltaprop train``'s default length (20 epochs, about 8 s here) by default;
``--epochs 5`` shows how the fixed costs (a Python start per trial, the sweep's figure)
weigh on short trials.

``python -m bench.sweep`` runs, in interleaved rounds, (a) the 8 trials one after another,
each as ``deltaprop train`` with one BLAS thread (what a user would type in a loop), and
(b) ``deltaprop.sweep`` of the same grid on a LocalCluster of 2 one-thread workers (cluster
start included), and rewrites the "Sweep" section of RESULTS.md. Target: >= 1.8x on 2 cores.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import machine, write_section
from deltaprop.recipe import TrainConfig
from deltaprop.sweep import sweep, train, trials

RESULTS = Path(__file__).with_name("RESULTS.md")
GRID = {"eta": ["0.02", "0.05", "0.1", "0.2"], "hidden": ["30", "100"]}


def serial(folder: Path, base: TrainConfig) -> float:
    start = time.perf_counter()
    for trial in trials(GRID, base):
        train(trial, folder / trial.id).check_returncode()
    return time.perf_counter() - start


def parallel(folder: Path, base: TrainConfig, scheduler: str) -> float:
    start = time.perf_counter()
    sweep(GRID, folder, base=base, scheduler=scheduler, log=lambda line: None)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep", description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)  # the machine's 2 cores
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--epochs", type=int, default=20, help="per trial (train's default)")
    args = parser.parse_args(argv)
    base = TrainConfig(epochs=args.epochs, seed=0)
    from dask.distributed import LocalCluster

    times: dict[str, list[float]] = {"serial": [], "sweep": [], "start": []}
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            times["serial"].append(serial(Path(folder) / "serial", base))
            start = time.perf_counter()
            with LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
            ) as cluster:
                times["start"].append(time.perf_counter() - start)
                times["sweep"].append(
                    parallel(Path(folder) / "sweep", base, cluster.scheduler_address)
                )
            shutil.rmtree(folder, ignore_errors=True)
    s, p = statistics.median(times["serial"]), statistics.median(times["sweep"])
    c = statistics.median(times["start"])
    m = machine()
    section = [
        f"## Sweep ({time.strftime('%Y-%m-%d')}, `python -m bench.sweep`)",
        "",
        f"Machine: {m['cpu']}; {m['blas']}; {m['versions']}.",
        "",
        f"8 trials (eta × hidden, {args.epochs} epochs each on the bundled digits), median of "
        f"{args.rounds} "
        "interleaved rounds:",
        "",
        "| run | seconds | speed-up | target | met? |",
        "|---|---|---|---|---|",
        f"| one after another (`deltaprop train`, 1 BLAS thread each) | {s:.1f} | 1.00x | | |",
        f"| `deltaprop sweep` on a running LocalCluster of {args.workers} one-thread workers "
        f"| {p:.1f} | {s / p:.2f}x | >= 1.8x | {'yes' if s / p >= 1.8 else 'no'} |",
        f"| the same, starting the cluster too (+{c:.1f} s) | {p + c:.1f} | {s / (p + c):.2f}x "
        "| | |",
        "",
    ]
    write_section(args.out, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
