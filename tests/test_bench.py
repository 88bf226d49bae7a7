"""The benchmark's quick mode runs (a smoke test: timings are not asserted, machines are noisy)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick(module: str, out: Path) -> str:
    """Run ``python -m MODULE --quick --out OUT``; the report it wrote."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out.read_text()


def test_quick_benchmark_writes_a_report(tmp_path):
    out = tmp_path / "results.md"
    report = quick("bench", out)
    assert report.startswith("# Benchmark results")
    for case in (
        "784-100-10 sigmoid, batch 10, SGD",
        "LeNet-style CNN, batch 64",
        "inference, batch 1000",
    ):
        assert case in report
    assert "| numpy |" in report  # the hand-written NumPy floor is always there
    assert "GFLOP/s" in report


def test_quick_studio_benchmark_writes_its_section(tmp_path):
    out = tmp_path / "results.md"
    out.write_text("# Benchmark results\n\n## Other (kept)\n\ntext\n")
    report = quick("bench.studio", out)
    assert "## Other (kept)" in report and "## Studio (" in report
    assert "playground updates per second" in report and "one drawn digit" in report


def test_quick_studio_load_benchmark_writes_its_section(tmp_path):
    out = tmp_path / "results.md"
    report = quick("bench.studio_load", out)
    assert "## Studio under load (" in report and "3 tabs each playing" in report
    assert "Sessions released: 3 of 3" in report and "no 5xx" in report


def test_quick_predict_benchmark_writes_its_section(tmp_path):
    report = quick("bench.predict", tmp_path / "results.md")
    assert "## One-row predict (" in report and "784-100-10 sigmoid" in report


def test_quick_exercises_benchmark_writes_its_section(tmp_path):
    report = quick("bench.exercises", tmp_path / "results.md")
    assert "## Exercises (" in report and "| conv2d_backward |" in report


def test_before_after_compares_two_checkouts_case_by_case():
    done = subprocess.run(
        [sys.executable, "-m", "bench.before_after", str(ROOT), str(ROOT), "--rounds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "| fit CNN b64 (s) |" in done.stdout and "x |" in done.stdout
