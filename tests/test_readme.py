"""The README's commands and example are the ones that work."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def bash_blocks():
    return re.findall(r"```bash\n(.*?)```", README, flags=re.S)


def test_two_setup_commands_and_ci_runs_the_test_command():
    blocks = [b.strip() for b in bash_blocks()[:2]]
    assert blocks[0] == 'pip install ".[cli]" && deltaprop train'
    ci = (ROOT / ".ci" / "run").read_text()
    assert blocks[1] in ci.splitlines()


def test_python_example_runs(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the example saves a model file
    first, callbacks, *others = re.findall(r"```python\n(.*?)```", README, flags=re.S)
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
