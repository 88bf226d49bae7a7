"""The README's commands and example are the ones that work."""

from __future__ import annotations

import json
import re
from pathlib import Path

from deltaprop.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
COMMAND_IN_PYTHON = "# deltaprop train, in Python"  # run by its own test, shortened


def bash_blocks():
    return re.findall(r"```bash\n(.*?)```", README, flags=re.S)


def test_two_setup_commands_and_ci_runs_the_test_command():
    blocks = [b.strip() for b in bash_blocks()[:2]]
    assert blocks[0] == 'pip install ".[cli]" && deltaprop train'
    ci = (ROOT / ".ci" / "run").read_text()
    assert blocks[1] in ci.splitlines()


def test_python_example_runs(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the example saves a model file
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    first, callbacks, *others = [b for b in blocks if not b.startswith(COMMAND_IN_PYTHON)]
    namespace: dict = {}
    exec(compile(first, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "passed" in out  # the gradient check at the end of the example
    exec(compile(callbacks, "README.md", "exec"), namespace)  # uses the first one's data
    history = namespace["history"]
    assert history.stop_reason in capsys.readouterr().out
    assert history.stop_reason.startswith("95% reached at epoch")
    for block in others:
        exec(compile(block, "README.md", "exec"), {})


def test_the_python_equivalent_of_deltaprop_train_gives_the_same_history(tmp_path, capsys):
    (block,) = [
        b
        for b in re.findall(r"```python\n(.*?)```", README, flags=re.S)
        if b.startswith(COMMAND_IN_PYTHON)
    ]
    assert "epochs=20," in block  # the command's default, shortened to 3 on both sides here
    namespace: dict = {}
    exec(compile(block.replace("epochs=20,", "epochs=3,"), "README.md", "exec"), namespace)
    assert main(["train", "--epochs", "3", "--no-progress", "--out", str(tmp_path)]) == 0
    command = json.loads((tmp_path / "history.json").read_text())
    python = namespace["history"]
    for key in ("train_cost", "train_accuracy", "val_cost", "val_accuracy"):
        assert command[key] == list(getattr(python, key)), key  # bit for bit
    python_figure, command_figure = re.findall(r"test accuracy: ([\d.]+%)", capsys.readouterr().out)
    assert python_figure == command_figure


def test_the_exercise_diagnosis_shown_is_the_real_one(capsys):
    section = README[README.index("## Exercises") : README.index("## Data")]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    shown = re.search(r"```text\n(.*?)```", section, flags=re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out == shown
