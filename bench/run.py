"""Side-by-side benchmark of deltaprop against PyTorch, scikit-learn and plain NumPy loops.

    python -m bench                  # the full run (several minutes), writes bench/RESULTS.md
    python -m bench --quick          # a smoke test in well under a minute

Every case trains the same architecture on the same data with the same batch size, learning
rate, float32 and BLAS/torch thread count; implementations take turns (A B C A B C ...) so
that a noisy machine affects them alike. Throughput is images per second over whole epochs
(each implementation shuffles every epoch, as real training does); ratios are deltaprop's
throughput over the reference's, per round, given as the median and the range.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "bench"

import deltaprop
from bench.growth import growth_section
from bench.measure import matmul_peak, measure, ratio_text, references, threads
from bench.references import TRAINERS, Case, DeltapropTrainer, available
from deltaprop import datasets

HERE = Path(__file__).resolve().parent

MLP = dict(kind="mlp", sizes=(784, 100, 10), activation="sigmoid")
COMPILED = ("torch", "torch.compile", "jax")  # eager PyTorch and the two compiled peers
CASES = [
    Case("784-100-10 sigmoid, batch 10, SGD", batch=10, **MLP),
    Case("784-100-10 sigmoid, batch 10, momentum", batch=10, momentum=0.9, **MLP),
    Case("784-100-10 sigmoid, batch 32, SGD", batch=32, **MLP),
    Case("784-100-10 sigmoid, batch 32, momentum", batch=32, momentum=0.9, **MLP),
    Case("784-100-10 sigmoid, batch 128, SGD", batch=128, **MLP),
    Case("784-100-10 sigmoid, batch 128, momentum", batch=128, momentum=0.9, **MLP),
    Case(
        "784-256-128-10 ReLU, batch 32, momentum",
        kind="mlp",
        sizes=(784, 256, 128, 10),
        activation="relu",
        batch=32,
        momentum=0.9,
        eta=0.05,
        references=("torch", "torch.compile", "jax", "sklearn", "numpy"),
    ),
    Case(
        "LeNet-style CNN, batch 10, momentum",
        kind="cnn",
        batch=10,
        momentum=0.9,
        eta=0.01,
        references=COMPILED,
    ),
    Case(
        "LeNet-style CNN, batch 64, momentum",
        kind="cnn",
        batch=64,
        momentum=0.9,
        eta=0.05,
        references=COMPILED,
    ),
]
INFERENCE = [
    Case(
        "784-100-10 sigmoid, inference, batch 1000",
        batch=1000,
        references=("torch", "numpy"),
        **MLP,
    ),
    Case("LeNet-style CNN, inference, batch 1000", kind="cnn", batch=1000, references=("torch",)),
]


def memory_child(impl: str) -> None:
    """One full epoch of the 784-100-10 MLP on Fashion-MNIST; print the peak RSS (KiB).

    The peak is taken over training only: the kernel's high-water mark is reset after the
    (shared) data loading, so it counts the resident data, the library and the training.
    """
    data = datasets.load("fashion-mnist")
    X, y = data.train
    case = Case("memory", batch=32, momentum=0.9, **MLP)
    trainer = TRAINERS[impl](case)
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM (Linux)
    trainer.epoch(X, y)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(int(line.split()[1]))
            return
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def peak_memory(impl: str) -> float:
    """Peak resident memory (MiB) of :func:`memory_child` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--memory-child", impl],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def accuracy_parity(data: datasets.Dataset, epochs: int) -> dict[str, float]:
    """Test accuracy after the same recipe (784-100-10 sigmoid, batch 32, momentum)."""
    X, y = data.train
    case = Case("parity", batch=32, momentum=0.9, **MLP)
    out = {}
    for name in ["deltaprop", "torch"]:
        if not available(name):
            continue
        trainer = TRAINERS[name](case)
        for _ in range(epochs):
            trainer.epoch(X, y)
        out[name] = float(np.mean(trainer.predict(data.test[0]) == data.test[1]))
    return out


