"""How long the exercises take: ``check`` per exercise, and ``train_with``.

``python -m bench.exercises`` times ``check`` (the learner's function in a child process on
every designed input, then the diagnosis) for the reference and for the first catalogued
wrong answer of every exercise, and ``train_with`` with the reference, and rewrites the
"Exercises" section of RESULTS.md. Targets: ``check`` under 1 s per exercise, ``train_with``
under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.run import machine, write_section
from deltaprop.exercises import EXERCISES, check, train_with
from deltaprop.exercises.solutions import REFERENCES
from deltaprop.exercises.wrong import CATALOGUE

RESULTS = Path(__file__).with_name("RESULTS.md")


def seconds(fn, *args, **kwargs) -> float:
    """Wall seconds of one call."""
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exercises", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="three exercises, one epoch")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    names = (
        ["sigmoid_prime", "dense_backward", "conv2d_backward"] if args.quick else list(EXERCISES)
    )
    rounds, epochs = (1, 1) if args.quick else (5, 3)
    m = machine()
    rows, slowest_check, slowest_train = [], 0.0, 0.0
    for name in names:
        right = statistics.median(seconds(check, name, REFERENCES[name]) for _ in range(rounds))
        wrong = statistics.median(
            seconds(check, name, CATALOGUE[name][0].fn) for _ in range(rounds)
        )
        trained = seconds(train_with, name, REFERENCES[name], epochs=epochs)
        slowest_check = max(slowest_check, right, wrong)
        slowest_train = max(slowest_train, trained)
        rows.append(f"| {name} | {right * 1e3:.0f} ms | {wrong * 1e3:.0f} ms | {trained:.1f} s |")
    write_section(
        args.out,
        [
            f"## Exercises ({time.strftime('%Y-%m-%d')}, `python -m bench.exercises`)",
            "",
            f"Machine: {m['cpu']}; {m['blas']}; {m['versions']}. `check`: median of {rounds} "
            f"runs, each forking its child process; `train_with`: {epochs} epochs, both networks.",
            "",
            "| exercise | `check`, right answer | `check`, wrong answer (diagnosed) "
            "| `train_with` |",
            "|---|---|---|---|",
            *rows,
            "",
            f"Slowest check {slowest_check * 1e3:.0f} ms (target < 1 s: "
            f"{'met' if slowest_check < 1 else 'NOT met'}); slowest train_with "
            f"{slowest_train:.1f} s (target < 30 s: {'met' if slowest_train < 30 else 'NOT met'}).",
            "",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
