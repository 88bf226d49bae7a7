"""The import graph follows the layering stated in pyproject.toml (import-linter)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = "from importlinter.cli import lint_imports; raise SystemExit(lint_imports(no_cache=True))"


def lint(cwd: Path, src: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the package imported from ``src`` and the config in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-c", LINT],
        cwd=cwd,
        env={"PYTHONPATH": str(src), "PATH": "", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_keeps_its_layers():
    done = lint(ROOT, ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 kept, 0 broken" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    """Negative control: the training loop importing the network must be reported."""
    shutil.copytree(ROOT / "src" / "deltaprop", tmp_path / "src" / "deltaprop")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    events = tmp_path / "src" / "deltaprop" / "training" / "events.py"
    events.write_text(events.read_text() + "\nfrom ..core import network  # noqa\n")
    done = lint(tmp_path, tmp_path / "src")
    assert done.returncode != 0
    assert "deltaprop.training.events -> deltaprop.core.network" in done.stdout