def cnn_layer_profile(
    X: np.ndarray, y: np.ndarray, batch: int = 64, steps: int = 20
) -> list[tuple[str, float, float]]:
    """Milliseconds per batch spent in each LeNet layer's forward and backward pass."""
    trainer = DeltapropTrainer(Case("profile", kind="cnn", batch=batch, momentum=0.9, eta=0.05))
    net = trainer.net
    spent = {i: [0.0, 0.0] for i in range(len(net.layers))}
    busy = {i: False for i in range(len(net.layers))}  # a layer's backward may call its own
    for i, layer in enumerate(net.layers):  # backward_params: count that time once
        for slot, method in ((0, "forward"), (1, "backward"), (1, "backward_params")):
            original = getattr(layer, method)

            def timed(
                *args: Any, _f: Any = original, _i: int = i, _s: int = slot, **kw: Any
            ) -> Any:
                if busy[_i]:
                    return _f(*args, **kw)
                busy[_i] = True
                start = time.perf_counter()
                try:
                    return _f(*args, **kw)
                finally:
                    spent[_i][_s] += time.perf_counter() - start
                    busy[_i] = False

            setattr(layer, method, timed)
    trainer.epoch(X[: batch * steps], y[: batch * steps])
    rows = []
    for i, layer in enumerate(net.layers):
        fwd, bwd = spent[i]
        rows.append((repr(layer), 1e3 * fwd / steps, 1e3 * bwd / steps))
    return rows


def fashion_cnn(epochs: int) -> tuple[float, float, list[float]]:
    """The LeNet-style CNN on full Fashion-MNIST: test accuracy, wall time, per-epoch accuracy."""
    data = datasets.load("fashion-mnist")
    trainer = DeltapropTrainer(Case("fashion", kind="cnn", batch=64))
    trainer.opt = deltaprop.Adam(0.001)
    decay = deltaprop.StepDecay(0.5, every=2)  # a constant η left the last epoch fluctuating
    accs = []
    start = time.perf_counter()
    for epoch in range(epochs):
        trainer.opt.eta = decay(0.001, epoch)
        trainer.epoch(*data.train)
        accs.append(float(np.mean(trainer.predict(data.test[0]) == data.test[1])))
    return accs[-1], time.perf_counter() - start, accs


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    vector = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and cpu == (platform.processor() or "unknown"):
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not vector:
                flags = set(line.split(":", 1)[1].split())
                found = [f for f in ("avx512f", "avx2", "fma", "avx") if f in flags]
                vector = ", ".join(found[:2]) or "no AVX"
    blas = "unknown"
    with contextlib.suppress(Exception):
        from threadpoolctl import threadpool_info

        infos = [i for i in threadpool_info() if i["user_api"] == "blas"]
        if infos:
            blas = (
                f"{infos[0]['internal_api']} {infos[0]['version']} ({infos[0].get('architecture')})"
            )
    versions = (
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"deltaprop {deltaprop.__version__}"
    )
    if available("torch"):
        import torch

        versions += f", PyTorch {torch.__version__}"
    if available("jax"):
        from importlib.metadata import version

        versions += f", JAX {version('jax')}"
    if available("sklearn"):
        import sklearn

        versions += f", scikit-learn {sklearn.__version__}"
    cores = f"{os.cpu_count()} cores" + (f", {vector}" if vector else "")
    return {"cpu": f"{cpu}, {cores}", "blas": blas, "versions": versions}


