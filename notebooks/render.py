"""Run the course notebooks: ``python notebooks/render.py`` writes them, executed, to docs/.

The notebooks are kept as Jupytext "percent" scripts (``NN_name.py``: reviewable, diffable,
runnable as plain Python); this turns each into a notebook, executes it in a fresh Jupyter
kernel, and writes ``docs/notebooks/NN_name.ipynb`` with its outputs. The test suite runs
the same :func:`execute` on each, so a notebook whose assertion fails fails the suite.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "docs" / "notebooks"
TIME_LIMIT = 120  # seconds a notebook may take on 2 cores


def sources() -> list[Path]:
    """The notebooks, in course order."""
    return sorted(HERE.glob("[0-9][0-9]_*.py"))


def execute(path: Path, timeout: int = TIME_LIMIT) -> tuple[Any, float]:
    """Run the notebook ``path`` in a new kernel; return it with its outputs, and seconds."""
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    import jupytext
    from nbclient import NotebookClient

    notebook = jupytext.read(path)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    start = time.perf_counter()
    NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": HERE}}
    ).execute()
    return notebook, time.perf_counter() - start


def main() -> int:
    import nbformat

    OUT.mkdir(parents=True, exist_ok=True)
    for path in sources():
        notebook, seconds = execute(path)
        nbformat.write(notebook, OUT / f"{path.stem}.ipynb")
        print(f"{path.name}: {seconds:.1f} s -> {OUT / (path.stem + '.ipynb')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
