"""Write the exercise notebooks from the exercises' own statements: ``python write.py``.

One Jupytext "percent" notebook per topic (``NN_topic.py``): for each exercise its
statement and equation, a stub cell to fill in (tagged ``exercise``), a ``check`` cell and
a ``train_with`` cell; the last cell says whether every exercise of the notebook passes.
The statements live in :mod:`deltaprop.exercises.statements` only; the suite checks that
these files are what this script writes. No solution is in them.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from deltaprop.exercises.workspace import topics

HERE = Path(__file__).resolve().parent


def markdown(text: str) -> str:
    """Markdown lines of a percent notebook, wrapped to the project's line length."""
    return "\n".join("# " + line if line else "#" for line in textwrap.wrap(text, 96))


def notebook(topic: str, exercises: list) -> str:  # type: ignore[type-arg]
    names = [e.name for e in exercises]
    cells = [
        f"# %% [markdown]\n# # Exercises: {topic}\n#\n"
        "# Write each function where it says `raise NotImplementedError`. `check` runs it in a\n"
        "# separate process on inputs designed to expose the usual mistakes and names what is\n"
        "# wrong; `train_with` puts it into a real deltaprop network and trains it beside the\n"
        "# reference. `hint` climbs a ladder of hints: the idea, the equation, the shapes, a\n"
        "# skeleton of code.\n",
        "# %%\nimport numpy as np  # noqa: F401 (for your code)\n\n"
        "from deltaprop.exercises import check, train_with",  # one blank line after imports
    ]
    for e in exercises:
        cells += [
            f"# %% [markdown]\n# ## `{e.signature}`\n#\n{markdown(e.statement)}\n#\n"
            f"{markdown(f'**{e.equation}**')}\n#\n{markdown(f'Shapes: {e.shapes}')}\n",
            f'# %% tags=["exercise"]\n{e.stub()}',
            f'# %%\ncheck("{e.name}", {e.name})\n',
            f'# %%\ntrain_with("{e.name}", {e.name})\n',
            f'# %% [markdown]\n# Stuck? `deltaprop.exercises.get("{e.name}").hints` climbs from '
            "the idea to a skeleton;\n# `deltaprop exercises hint` gives them one by one.\n",
        ]
    listed = "".join(f'    "{name}",\n' for name in names)
    cells.append(
        f"# %%\nNAMES = [\n{listed}]\nverdicts = [check(name, globals()[name]) for name in NAMES]\n"
        f"for verdict in verdicts:\n    print(verdict.headline)\n"
        f'assert all(v.passed for v in verdicts), "not every exercise here passes yet"\n'
    )
    return "\n\n".join(cells)


def files() -> dict[Path, str]:
    """Each notebook's path and text."""
    return {
        HERE / f"{i:02d}_{topic.replace(' ', '_')}.py": notebook(topic, group)
        for i, (topic, group) in enumerate(topics().items(), 1)
    }


def main() -> int:
    for path, text in files().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