def run(args: argparse.Namespace) -> str:
    """Run every measurement and return the Markdown report."""
    quick = args.quick
    fashion = not quick and "fashion-mnist" in datasets.DATASETS and _has_fashion()
    data = datasets.load("fashion-mnist") if fashion else datasets.load("mnist-sample")
    X, y = data.train
    info = machine()
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} with "
        f"`python -m bench{' --quick' if quick else ''}` on {info['cpu']}; BLAS {info['blas']}; "
        f"{info['versions']}.",
        f"Data: {data.name} ({len(X):,} training images), float32. Throughput in images/s, "
        f"median of {args.repeats} interleaved rounds; ratio = deltaprop / reference per round, "
        "median (min-max). Training times whole epochs, each implementation shuffling every epoch; "
        "deltaprop's epoch time is the one its History records (fit's one-time input checks "
        "excluded).",
        "",
    ]
    mlp_n, cnn_n = (1000, 200) if quick else (10000, 2000)
    size = 1024 if quick else 2048
    for n_threads in args.threads:
        with threads(n_threads):
            first = matmul_peak(size)
            # Rows that need the peak wait for it: it is read again after the cases, and the
            # higher reading kept (the machine has slow spells of minutes).
            section: list[Any] = [
                f"## {n_threads} thread{'s' if n_threads > 1 else ''}",
                "",
                lambda peak: (
                    f"float32 matrix-product peak ({size}^3, the higher of two "
                    f"readings, before and after the cases): **{peak:.0f} GFLOP/s**."
                ),
                "",
                "| case | deltaprop | reference | reference images/s | deltaprop / reference |",
                "|---|---|---|---|---|",
            ]
            for case in _selected(CASES[:3] + CASES[-1:] if quick else CASES, args.only):
                n = cnn_n if case.kind == "cnn" else mlp_n
                rows, ours = _case_rows(case, X, y, n, args, n_threads)
                section += rows
                if case.batch == 128 and not case.momentum:
                    section.append(_achieved_row(case, statistics.median(ours)))
            for case in _selected(INFERENCE, args.only):
                n = 2000 if quick else 10000
                inputs = data.test[0] if len(data.test[0]) >= n else X
                section += _case_rows(case, inputs, y, n, args, n_threads, train=False)[0]
            section.append("")
            peak = max(first, matmul_peak(size))
            lines += [row(peak) if callable(row) else row for row in section]
            if not quick and args.only is None:
                lines += growth_section(X, y, max(3, args.repeats - 2), n_threads, peak)
    if not quick and args.only is None:
        lines += _extras(data, args)
    return "\n".join(lines) + "\n"


def _achieved_row(case: Case, images: float) -> Any:
    """The row comparing the achieved arithmetic rate with the peak (once the peak is known)."""
    flops = 6 * case.n_params * images / 1e9
    return lambda peak: (
        f"| ↳ achieved: 6 × {case.n_params:,} params × images/s | {flops:.1f} GFLOP/s | "
        f"matrix-product peak | {peak:.0f} GFLOP/s | **{flops / peak:.0%}** of peak |"
    )


def _selected(cases: list[Case], only: str | None) -> list[Case]:
    return [c for c in cases if only is None or only.lower() in c.name.lower()]


def _has_fashion() -> bool:
    try:
        datasets.mnist.locate("fashion-mnist", download=False)
    except (FileNotFoundError, ValueError):
        return False
    return True


def _rows(
    name: str, ours: list[float], refs: dict[str, list[float]], skipped: list[str]
) -> list[str]:
    rows = []
    for ref, theirs in refs.items():
        rows.append(
            f"| {name} | {statistics.median(ours):,.0f} | {ref} | "
            f"{statistics.median(theirs):,.0f} | {ratio_text(ours, theirs)} |"
        )
    for ref in skipped:
        rows.append(
            f"| {name} | {statistics.median(ours):,.0f} | {ref} | not installed | skipped |"
        )
    return rows


def _case_rows(
    case: Case,
    X: np.ndarray,
    y: np.ndarray,
    n: int,
    args: argparse.Namespace,
    n_threads: int,
    train: bool = True,
) -> tuple[list[str], list[float]]:
    """Measure one case against its references; its report rows and deltaprop's images/s."""
    names = references(case, n_threads, args.quick, train)
    present = [r for r in names if available(r)]
    res = measure(case, X, y, n, args.repeats, present, n_threads, train)
    ours = res.pop("deltaprop")
    return _rows(case.name, ours, res, [r for r in names if r not in present]), ours


