"""The same cases on two checkouts, interleaved: ``python -m bench.before_after OLD NEW``.

For a change that must not cost speed (a refactoring): each round runs the cases once in
a fresh process per checkout (``OLD/src`` and ``NEW/src`` on the path), alternating which
goes first, and the table gives the medians and their ratio. Cases: a one-row predict,
evaluating 2,000 digits, one epoch of 4,000 digits for 784-100-10 at batch 10 and 128, and
a small CNN at batch 64. The cases use only names both checkouts have (the public ones).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

CASES = """
import json, time
from deltaprop import Network
from deltaprop.datasets import load
import deltaprop

parse_layers = deltaprop.spec.parse_layers  # the lazy name: both layouts have it

data = load("mnist-sample", n_train=4000, n_test=2000)
(X, y), (Xt, yt) = data.train, data.test
out = {}
net = Network.from_sizes([784, 100, 10], seed=0)
net.predict(Xt[:1])
start = time.perf_counter()
for _ in range(3000):
    net.predict(Xt[:1])
out["predict 1 row (us)"] = (time.perf_counter() - start) / 3000 * 1e6
start = time.perf_counter()
net.evaluate(Xt, yt)
out["evaluate 2,000 (ms)"] = (time.perf_counter() - start) * 1e3
for batch in (10, 128):
    start = time.perf_counter()
    net.fit(X, y, epochs=1, batch_size=batch, eta=0.1, monitor_training=False)
    out[f"fit 784-100-10 b{batch} (s)"] = time.perf_counter() - start
cnn = Network(parse_layers("conv:8x5x5,pool:2,dense:10:softmax", 784, image_shape=(28, 28)))
start = time.perf_counter()
cnn.fit(X[:2000], y[:2000], epochs=1, batch_size=64, eta=0.1, monitor_training=False)
out["fit CNN b64 (s)"] = time.perf_counter() - start
print(json.dumps(out))
"""


def run(tree: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    done = subprocess.run(
        [sys.executable, "-c", CASES], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.before_after", description=__doc__)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args(argv)
    results: dict[Path, list[dict[str, float]]] = {args.before: [], args.after: []}
    for r in range(args.rounds):
        for tree in (args.before, args.after) if r % 2 == 0 else (args.after, args.before):
            results[tree].append(run(tree))
    print(f"{time.strftime('%Y-%m-%d')}, {args.rounds} rounds, medians")
    print("| case | before | after | after / before |\n|---|---|---|---|")
    for key in results[args.before][0]:
        old = statistics.median(r[key] for r in results[args.before])
        new = statistics.median(r[key] for r in results[args.after])
        print(f"| {key} | {old:.3g} | {new:.3g} | {new / old:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
