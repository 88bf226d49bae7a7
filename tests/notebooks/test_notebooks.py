"""The course notebooks run in a real Jupyter kernel, and their claims hold."""

from __future__ import annotations

import functools
import textwrap

import pytest
from notebooks.render import TIME_LIMIT, execute, sources

pytest.importorskip("nbclient")
pytest.importorskip("jupytext")

NOTEBOOKS = sources()
run = functools.cache(execute)  # each notebook runs once per session


def test_the_seven_notebooks_are_there():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_asserts_its_claims(path):
    notebook, seconds = run(path)
    assert seconds < TIME_LIMIT
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []


def test_live_training_draws_in_the_notebook():
    notebook, _ = run(next(p for p in NOTEBOOKS if p.stem.startswith("05")))
    kinds = {
        key
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        for key in output.get("data", {})
    }
    assert "image/png" in kinds  # the live plot (fit(live=True)) left its last figure
    assert "text/html" in kinds  # the History's table and curves


def test_a_notebook_whose_claim_fails_fails(tmp_path):
    from nbclient.exceptions import CellExecutionError

    bad = tmp_path / "99_bad.py"
    bad.write_text(
        textwrap.dedent("""\
        # %%
        accuracy = 0.5
        # %%
        assert accuracy > 0.9, "the claim does not hold"
    """)
    )
    with pytest.raises(CellExecutionError, match="the claim does not hold"):
        execute(bad)
