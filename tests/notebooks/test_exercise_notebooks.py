"""The exercise notebooks: written from the statements, no solutions, and they run."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest
from notebooks.render import execute

from deltaprop.exercises import EXERCISES
from deltaprop.exercises.wrong import CATALOGUE

pytest.importorskip("nbclient")
pytest.importorskip("jupytext")

FOLDER = Path(__file__).resolve().parents[2] / "notebooks" / "exercises"
sys.path.insert(0, str(FOLDER))
import write  # noqa: E402 (the generator beside the notebooks)

NOTEBOOKS = sorted(FOLDER.glob("[0-9][0-9]_*.py"))


def test_the_notebooks_are_what_the_statements_write():
    assert write.files() == {path: path.read_text(encoding="utf-8") for path in NOTEBOOKS}


def test_every_exercise_has_its_stub_and_no_solution():
    text = "".join(path.read_text(encoding="utf-8") for path in NOTEBOOKS)
    for name, exercise in EXERCISES.items():
        assert text.count(f"def {name}(") == 1
        assert exercise.stub() in text  # the body is `raise NotImplementedError`, nothing more
    assert "deltaprop.exercises.solutions" not in text


def _with(path: Path, tmp_path: Path, replace: dict[str, str]) -> Path:
    """A copy of the notebook with stubs replaced by the given code."""
    text = path.read_text(encoding="utf-8")
    for name, code in replace.items():
        text = text.replace(EXERCISES[name].stub(), code + "\n")
    copy = tmp_path / path.name
    copy.write_text(text, encoding="utf-8")
    return copy


def _solved(path: Path, tmp_path: Path) -> Path:
    names = [n for n in EXERCISES if f"def {n}(" in path.read_text(encoding="utf-8")]
    return _with(
        path, tmp_path, {n: f"from deltaprop.exercises.solutions import {n}" for n in names}
    )


@functools.cache
def _run(path: Path, tmp: Path):  # type: ignore[no-untyped-def]
    return execute(_solved(path, tmp), timeout=180)


# One notebook in the default suite (the capstone, the quickest); all of them with -m slow.
@pytest.mark.parametrize(
    "path",
    [
        p if p.stem.endswith("capstone") else pytest.param(p, marks=pytest.mark.slow)
        for p in NOTEBOOKS
    ],
    ids=[p.stem for p in NOTEBOOKS],
)
def test_each_notebook_runs_with_the_reference_solutions(path, tmp_path):
    notebook, _ = execute(_solved(path, tmp_path), timeout=180)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    shown = [
        o for c in notebook.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})
    ]
    assert any("right, on all" in o["data"]["text/html"] for o in shown)  # check's verdict
    assert any("image/png" in o["data"]["text/html"] for o in shown)  # train_with's curves


def test_a_notebook_with_a_wrong_answer_fails_and_names_it(tmp_path):
    from nbclient.exceptions import CellExecutionError

    path = next(p for p in NOTEBOOKS if p.stem.endswith("activations"))
    wrong = CATALOGUE["sigmoid_prime"][1]  # z(1 − z)
    copy = _with(
        path,
        tmp_path,
        {
            "sigmoid_prime": "def sigmoid_prime(z):\n    return z * (1 - z)",
            "softmax": "from deltaprop.exercises.solutions import softmax",
        },
    )
    with pytest.raises(CellExecutionError, match="not every exercise here passes yet") as caught:
        execute(copy, timeout=180)
    assert f"not right yet ({wrong.mistake})" in str(caught.value)
