"""Training throughput against hidden width and batch size: how the cost grows with work.

Each cell trains 784-width-10 (sigmoid, SGD) for a whole epoch, deltaprop and PyTorch taking
turns. GFLOP/s counts 6 flops per parameter per image (forward, δ and the parameter gradients,
a multiply and an add each); where it nears the matrix-product peak, a library is bound by the
products, and where it stays far below, by everything else (calls, element-wise passes).
"""

from __future__ import annotations

import statistics

import numpy as np

from bench.measure import measure, ratio_text
from bench.references import Case, available

WIDTHS = (100, 400, 1600)
BATCHES = (10, 128, 1024)


def images_for(case: Case) -> int:
    """Enough images for about 0.3 s of work at 50 GFLOP/s, whole batches (at least two)."""
    n = int(0.3 * 50e9 / (6 * case.n_params))
    return max(2 * case.batch, min(10_000, max(1_000, n)) // case.batch * case.batch)


def growth_section(
    X: np.ndarray, y: np.ndarray, repeats: int, n_threads: int, peak: float
) -> list[str]:
    """The report's growth table for the current thread count."""
    refs = ["torch"] if available("torch") else []
    lines = [
        f"### How training cost grows with width and batch ({n_threads} thread"
        f"{'s' if n_threads > 1 else ''}; GFLOP/s as a share of the {peak:.0f} GFLOP/s peak)",
        "",
        "| hidden | batch | deltaprop images/s | deltaprop GFLOP/s | torch images/s "
        "| torch GFLOP/s | deltaprop / torch |",
        "|---|---|---|---|---|---|---|",
    ]
    for width in WIDTHS:
        for batch in BATCHES:
            case = Case(
                f"784-{width}-10, batch {batch}", kind="mlp", sizes=(784, width, 10), batch=batch
            )
            res = measure(case, X, y, images_for(case), repeats, refs, n_threads)
            cells = [_flops(res["deltaprop"], case, peak)]
            if refs:
                cells += [
                    _flops(res["torch"], case, peak),
                    ratio_text(res["deltaprop"], res["torch"]),
                ]
            else:
                cells += ["not installed | | skipped"]
            lines.append(f"| {width} | {batch} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _flops(throughput: list[float], case: Case, peak: float) -> str:
    """Images/s and achieved GFLOP/s (share of peak), as two table cells."""
    images = statistics.median(throughput)
    gflops = 6 * case.n_params * images / 1e9
    return f"{images:,.0f} | {gflops:.1f} ({gflops / peak:.0%})"