def _extras(data: datasets.Dataset, args: argparse.Namespace) -> list[str]:
    lines: list[str] = []
    with threads(1):
        lines += [
            "## Where the CNN's time goes (deltaprop, batch 64, 1 thread)",
            "",
            "| layer | forward ms/batch | backward ms/batch |",
            "|---|---|---|",
        ]
        profile = cnn_layer_profile(*data.train)
        total = sum(f + b for _, f, b in profile)
        for name, f, b in profile:
            lines.append(f"| {name} | {f:.2f} | {b:.2f} |")
        lines += [
            f"| total | {sum(f for _, f, _ in profile):.2f} | "
            f"{sum(b for _, _, b in profile):.2f} ({total:.1f} ms/batch) |",
            "",
        ]
    if data.name == "fashion-mnist":
        lines += ["## Peak memory, one epoch of 784-100-10 on Fashion-MNIST (batch 32)", ""]
        mem = {impl: peak_memory(impl) for impl in ("deltaprop", "torch") if available(impl)}
        for impl, mib in mem.items():
            lines.append(f"- {impl}: {mib:,.0f} MiB max RSS (process, data included)")
        if len(mem) == 2:
            lines.append(f"- deltaprop / torch: **{mem['deltaprop'] / mem['torch']:.2f}x**")
        lines.append("")
        with threads(1):
            parity = accuracy_parity(data, args.parity_epochs)
        lines += [
            f"## Accuracy at the same recipe ({args.parity_epochs} epochs, 784-100-10 "
            "sigmoid, batch 32, momentum 0.9, eta 0.1)",
            "",
        ]
        lines += [f"- {impl}: {acc:.2%} test accuracy" for impl, acc in parity.items()]
        lines.append("")
        if args.fashion_cnn_epochs:
            lines += _fashion_section(args)
    return lines


def _fashion_section(args: argparse.Namespace) -> list[str]:
    """The LeNet-on-Fashion-MNIST section of the report."""
    with threads(max(args.threads)):
        acc, seconds, accs = fashion_cnn(args.fashion_cnn_epochs)
    return [
        f"## LeNet-style CNN on full Fashion-MNIST ({args.fashion_cnn_epochs} "
        f"epochs, batch 64, Adam eta 0.001 halved every 2 epochs, {max(args.threads)} threads)",
        "",
        f"- test accuracy: **{acc:.2%}** (per epoch: {', '.join(f'{a:.2%}' for a in accs)})",
        f"- wall time: {seconds:.0f} s ({datetime.datetime.now():%Y-%m-%d %H:%M})",
        "",
    ]


def section_of(report: str, prefix: str) -> str:
    """The report's section whose heading starts with ``prefix`` (kept across full runs)."""
    lines = report.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(prefix)), None)
    if start is None:
        return ""
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n" + "\n".join(lines[start:end]).rstrip("\n") + "\n"


def replace_section(report: str, section: list[str]) -> str:
    """Put ``section`` in place of the report's section with the same heading prefix."""
    prefix = section[0].split("(")[0]
    lines = report.rstrip("\n").split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(prefix)), len(lines))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join([*lines[:start], *section[:-1], *lines[end:]]) + "\n"


def write_section(out: Path, section: list[str]) -> None:
    """Put ``section`` into the report at ``out`` (made if missing), and print it."""
    report = out.read_text() if out.exists() else "# Benchmark results\n"
    out.write_text(replace_section(report, section))
    print("\n".join(section))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test in well under a minute")
    parser.add_argument(
        "--threads",
        type=lambda s: [int(v) for v in s.split(",")],
        default=None,
        help="thread counts to run at, e.g. 1,2 (default 1,2; --quick: 1)",
    )
    parser.add_argument("--repeats", type=int, default=None, help="rounds per case (default 5)")
    parser.add_argument("--parity-epochs", type=int, default=3)
    parser.add_argument("--fashion-cnn-epochs", type=int, default=5)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write the report (default bench/RESULTS.md; --quick: stdout only)",
    )
    parser.add_argument("--only", help="run only the cases whose name contains this text")
    parser.add_argument(
        "--fashion-cnn-only",
        action="store_true",
        help="only re-measure the Fashion-MNIST CNN section of RESULTS.md",
    )
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    args.threads = args.threads or ([1] if args.quick else [1, 2])
    args.repeats = args.repeats or (1 if args.quick else 5)
    if args.fashion_cnn_only:
        out = args.out or HERE / "RESULTS.md"
        out.write_text(replace_section(out.read_text(), _fashion_section(args)))
        print(f"updated {out}")
        return 0
    report = run(args)
    print(report)
    out = args.out or (None if args.quick else HERE / "RESULTS.md")
    if out is not None:
        old = out.read_text() if out.exists() else ""
        kept = section_of(old, "## Studio") + section_of(old, "## Sweep")
        out.write_text(report.rstrip("\n") + "\n" + kept)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
